"""核酸检测 nucleic-acid testing: the arrival test (落地核酸) at the first landing point.

A sampler of the testing task force swabs the returnee at the checkpoint, the
tube travels to a laboratory, the laboratory's staff run it, and the result is
logged.  A positive result starts the reporting chain.
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


class ArrivalTest(Strict):
    sampler: str = Field(description="agent that takes the swab at the checkpoint")
    sampling_time: Dist
    transport_time: Dist = Field(description="tube transport to the laboratory, hours")
    lab: str
    processing_time: Dist = Field(description="laboratory time for one tube, hours")
    sensitivity: float = Field(default=1.0, ge=0, le=1)


class Params(Strict):
    arrival_test: ArrivalTest


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    a = params.arrival_test
    yield from unknown_agents(
        scn, [(("arrival_test", "sampler"), a.sampler), (("arrival_test", "lab"), a.lab)]
    )


def install(world: World, params: Params) -> None:
    world.on("returnee_arrival", lambda e: _arrival_test(world, params.arrival_test, e))


def _arrival_test(world: World, p: ArrivalTest, arrival: Event) -> Generator[Any, Any, None]:
    person = arrival.entity
    gen = world.streams.gen("testing/arrival")
    yield from world.agents[p.sampler].work(
        SUBJECT, "arrival_sampling", person, p.sampling_time.sample(gen)
    )
    world.emit("sample_taken", SUBJECT, p.sampler, person, test="arrival", pool_size=1)
    yield world.env.timeout(p.transport_time.sample(gen))
    yield from world.agents[p.lab].work(SUBJECT, "lab_run", person, p.processing_time.sample(gen))
    infected = int(person) in world.infected
    detected = (
        infected and world.streams.uniform("testing/sensitivity", int(person))[0] < p.sensitivity
    )
    kind = "lab_result_positive" if detected else "lab_result_negative"
    world.emit(kind, SUBJECT, p.lab, person, test="arrival")
