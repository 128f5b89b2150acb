"""``drill play``: a drill run with the room answering at injects (live or replayed).

:func:`play_drill` is :func:`sim.api.run_drill` with a facilitator: the live
console, or an :class:`~sim.injects.answers.AnswerSheet` replayed.  Because both
go through the same MSEL code as a scripted run, replaying the answers a plan
scripts gives the plan's event log, byte for byte.  :func:`situation` is what the
console shows at a pause, computed from the event log (queues from the agents).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.api import RunResult, run_drill
from sim.evaluation.objectives import spans
from sim.injects.answers import AnswerSheet
from sim.injects.msel import Facilitator, Scripted, rooms_taken, rooms_total

if TYPE_CHECKING:
    from sim.engine.world import World
    from sim.scenario.model import Scenario


def play_drill(
    scenario: Scenario,
    seed: int | None = None,
    answers: AnswerSheet | None = None,
    facilitator: Facilitator | None = None,
) -> RunResult:
    """Run ``scenario`` with the room's responses from ``facilitator`` or ``answers``.

    ``seed`` defaults to the answer sheet's, then to the scenario's.
    """
    if facilitator is None:
        sheet = answers or AnswerSheet()
        facilitator = Scripted(sheet.answers, sheet.ad_hoc)
    if seed is None and answers is not None:
        seed = answers.seed
    return run_drill(scenario, seed, facilitator)


@dataclass
class Situation:
    """The state of the response at a pause, as the room sees it."""

    t: float
    clock: str
    cases: int
    contacts_identified: int
    contacts_isolated: int
    rooms_left: int | None
    queues: dict[str, int] = field(default_factory=dict)
    at_risk: list[dict[str, Any]] = field(default_factory=list)


def situation(world: World) -> Situation:
    """Counts from the event log, queues from the agents, objectives open too long."""
    log = world.log
    identified = {e.entity for e in log.of("contact_identified")}
    isolated = {e.entity for e in log.of("isolated")} & identified
    rooms = rooms_total(world.scenario)
    return Situation(
        t=world.now,
        clock=world.clock(world.now),
        cases=len({e.entity for e in log.of("case_confirmed")}),
        contacts_identified=len(identified),
        contacts_isolated=len(isolated),
        rooms_left=None
        if world.scenario.subjects.transfer_isolation is None
        else rooms - rooms_taken(world),
        queues={aid: len(a.resource.queue) for aid, a in world.agents.items() if a.resource.queue},
        at_risk=objectives_at_risk(world),
    )


def objectives_at_risk(world: World, share: float = 0.75) -> list[dict[str, Any]]:
    """Objectives whose clock runs and has used ``share`` of the standard or more.

    ``status`` is ``at_risk`` or ``breached`` (past the standard, not yet achieved).
    """
    out = []
    log, now = world.log, world.now
    for obj in world.scenario.objectives:
        m = obj.measure
        if m is None:  # a count objective has no clock to watch
            continue
        elapsed: float | None = None
        found = spans(log, m)
        waiting = (
            []
            if found is None
            else [found.clocks[x].t for x, hours in found.hours.items() if hours is None]
        )
        if waiting:
            elapsed = now - min(waiting)
        if elapsed is not None and elapsed >= share * obj.limit:
            out.append(
                {
                    "id": obj.id,
                    "title": obj.title,
                    "elapsed_h": round(elapsed, 2),
                    "standard_h": obj.limit,
                    "status": "breached" if elapsed > obj.limit else "at_risk",
                }
            )
    return out
