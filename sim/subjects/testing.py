"""核酸检测 nucleic-acid testing: individual tests requested by any subject.

Any subject asks for a test by logging ``test_requested`` (entity = person,
``reason`` = arrival, fever_clinic, quarantine_day_N, ...).  A sampler of the
testing task force swabs the person, the tube travels to a laboratory, the
laboratory's staff run it, and ``lab_result_positive`` or ``lab_result_negative``
is logged with the same reason.  A positive result starts the reporting chain.
The arrival test (落地核酸) at the first landing point is requested here when the
returnee passes the checkpoint.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

from pydantic import Field

from sim.scenario.distributions import Dist
from sim.scenario.schema import Strict
from sim.subjects.common import Rel, unknown_agents

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

SUBJECT = "testing"


class IndividualTest(Strict):
    """How one person's swab is taken and run (single tube)."""

    sampler: str = Field(description="agent that takes the swab")
    sampling_time: Dist
    transport_time: Dist = Field(description="tube transport to the laboratory, hours")
    lab: str
    processing_time: Dist = Field(description="laboratory time for one tube, hours")
    sensitivity: float = Field(default=1.0, ge=0, le=1)


class Params(Strict):
    individual: IndividualTest
    arrival_test: bool = Field(default=True, description="test the returnee at the checkpoint")


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    a = params.individual
    yield from unknown_agents(
        scn, [(("individual", "sampler"), a.sampler), (("individual", "lab"), a.lab)]
    )


def install(world: World, params: Params) -> None:
    if params.arrival_test:
        world.on(
            "returnee_arrival",
            lambda e: world.emit("test_requested", SUBJECT, "", e.entity, reason="arrival"),
        )
    world.on("test_requested", lambda e: _individual_test(world, params.individual, e))


def _individual_test(world: World, p: IndividualTest, request: Event) -> Generator[Any, Any, None]:
    person = request.entity
    reason = request.details.get("reason", "")
    gen = world.streams.gen(f"testing/{reason}")
    yield from world.agents[p.sampler].work(
        SUBJECT, "sampling", person, p.sampling_time.sample(gen), reason=reason
    )
    world.emit("sample_taken", SUBJECT, p.sampler, person, reason=reason, pool_size=1)
    yield world.env.timeout(p.transport_time.sample(gen))
    yield from world.agents[p.lab].work(
        SUBJECT, "lab_run", person, p.processing_time.sample(gen), reason=reason
    )
    infected = int(person) in world.infected
    draw = world.streams.uniform("testing/sensitivity", int(person), slot=len(world.log))[0]
    detected = infected and draw < p.sensitivity
    kind = "lab_result_positive" if detected else "lab_result_negative"
    world.emit(kind, SUBJECT, p.lab, person, reason=reason)
