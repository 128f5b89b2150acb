"""交通管控 traffic control: the returnee's arrival through a road checkpoint.

The drill's premise (seed 001): a returnee from a medium/high-risk area arrives by
road.  The checkpoint (第一落点, first landing point) checks health code and
itinerary card, and hands the returnee to arrival testing (落地核酸).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

from pydantic import Field

from sim.scenario.distributions import Dist
from sim.scenario.schema import Strict
from sim.subjects.common import Rel, unknown_agents

if TYPE_CHECKING:
    from sim.engine.world import World

SUBJECT = "traffic_control"


class Returnee(Strict):
    """The index case (返乡人员) of the drill."""

    arrival_h: float = Field(
        ge=0, description="hours after the start when the returnee reaches the checkpoint"
    )
    community: str = Field(description="home community as 'township/community'")
    risk_area: str = "medium/high-risk area"


class Params(Strict):
    checkpoint_agent: str
    check_time: Dist = Field(
        description="hours to check one vehicle (health code, itinerary, test)"
    )
    returnee: Returnee


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    yield from unknown_agents(scn, [(("checkpoint_agent",), params.checkpoint_agent)])
    town, _, comm = params.returnee.community.partition("/")
    if town not in scn.region.townships or comm not in scn.region.townships[town].communities:
        yield ("returnee", "community"), f"unknown community '{params.returnee.community}'"


def install(world: World, params: Params) -> None:
    world.spawn(_arrival(world, params))


def _arrival(world: World, params: Params) -> Generator[Any, Any, None]:
    pop = world.population
    c = pop.community_ids.index(params.returnee.community)
    members = pop.community_members(c)
    u = world.streams.uniform("returnee/home", 0)[0]
    person = int(members[int(u * members.size)])
    world.returnee = person
    yield world.env.timeout(params.returnee.arrival_h)
    check_time = params.check_time.sample(world.streams.gen("traffic/check"))
    yield from world.agents[params.checkpoint_agent].work(
        SUBJECT, "checkpoint_check", str(person), check_time
    )
    world.emit(
        "returnee_arrival",
        SUBJECT,
        params.checkpoint_agent,
        person,
        community=params.returnee.community,
        risk_area=params.returnee.risk_area,
    )
