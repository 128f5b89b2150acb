"""转运隔离 transport and isolation: point-to-point transfer to centralized quarantine.

Each identified contact reaches the transfer team (转运专班) through the declared
handoff from the tracing team and waits for a vehicle.  A vehicle, driven by one
of the team's staff, picks up as many waiting people as it has seats (waiting at
most ``fill_wait_h`` for more), books each a room at the first quarantine site in
the plan's order that has one free, drives them there and is disinfected before
its next trip.  When every site is full the overflow policy decides: home
quarantine under five-to-one supervision (五包一) set up by the community, or a
centralized site of the neighbouring county, further away.  The plan's placement
rule can also send contacts home directly (``home_quarantine.roles``,
``home_quarantine.share``).  Home quarantine (:mod:`sim.subjects.home_quarantine`)
has finite five-to-one teams, a compliance that depends on them — a person in
breach keeps mixing — and random phone or video checks that find breaches.

In quarantine each person is tested on the schedule's days (``test_requested``
with ``reason=quarantine_day_N``), leaves for hospital if confirmed (treatment
logs the admission) and is released when the quarantine period ends.  A
positive case found outside quarantine is held at home by its community until
the ambulance comes.  :func:`reconfigure` lets a decision taken during live play
add a site or vehicles while the drill runs.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, Literal

import simpy
from pydantic import Field, PositiveInt, field_validator

from sim.engine.agents import URGENT
from sim.scenario.checks import Rel, not_responsible, unknown_agents
from sim.scenario.distributions import Dist
from sim.scenario.schema import AgentTask, Strict, Text
from sim.subjects.base import Section, Subject
from sim.subjects.home_quarantine import HomeQuarantine, HomeQuarantineService

if TYPE_CHECKING:
    from sim.engine.log import Event, EventLog
    from sim.engine.world import World
    from sim.scenario.model import Scenario

NAME = "transfer_isolation"
NEIGHBOUR = "neighbouring_county"


class Site(Strict):
    """A centralized quarantine site (集中隔离点)."""

    name: Text
    rooms: PositiveInt = Field(le=100_000)
    travel_time: Dist = Field(description="hours from pick-up to arrival at this site")


class Quarantine(Strict):
    """Period and test days of one role (8th edition: close 14 d, secondary 7 d)."""

    days: PositiveInt = Field(le=366)
    test_days: list[PositiveInt] = Field(default_factory=list)


class Params(Strict):
    source: str = Field(default="", description="agent handing contacts over (the tracers)")
    team: str = Field(description="agent that drives the transfers (drivers = its staff)")
    vehicles: PositiveInt = Field(le=100_000)
    seats: PositiveInt = Field(le=100_000, description="people per vehicle and trip")
    dispatch_time: Dist = Field(description="hours from taking a vehicle to the first pick-up")
    fill_wait_h: float = Field(default=0.5, ge=0, description="longest wait for more passengers")
    disinfection_time: Dist
    sites: dict[str, Site] = Field(default_factory=dict, description="in order of preference")
    overflow: Literal["home_quarantine", "neighbouring_county"] = "home_quarantine"
    neighbour_travel_time: Dist | None = Field(
        default=None, description="hours to the neighbouring county's site (overflow)"
    )
    home_quarantine: HomeQuarantine
    case_hold: AgentTask = Field(description="community holds a positive case at home")
    quarantine: dict[str, Quarantine] = Field(
        default_factory=lambda: {"close_contact": Quarantine(days=14, test_days=[1, 4, 7, 10, 14])},
        description="by role (close_contact, secondary_contact)",
    )

    @field_validator("quarantine")
    @classmethod
    def _roles(cls, value: dict[str, Quarantine]) -> dict[str, Quarantine]:
        for role, q in value.items():
            if role not in ("close_contact", "secondary_contact"):
                raise ValueError(f"unknown role '{role}' (close_contact or secondary_contact)")
            for d in q.test_days:
                if d > q.days:
                    raise ValueError(f"test day {d} of {role} is after its {q.days}-day quarantine")
        return value


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    refs: list[tuple[Rel, str]] = [
        (("team",), params.team),
        (("home_quarantine", "agent"), params.home_quarantine.agent),
        (("case_hold", "agent"), params.case_hold.agent),
    ]
    if params.home_quarantine.checks is not None:
        refs.append((("home_quarantine", "checks", "agent"), params.home_quarantine.checks.agent))
    if params.source:
        refs.append((("source",), params.source))
    yield from unknown_agents(scn, refs)
    yield from not_responsible(scn, NAME, refs[:3])
    known = params.source in scn.agents and params.team in scn.agents
    if params.source and known and scn.handoff(params.source, params.team) is None:
        yield ("source",), f"no handoff declared from '{params.source}' to '{params.team}'"
    sup = params.home_quarantine.supervision
    if sup is not None and sup.staff is None and not _grid_workers(scn):
        yield (
            ("home_quarantine", "supervision", "staff"),
            "no grid workers are declared in the region: give the teams' staff",
        )
    if params.overflow == NEIGHBOUR and params.neighbour_travel_time is None:
        yield ("neighbour_travel_time",), "required when overflow is neighbouring_county"


def _grid_workers(scn: Any) -> int:
    """Grid workers declared in the region (communities and their compounds)."""
    return sum(
        c.grid_workers + sum(k.grid_workers for k in c.compounds.values())
        for t in scn.region.townships.values()
        for c in t.communities.values()
    )


class _Transfer:
    """The transfer team's fleet, its waiting list, the sites' rooms and who is where."""

    def __init__(self, world: World, p: Params):
        self.world, self.p = world, p
        self.fleet = simpy.Store(world.env)
        self.n_vehicles = 0
        self.add_vehicles(p.vehicles, log=False)
        self.waiting = world.store("transfer")
        self.sites: dict[str, Site] = dict(p.sites)
        self.free = {sid: s.rooms for sid, s in self.sites.items()}
        self.room_of: dict[str, str] = {}  # person → site, while in a central room
        self.placed: dict[str, str] = {}  # person → mode while isolated
        self.requested: set[str] = set()
        self.cases: set[str] = set()
        self.trips = 0
        self.gen = world.streams.gen("transfer")
        self.stays: dict[str, list[Quarantine]] = {}  # arrivals: the rule's phases still due
        self.home = HomeQuarantineService(world, NAME)
        self.moving: set[str] = set()  # found in breach at home, waiting for a central room

    # --- configuration ------------------------------------------------------
    def add_vehicles(self, n: int, log: bool = True) -> None:
        for _ in range(n):
            self.n_vehicles += 1
            self.fleet.put(f"vehicle-{self.n_vehicles}")
        if log and n:
            self.world.emit(
                "vehicles_added", NAME, self.p.team, "fleet", added=n, total=self.n_vehicles
            )

    def add_site(self, sid: str, site: Site) -> None:
        if sid in self.sites:
            extra = site.rooms - self.sites[sid].rooms
            self.free[sid] += max(extra, 0)
        else:
            self.free[sid] = site.rooms
        self.sites[sid] = site
        self.world.emit("site_opened", NAME, self.p.team, sid, rooms=site.rooms)

    # --- contacts -----------------------------------------------------------
    def request(self, event: Event) -> Generator[Any, Any, None]:
        person = event.entity
        if person in self.requested or person in self.cases:
            return
        self.requested.add(person)
        role = str(event.details.get("role", "close_contact"))
        if self.p.source:
            yield from self.world.handoff(self.p.source, self.p.team, NAME, person, role=role)
        if self.home.sent_home(self.p.home_quarantine, person, role):
            yield from self.home_quarantine(person, role)
            return
        self.world.emit("transfer_requested", NAME, self.p.team, person, role=role)
        self.waiting.put((person, role))

    def arrival(self, event: Event) -> None:
        """A risk-area arrival handed over point to point (``arrival_quarantine``, from
        traffic control): a room at the first site with one free (else the overflow),
        or home quarantine, for the days and test days of the arrival's rule."""
        person, d = event.entity, event.details
        if person in self.requested or person in self.cases or person in self.placed:
            return
        self.requested.add(person)
        central, home = int(d["central_days"]), int(d["home_days"])
        tests = [int(x) for x in d["test_days"]]
        phases = []
        if central:
            phases.append(Quarantine(days=central, test_days=[x for x in tests if x <= central]))
        if home:
            phases.append(
                Quarantine(days=home, test_days=[x - central for x in tests if x > central])
            )
        self.stays[person] = phases
        if central:
            for rider in self.board(person, "arrival"):
                self.admit(*rider)
        else:
            self.world.isolated.pop(int(person), None)  # home: compliance decides from now on
            self.world.spawn(self.home_quarantine(person, "arrival"))

    def dispatcher(self) -> Generator[Any, Any, None]:
        env = self.world.env
        while True:
            vehicle = yield self.fleet.get()
            vehicle_at = env.now
            riders: list[tuple[str, str, str]] = []
            while not riders:
                person, role = yield self.waiting.get()
                riders += self.board(person, role)
            deadline = env.now + self.p.fill_wait_h
            while len(riders) < self.p.seats and env.now < deadline:
                get = self.waiting.get()
                got = yield get | env.timeout(deadline - env.now)
                if get not in got:
                    get.cancel()
                    break
                riders += self.board(*got[get])
            self.world.spawn(self.trip(vehicle, riders, vehicle_at))

    def board(self, person: str, role: str) -> list[tuple[str, str, str]]:
        """Book a room for ``person`` and return them as a rider, or apply the overflow."""
        if person in self.cases or (person in self.placed and person not in self.moving):
            return []  # confirmed or isolated meanwhile: nothing to transfer
        for sid, free in self.free.items():
            if free > 0:
                self.free[sid] -= 1
                if self.free[sid] == 0:
                    self.world.emit(
                        "site_full", NAME, self.p.team, sid, rooms=self.sites[sid].rooms
                    )
                return [(person, role, sid)]
        if self.p.overflow == NEIGHBOUR:
            return [(person, role, NEIGHBOUR)]
        if person in self.moving:
            self.moving.discard(person)  # no room: stays re-secured at home
            return []
        self.world.spawn(self.home_quarantine(person, role))
        return []

    def trip(
        self, vehicle: str, riders: list[tuple[str, str, str]], vehicle_at: float
    ) -> Generator[Any, Any, None]:
        self.trips += 1
        trip_id = f"trip-{self.trips}"
        team = self.world.agents[self.p.team]
        if riders:
            travel = max(self.travel(site) for _, _, site in riders)
            duration = self.p.dispatch_time.sample(self.gen) + travel
            self.world.emit(
                "transfer_departed",
                NAME,
                self.p.team,
                trip_id,
                riders=len(riders),
                vehicle=vehicle,
                sites=sorted({s for _, _, s in riders}),
                # who rode, when the vehicle became free, and the fleet's load let the
                # evaluation tell a wait for a vehicle from the wait to fill it
                persons=[person for person, _, _ in riders],
                vehicle_at=round(vehicle_at, 6),
                vehicles_busy=self.n_vehicles - len(self.fleet.items),
                vehicles=self.n_vehicles,
            )
            yield from team.work(NAME, "transfer_trip", trip_id, duration, riders=len(riders))
            for person, role, site in riders:
                self.admit(person, role, site)
            yield self.world.env.timeout(self.p.disinfection_time.sample(self.gen))
        self.fleet.put(vehicle)

    def travel(self, site: str) -> float:
        if site == NEIGHBOUR:
            assert self.p.neighbour_travel_time is not None
            return float(self.p.neighbour_travel_time.sample(self.gen))
        return float(self.sites[site].travel_time.sample(self.gen))

    def admit(self, person: str, role: str, site: str) -> None:
        world = self.world
        if person in self.cases or (person in self.placed and person not in self.moving):
            if site in self.free:
                self.free[site] += 1  # confirmed on the way: the room is not used
            return
        moved = person in self.moving  # from home quarantine after a found breach
        if moved:
            self.moving.discard(person)
            self.home.leave(person)
        if site != NEIGHBOUR:
            self.room_of[person] = site
        self.placed[person] = "central_quarantine"
        world.isolated.setdefault(int(person), world.now)
        world.emit(
            "moved_to_central" if moved else "isolated",
            NAME,
            self.p.team,
            person,
            mode="central_quarantine",
            site=site,
            role=role,
        )
        if not moved:  # a moved person's quarantine goes on from its first day
            world.spawn(self.quarantine(person, role))

    def home_quarantine(self, person: str, role: str) -> Generator[Any, Any, None]:
        world, hq = self.world, self.p.home_quarantine
        yield from world.agents[hq.agent].work(
            NAME, "five_to_one_setup", person, hq.time.sample(self.gen)
        )
        if person in self.cases or person in self.placed:
            return
        supervised, compliant = self.home.enter(hq, person)
        self.placed[person] = "home_quarantine"
        if compliant:
            world.isolated.setdefault(int(person), world.now)
        extra = {} if hq.supervision is None else {"supervised": supervised}
        world.emit(
            "isolated",
            NAME,
            hq.agent,
            person,
            mode="home_quarantine",
            site="",
            role=role,
            compliant=compliant,
            **extra,
        )
        world.spawn(self.quarantine(person, role))
        if not compliant and hq.checks is not None:
            world.spawn(self.home.checked(hq, person, lambda p: self.breach_found(p, role)))

    def breach_found(self, person: str, role: str) -> None:
        """A check found ``person`` out: re-secured at home, or moved to a central room."""
        self.world.isolated.setdefault(int(person), self.world.now)
        checks = self.p.home_quarantine.checks
        if checks is not None and checks.then == "central_quarantine":
            self.moving.add(person)
            self.world.emit("transfer_requested", NAME, self.p.team, person, role=role)
            self.waiting.put((person, role))

    def quarantine(self, person: str, role: str) -> Generator[Any, Any, None]:
        """Test on the schedule's days; release at the end unless the person left."""
        stay = self.stays.get(person)
        q = stay.pop(0) if stay else None
        q = q or self.p.quarantine.get(role) or self.p.quarantine.get("close_contact")
        if q is None:
            return
        env, start = self.world.env, self.world.now
        for day in sorted(set(q.test_days)):
            at = start + (day - 1) * 24.0
            if at > env.now:
                yield env.timeout(at - env.now)
            if person in self.cases:
                return  # positive: no more quarantine tests, the ambulance is coming
            if self.placed.get(person) not in ("central_quarantine", "home_quarantine"):
                return
            self.world.emit(
                "test_requested", NAME, self.p.team, person, reason=f"quarantine_day_{day}"
            )
        end = start + q.days * 24.0
        if end > env.now:
            yield env.timeout(end - env.now)
        if self.placed.get(person) not in ("central_quarantine", "home_quarantine"):
            return
        self.leave(person)
        self.world.emit("quarantine_released", NAME, self.p.team, person, days=q.days)
        if self.stays.get(person):  # an arrival's rule: home quarantine follows ("7+7")
            self.world.isolated.pop(int(person), None)  # compliance decides from now on
            self.world.spawn(self.home_quarantine(person, role))

    def leave(self, person: str) -> None:
        if self.placed.pop(person, None) == "home_quarantine":
            self.home.leave(person)
        site = self.room_of.pop(person, None)
        if site is not None:
            self.free[site] += 1

    # --- cases --------------------------------------------------------------
    def on_positive(self, positive: Event) -> Generator[Any, Any, None]:
        """Hold a positive case at home (by its community) unless already isolated."""
        person = positive.entity
        if person in self.cases:
            return
        self.cases.add(person)
        if person in self.placed:
            if person in self.home.breaching:  # out of home quarantine: brought back
                self.home.breaching.discard(person)
                self.world.isolated.setdefault(int(person), self.world.now)
            return  # in quarantine: stays in its room until the ambulance comes
        hold = self.p.case_hold
        gen = self.world.streams.gen("transfer/case_hold")
        yield from self.world.agents[hold.agent].work(
            NAME, "case_hold", person, hold.time.sample(gen), priority=URGENT
        )
        if person in self.placed:
            return
        self.placed[person] = "held_at_home"
        self.world.isolated.setdefault(int(person), self.world.now)
        self.world.emit("isolated", NAME, hold.agent, person, mode="held_at_home", site="")

    def on_admitted(self, admitted: Event) -> None:
        """A person taken to hospital gives up their room."""
        person = admitted.entity
        mode = self.placed.get(person)
        if mode in ("central_quarantine", "home_quarantine"):
            site = self.room_of.get(person, "")
            self.leave(person)
            self.world.emit("quarantine_left", NAME, self.p.team, person, to="hospital", site=site)
        else:
            self.placed.pop(person, None)
        self.placed[person] = "hospital"


def install(world: World, params: Params) -> _Transfer:
    transfer = _Transfer(world, params)
    world.on("contact_identified", transfer.request)
    world.on("arrival_quarantine", transfer.arrival)
    world.on("lab_result_positive", transfer.on_positive)
    world.on("admitted", transfer.on_admitted)
    world.spawn(transfer.dispatcher())
    return transfer


def reconfigure(world: World, t: _Transfer, params: Params) -> None:
    """Apply a decision taken during play: new sites or rooms, more vehicles.

    Called by the inject engine with the subject's state and new parameters.
    Sites and vehicles can only be added (a room in use cannot vanish); the
    overflow policy, compliance and timings of later work follow ``params``.
    """
    for sid, site in params.sites.items():
        old = t.sites.get(sid)
        if old is None or site.rooms > old.rooms:
            t.add_site(sid, site)
    if params.vehicles > t.n_vehicles:
        t.add_vehicles(params.vehicles - t.n_vehicles)
    t.p = params


def _percentile(sorted_h: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of already sorted hours, by the nearest-rank rule."""
    rank = max(1, -(-len(sorted_h) * q // 1))  # ceil(n q), at least the first
    return sorted_h[int(rank) - 1]


def summarize(scenario: Scenario, log: EventLog) -> dict[str, Any]:
    """The ``isolation`` section of ``summary.json``: rooms taken and end-to-end times.

    ``rooms_peak`` is the most centralized-quarantine rooms of the county's sites
    held at once (a room is taken when a person is isolated there and given back on
    release or on leaving for hospital): what the county had to provide.
    ``end_to_end_h`` is, per traced contact, the hours from the first positive
    result of the case its trace chain started from to the contact's isolation
    (centralized or at home) — the whole chain of tracing, handoff and transfer
    a planner is judged on; ``median``, ``p90`` and ``max`` over contacts.
    ``home_quarantine`` counts the people placed at home, those of them no
    five-to-one team covered, those in breach (not staying home) and the
    breaches random checks found.
    """
    held: set[str] = set()
    peak = 0
    for e in log.among("isolated", "moved_to_central", "quarantine_released", "quarantine_left"):
        if e.kind in ("isolated", "moved_to_central"):
            site = e.details.get("site", "")
            if e.details.get("mode") == "central_quarantine" and site and site != NEIGHBOUR:
                held.add(e.entity)
                peak = max(peak, len(held))
        else:
            held.discard(e.entity)
    positive: dict[str, float] = {}
    for e in log.among("lab_result_positive", "case_confirmed"):
        positive.setdefault(e.entity, e.t)
    source = {e.entity: str(e.details.get("source", "")) for e in log.of("contact_identified")}
    first_isolated: dict[str, float] = {}
    for e in log.of("isolated"):
        first_isolated.setdefault(e.entity, e.t)
    hours = []
    for person, at in first_isolated.items():
        if person not in source:
            continue  # a case held at home, not a traced contact
        root, seen = source[person], {person}
        while root not in positive and root in source and root not in seen:
            seen.add(root)
            root = source[root]
        if root in positive:
            hours.append(max(0.0, at - positive[root]))
    hours.sort()
    times = (
        {
            "median": round(_percentile(hours, 0.5), 4),
            "p90": round(_percentile(hours, 0.9), 4),
            "max": round(hours[-1], 4),
        }
        if hours
        else {}
    )
    home = log.of("isolated", mode="home_quarantine")
    return {
        "rooms_peak": peak,
        "contacts_isolated": len(hours),
        "end_to_end_h": times,
        "home_quarantine": {
            "people": len(home),
            "unsupervised": sum(1 for e in home if e.details.get("supervised") is False),
            "breaches": sum(1 for e in home if e.details.get("compliant") is False),
            "breaches_found": len(log.of("home_quarantine_breach_found")),
        },
    }


SUBJECT: Subject[Params] = Subject(
    name=NAME,
    order=4,
    label=Text(zh="转运隔离", en="transfer and isolation"),
    params=Params,
    install=install,
    check=check,
    reconfigure=reconfigure,
    summary=Section("isolation", "isolated", summarize),
    events={
        "transfer_requested": ("申请转运", "transfer requested"),
        "transfer_departed": ("转运车辆出发", "transfer vehicle departed"),
        "isolated": ("隔离到位", "isolated"),
        "site_full": ("隔离点已满", "quarantine site full"),
        "site_opened": ("启用隔离点", "quarantine site opened"),
        "vehicles_added": ("增派转运车辆", "transfer vehicles added"),
        "quarantine_left": ("转出隔离（送医）", "left quarantine for hospital"),
        "quarantine_released": ("解除隔离", "released from quarantine"),
        "home_quarantine_breach_found": ("抽查发现居家隔离违规", "home-quarantine breach found"),
        "moved_to_central": ("居家违规者转集中隔离", "moved from home to central quarantine"),
    },
    keywords={
        "zh": ("转运", "隔离", "五包一", "居家", "闭环"),
        "en": ("transfer", "isolat", "quarantine", "five-to-one", "closed loop"),
    },
)
