"""转运隔离 transport and isolation: point-to-point transfer to centralized quarantine.

Identified contacts wait for the transfer team (转运专班).  A vehicle with a driver
from the team's staff picks up as many waiting people as it has seats, drives
them to the first quarantine site in the plan's order that has free rooms, and
is disinfected before its next trip.  When every site is full, the overflow
policy decides: home quarantine under five-to-one supervision (五包一), or wait
for a room.  A confirmed case is held at home by its community until treatment.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, Literal

import simpy
from pydantic import Field, PositiveInt

from sim.scenario.distributions import Dist
from sim.scenario.schema import Strict, Text
from sim.subjects.common import AgentTask, Rel, unknown_agents

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

SUBJECT = "transfer_isolation"


class Site(Strict):
    """A centralized quarantine site (集中隔离点)."""

    name: Text
    rooms: PositiveInt
    travel_time: Dist = Field(description="hours from pick-up to arrival at this site")


class Params(Strict):
    team: str = Field(description="agent that drives the transfers (drivers = its staff)")
    vehicles: PositiveInt
    seats: PositiveInt = Field(description="people per vehicle and trip")
    dispatch_time: Dist = Field(description="hours from taking a vehicle to the first pick-up")
    fill_wait_h: float = Field(default=0.5, ge=0, description="longest wait for more passengers")
    disinfection_time: Dist
    sites: dict[str, Site] = Field(min_length=1, description="in order of preference")
    overflow: Literal["home_quarantine"] = "home_quarantine"
    home_quarantine: AgentTask = Field(description="five-to-one set-up by the community")
    case_hold: AgentTask = Field(description="community holds a positive case at home")


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    yield from unknown_agents(
        scn,
        [
            (("team",), params.team),
            (("home_quarantine", "agent"), params.home_quarantine.agent),
            (("case_hold", "agent"), params.case_hold.agent),
        ],
    )


class _Transfer:
    """The transfer team's fleet, its waiting list and the sites' free rooms."""

    def __init__(self, world: World, p: Params):
        self.world, self.p = world, p
        self.fleet = simpy.Resource(world.env, capacity=p.vehicles)
        self.waiting = world.store("transfer")
        self.free = {sid: s.rooms for sid, s in p.sites.items()}
        self.trips = 0
        self.gen = world.streams.gen("transfer")

    def request(self, event: Event) -> None:
        self.world.emit(
            "transfer_requested",
            SUBJECT,
            self.p.team,
            event.entity,
            role=event.details.get("role", ""),
        )
        self.waiting.put(event.entity)

    def dispatcher(self) -> Generator[Any, Any, None]:
        env = self.world.env
        while True:
            vehicle = self.fleet.request()
            yield vehicle
            vehicle_at = env.now
            first = yield self.waiting.get()
            riders = [first]
            deadline = env.now + self.p.fill_wait_h
            while len(riders) < self.p.seats and env.now < deadline:
                get = self.waiting.get()
                got = yield get | env.timeout(deadline - env.now)
                if get not in got:
                    get.cancel()
                    break
                riders.append(got[get])
            self.world.spawn(self.trip(vehicle, riders, vehicle_at))

    def trip(
        self, vehicle: simpy.Resource, riders: list[str], vehicle_at: float
    ) -> Generator[Any, Any, None]:
        self.trips += 1
        trip_id = f"trip-{self.trips}"
        site = self.site_for()
        team = self.world.agents[self.p.team]
        travel = self.p.sites[site].travel_time.sample(self.gen) if site else 0.0
        duration = self.p.dispatch_time.sample(self.gen) + travel
        # persons, vehicle_at and the fleet's load let the evaluation tell a rider's
        # wait for a free vehicle (vehicle_at after the request) from the fill wait.
        self.world.emit(
            "transfer_departed",
            SUBJECT,
            self.p.team,
            trip_id,
            riders=len(riders),
            site=site or "",
            persons=list(riders),
            vehicle_at=round(vehicle_at, 6),
            vehicles_busy=self.fleet.count,
            vehicles=self.p.vehicles,
        )
        yield from team.work(SUBJECT, "transfer_trip", trip_id, duration, riders=len(riders))
        for person in riders:
            self.admit(person)
        yield self.world.env.timeout(self.p.disinfection_time.sample(self.gen))
        self.fleet.release(vehicle)

    def site_for(self) -> str | None:
        """The first site, in the plan's order, with a free room."""
        for sid, free in self.free.items():
            if free > 0:
                return sid
        return None

    def admit(self, person: str) -> None:
        """Give ``person`` a room, or send them to home quarantine when all are taken."""
        world, p = self.world, self.p
        sid = self.site_for()
        if sid is None:
            world.spawn(self.home_quarantine(person))
            return
        self.free[sid] -= 1
        world.isolated[int(person)] = world.now
        world.emit("isolated", SUBJECT, p.team, person, mode="central_quarantine", site=sid)
        if self.free[sid] == 0:
            world.emit("site_full", SUBJECT, p.team, sid, rooms=p.sites[sid].rooms)

    def home_quarantine(self, person: str) -> Generator[Any, Any, None]:
        world, p = self.world, self.p
        hq = p.home_quarantine
        yield from world.agents[hq.agent].work(
            SUBJECT, "five_to_one_setup", person, hq.time.sample(self.gen)
        )
        world.isolated[int(person)] = world.now
        world.emit("isolated", SUBJECT, hq.agent, person, mode="home_quarantine", site="")


def install(world: World, params: Params) -> None:
    transfer = _Transfer(world, params)
    world.on("contact_identified", transfer.request)
    world.spawn(transfer.dispatcher())
    world.on("lab_result_positive", lambda e: _hold_case(world, params, e))


def _hold_case(world: World, p: Params, positive: Event) -> Generator[Any, Any, None]:
    gen = world.streams.gen("transfer/case_hold")
    hold = p.case_hold
    yield from world.agents[hold.agent].work(
        SUBJECT, "case_hold", positive.entity, hold.time.sample(gen)
    )
    world.isolated[int(positive.entity)] = world.now
    world.emit("isolated", SUBJECT, hold.agent, positive.entity, mode="held_at_home", site="")
