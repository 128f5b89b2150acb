"""Single tubes: one person's swab, its transport and its laboratory run.

Any subject asks for a test by logging ``test_requested`` (entity = person,
``reason`` = arrival, fever_clinic, quarantine_day_N, pool_retest, ...).  A
sampler swabs the person, the tube travels to a laboratory, the laboratory's
staff run it, and ``lab_result_positive`` or ``lab_result_negative`` is logged
with the same reason.  Suspected cases (``urgent_reasons``) go first.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.engine.agents import ROUTINE, URGENT
from sim.subjects.testing.params import IndividualTest

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

NAME = "testing"


def returnee_test(world: World, arrival: Event) -> None:
    """The returnee's arrival test, or the health-monitoring test when they entered earlier."""
    before = float(arrival.details.get("entered_h", world.now)) < world.now
    reason = "health_monitoring" if before else "arrival"
    world.emit("test_requested", NAME, "", arrival.entity, reason=reason)


def individual_test(
    world: World, p: IndividualTest, tests: dict[int, int], request: Event
) -> Generator[Any, Any, None]:
    """Swab, transport and run one person's tube; ``tests`` counts each person's tubes."""
    person = request.entity
    reason = request.details.get("reason", "")
    stream = f"testing/{reason}"
    priority = URGENT if reason in p.urgent_reasons else ROUTINE
    yield from world.agents[p.sampler].work(
        NAME,
        "sampling",
        person,
        world.streams.draws(f"{stream}/sampling", p.sampling_time)(),
        priority=priority,
        reason=reason,
    )
    world.emit("sample_taken", NAME, p.sampler, person, reason=reason, pool_size=1)
    yield world.env.timeout(world.streams.draws(f"{stream}/transport", p.transport_time)())
    processing = world.streams.draws(f"{stream}/processing", p.processing_time)()
    staff_h = processing if p.hands_on_time is None else min(p.hands_on_time, processing)
    yield from world.agents[p.lab].work(
        NAME, "lab_run", person, staff_h, priority=priority, reason=reason
    )
    if processing > staff_h:  # the amplification runs on a machine, not on a person
        yield world.env.timeout(processing - staff_h)
    infected = int(person) in world.infected
    # the n-th test of a person always gets the same draw (common random numbers)
    n = tests[int(person)] = tests.get(int(person), 0) + 1
    draw = world.streams.uniform("testing/sensitivity", int(person), slot=n)[0]
    detected = infected and draw < p.sensitivity
    kind = "lab_result_positive" if detected else "lab_result_negative"
    world.emit(kind, NAME, p.lab, person, reason=reason)
