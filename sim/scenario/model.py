"""The root :class:`Scenario` model and the reference checks of the common language.

The subjects' sections and the epidemic's are open here (``Any``): the
composition root :mod:`sim.language` narrows them to the models that the
registered subjects declare, keeping every field in this order.  Code below the
subjects types against this class; a :class:`Scenario` is always validated by
the root's model, so those sections are never unchecked at run time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from pydantic import Field

from sim.scenario.checks import Problems, Rel, suggest
from sim.scenario.exercise import Exercise
from sim.scenario.injects import Inject
from sim.scenario.schema import (
    Agent,
    Handoff,
    Meta,
    Objective,
    PlanInfo,
    Raci,
    Ratings,
    Region,
    Strict,
)


class Scenario(Strict):
    """A validated, frozen drill scenario (with its plans already applied)."""

    meta: Meta
    region: Region
    agents: dict[str, Agent] = Field(min_length=1)
    responsibilities: dict[str, Raci]
    handoffs: list[Handoff] = Field(default_factory=list)
    subjects: Any = Field(default=None, description="per-subject parameters")
    epidemic: Any = Field(default=None, description="transmission model")
    injects: list[Inject] = Field(default_factory=list)
    decisions: dict[str, str] = Field(
        default_factory=dict, description="scripted choices: decision inject id → option id"
    )
    objectives: list[Objective] = Field(default_factory=list)
    ratings: Ratings = Field(default_factory=Ratings)
    applied_plans: list[PlanInfo] = Field(default_factory=list)
    exercise: Exercise | None = None

    def handoff(self, src: str, dst: str) -> Handoff | None:
        """The handoff from ``src`` to ``dst``, if the scenario declares one."""
        for h in self.handoffs:
            if h.from_ == src and h.to == dst:
                return h
        return None

    def subject_params(self, subject: str) -> Any:
        """The parameters of ``subject``, or None when the scenario leaves it out."""
        return getattr(self.subjects, subject, None)


def network_problems(
    scn: Scenario, subjects: Collection[str], simulated: Collection[str]
) -> Problems:
    """Reporting lines, responsibilities and handoffs that name nothing declared.

    ``subjects`` are the registered subjects (what ``responsibilities`` may name);
    each of the ``simulated`` ones needs a responsible agent.
    """
    agents = scn.agents

    def agent(path: Rel, name: str) -> Iterator[tuple[Rel, str]]:
        if name not in agents:
            yield path, f"unknown agent '{name}'{suggest(name, agents)}"

    for aid, a in agents.items():
        for i, boss in enumerate(a.reports_to):
            yield from agent(("agents", aid, "reports_to", i), boss)
    for subject in scn.responsibilities:
        if subject not in subjects:
            yield ("responsibilities", subject), f"unknown subject{suggest(subject, subjects)}"
    for subject in subjects:
        raci = scn.responsibilities.get(subject)
        if raci is None:
            if subject in simulated:
                yield ("responsibilities",), f"subject '{subject}' has no responsible agent"
            continue
        base = ("responsibilities", subject)
        for role in ("responsible", "consulted", "informed"):
            for i, name in enumerate(getattr(raci, role)):
                yield from agent((*base, role, i), name)
        yield from agent((*base, "accountable"), raci.accountable)
    for i, h in enumerate(scn.handoffs):
        yield from agent(("handoffs", i, "from"), h.from_)
        yield from agent(("handoffs", i, "to"), h.to)


def objective_problems(
    scn: Scenario, subjects: Collection[str], event_kinds: Collection[str]
) -> Problems:
    """Objectives with a repeated id, an unknown subject or an event kind not in
    ``event_kinds`` (the vocabulary an objective's measure may name)."""
    seen: set[str] = set()
    for i, obj in enumerate(scn.objectives):
        if obj.id in seen:
            yield ("objectives", i, "id"), f"duplicate objective id '{obj.id}'"
        seen.add(obj.id)
        if obj.subject not in subjects:
            yield ("objectives", i, "subject"), f"unknown subject{suggest(obj.subject, subjects)}"
        named: list[tuple[Rel, str]] = []
        if obj.measure is not None:
            for part in ("start", "end", "clock_from", "through", "unless"):
                match = getattr(obj.measure, part)
                if match is not None:
                    named.append((("objectives", i, "measure", part), match.kind))
        if obj.count is not None:
            named.append((("objectives", i, "count", "kind"), obj.count.kind))
        for path, kind in named:
            if kind not in event_kinds:
                yield path, f"unknown event kind '{kind}'{suggest(kind, event_kinds)}"
