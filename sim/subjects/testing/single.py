"""Single tubes: one person's swab, its transport and its laboratory run.

Any subject asks for a test by logging ``test_requested`` (entity = person,
``reason`` = arrival, fever_clinic, quarantine_day_N, pool_retest, ...).  A
sampler swabs the person, the tube travels to a laboratory and joins a run of
the laboratory's machines (when the laboratory is one of the mass rounds'
``labs``; otherwise its staff run it, ``processing_time``), and
``lab_result_positive`` or ``lab_result_negative`` is logged with the same
reason.  Suspected cases (``urgent_reasons``) go first, at the sampler and on
the machines.  A swab detects an infection with the probability of its day
since infection (the pooled tubes' ``sensitivity_by_day``) times
``sensitivity``; the returnee's first test is positive when the drill's premise
says so (``premise_positive``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.engine.agents import ROUTINE, URGENT
from sim.subjects.testing.params import IndividualTest

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World
    from sim.subjects.testing.labs import LabRunner

NAME = "testing"


def returnee_test(world: World, arrival: Event) -> Generator[Any, Any, None] | None:
    """The premise test traffic control names for an index case's arrival, at its hour.

    The arrival test at the checkpoint, the health-monitoring test, a fever-clinic
    visit or a screening round (``premise_test``) at ``premise_h``; none when the
    premise leaves the case for the model to find.  A later test is dropped if the
    person is isolated by then (something else found them).
    """
    reason = arrival.details.get("premise_test")
    if not reason:
        return None
    at = float(arrival.details.get("premise_h", world.now))
    if at <= world.now:
        world.emit("test_requested", NAME, "", arrival.entity, reason=reason, premise=True)
        return None
    return _premise_later(world, arrival.entity, reason, at)


def _premise_later(world: World, person: str, reason: str, at: float) -> Generator[Any, Any, None]:
    yield world.env.timeout(at - world.now)
    if int(person) not in world.isolated:
        world.emit("test_requested", NAME, "", person, reason=reason, premise=True)


def sensitivity(table: list[float], days: float) -> float:
    """Probability that a swab taken ``days`` after infection detects it."""
    if days < 0:
        return 0.0
    return float(table[min(int(np.floor(days)), len(table) - 1)])


def individual_test(
    world: World,
    p: IndividualTest,
    tests: dict[int, int],
    request: Event,
    lab: LabRunner | None,
    curve: list[float],
    premise_positive: bool,
) -> Generator[Any, Any, None]:
    """Swab, transport and run one person's tube; ``tests`` counts each person's tubes.

    ``lab``: the machines of the single tube's laboratory (None: its staff run it);
    ``curve``: sensitivity by day since infection.
    """
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
    swabbed = world.now
    yield world.env.timeout(world.streams.draws(f"{stream}/transport", p.transport_time)())
    if lab is not None:
        yield lab.deliver_single(int(person), priority == URGENT)
    else:
        processing = world.streams.draws(f"{stream}/processing", p.processing_time)()
        staff_h = processing if p.hands_on_time is None else min(p.hands_on_time, processing)
        yield from world.agents[p.lab].work(
            NAME, "lab_run", person, staff_h, priority=priority, reason=reason
        )
        if processing > staff_h:  # the amplification runs on a machine, not on a person
            yield world.env.timeout(processing - staff_h)
    exposure = world.infected.get(int(person))
    # the n-th test of a person always gets the same draw (common random numbers)
    n = tests[int(person)] = tests.get(int(person), 0) + 1
    draw = world.streams.uniform("testing/sensitivity", int(person), slot=n)[0]
    if exposure is None:
        detected = False
    elif premise_positive and request.details.get("premise"):
        # the drill's premise: an index case's premise test is positive, even when an
        # earlier test of the person (a fever-clinic visit, say) came too soon to be
        detected = True
    else:
        days = (swabbed - exposure) / 24.0
        detected = bool(draw < p.sensitivity * sensitivity(curve, days))
    kind = "lab_result_positive" if detected else "lab_result_negative"
    world.emit(kind, NAME, p.lab, person, reason=reason)
