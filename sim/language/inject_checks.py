"""Reference checks of the MSEL that pydantic alone cannot do.

Called from :func:`sim.language.reference_problems`; every path is relative
to the scenario root so the loader names the file and line (a plan's, when a
plan set the value).
"""

from __future__ import annotations

from collections.abc import Iterator

from sim.engine.events import EVENT_KINDS
from sim.language.overlay import base_problems, overlay_problems
from sim.scenario.checks import Rel, community_ids, suggest
from sim.scenario.injects import (
    ROOMS_OCCUPIED,
    Effect,
    HandoffDelayEffect,
    MachinesEffect,
    RevealContactsEffect,
    RumourEffect,
    SeedCaseEffect,
    StaffEffect,
    TestRequestEffect,
)
from sim.scenario.model import Scenario
from sim.scenario.settings import SETTINGS
from sim.subjects.registry import SUBJECTS


def inject_problems(scn: Scenario) -> Iterator[tuple[Rel, str]]:
    """Unknown agents, subjects, objectives, event kinds; bad overlays; bad decisions."""
    objectives = {o.id for o in scn.objectives}
    seen: set[str] = set()
    known = base_problems(scn) if any(i.options for i in scn.injects) else set()
    kinds = [*EVENT_KINDS, ROOMS_OCCUPIED]
    for i, inj in enumerate(scn.injects):
        base: Rel = ("injects", i)
        if inj.id in seen:
            yield (*base, "id"), f"duplicate inject id '{inj.id}'"
        seen.add(inj.id)
        if inj.target is not None:
            yield from _agent(scn, (*base, "target"), inj.target)
        for j, name in enumerate(inj.draw_from):
            yield from _agent(scn, (*base, "draw_from", j), name)
        if inj.subject not in SUBJECTS:
            yield (*base, "subject"), f"unknown subject{suggest(inj.subject, SUBJECTS)}"
        for j, oid in enumerate(inj.objectives):
            if oid not in objectives:
                yield (
                    (*base, "objectives", j),
                    f"unknown objective '{oid}'{suggest(oid, objectives)}",
                )
        if inj.at_h is not None and inj.at_h > scn.meta.duration_h:
            yield (*base, "at_h"), f"after the end of the drill ({scn.meta.duration_h:g} h)"
        trig = inj.trigger
        if trig is not None:
            if trig.on == ROOMS_OCCUPIED:
                if scn.subject_params("transfer_isolation") is None:
                    yield (*base, "trigger", "on"), "needs the transfer_isolation subject"
            elif trig.on not in EVENT_KINDS:
                yield (
                    (*base, "trigger", "on"),
                    f"unknown event kind '{trig.on}'{suggest(trig.on, kinds)}",
                )
        for j, eff in enumerate(inj.effects):
            yield from _effect(scn, (*base, "effects", j), eff)
        for j, opt in enumerate(inj.options):
            here = (*base, "options", j)
            for path, message in overlay_problems(scn, opt.overlay, known):
                yield (*here, "overlay", *path), message
            for k, eff in enumerate(opt.effects):
                yield from _effect(scn, (*here, "effects", k), eff)
    yield from _seed_ids(scn)
    by_id = {inj.id: inj for inj in scn.injects}
    for key, choice in scn.decisions.items():
        found = by_id.get(key)
        if found is None or found.type != "decision":
            decisions = [i.id for i in scn.injects if i.type == "decision"]
            yield ("decisions", key), f"no decision inject '{key}'{suggest(key, decisions)}"
        elif choice not in [o.id for o in found.options]:
            ids = [o.id for o in found.options]
            yield ("decisions", key), f"'{choice}' is not an option of '{key}' ({', '.join(ids)})"


def _agent(scn: Scenario, path: Rel, name: str) -> Iterator[tuple[Rel, str]]:
    if name not in scn.agents:
        yield path, f"unknown agent '{name}'{suggest(name, scn.agents)}"


def _effect(scn: Scenario, path: Rel, eff: Effect) -> Iterator[tuple[Rel, str]]:
    if isinstance(eff, StaffEffect | RumourEffect):
        yield from _agent(scn, (*path, "agent"), eff.agent)
    elif isinstance(eff, MachinesEffect):
        testing = scn.subjects.testing
        labs = [lab.agent for lab in testing.mass.labs] if testing and testing.mass else []
        if eff.agent not in labs:
            yield (
                (*path, "agent"),
                f"'{eff.agent}' is not a laboratory with machines "
                f"(subjects.testing.mass.labs){suggest(eff.agent, labs)}",
            )
    elif isinstance(eff, HandoffDelayEffect):
        if scn.handoff(eff.from_, eff.to) is None:
            yield path, f"no handoff declared from '{eff.from_}' to '{eff.to}'"
    elif isinstance(eff, RevealContactsEffect):
        if eff.setting not in SETTINGS:
            yield (
                (*path, "setting"),
                f"unknown setting '{eff.setting}'{suggest(eff.setting, SETTINGS)}",
            )
    elif isinstance(eff, TestRequestEffect | SeedCaseEffect):
        communities = community_ids(scn.region)
        if eff.community not in communities:
            yield (
                (*path, "community"),
                (f"unknown community '{eff.community}'{suggest(eff.community, communities)}"),
            )


def _seed_ids(scn: Scenario) -> Iterator[tuple[Rel, str]]:
    """A seeded case's id must name no declared index case (summary.json keys by it)."""
    traffic = scn.subject_params("traffic_control")
    declared = set(traffic.cases()) if traffic is not None else set()
    for i, inj in enumerate(scn.injects):
        for j, eff in enumerate(inj.effects):
            if isinstance(eff, SeedCaseEffect) and eff.id in declared:
                yield (
                    ("injects", i, "effects", j, "id"),
                    f"'{eff.id}' is already an index case (subjects.traffic_control.index_cases)",
                )
