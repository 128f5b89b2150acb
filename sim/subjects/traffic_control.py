"""交通管控 traffic control: road checkpoints and the returnee's arrival.

The drill's premise (seed 001): a returnee from a medium/high-risk area arrives by
road.  The checkpoint (第一落点, first landing point) checks health code and
itinerary card, and hands the returnee to arrival testing (落地核酸).  A
returnee who entered *before* the drill starts (negative ``arrival_h``: the
origin became a risk area after the journey, or the arrival test missed an early
infection) has lived at home under health monitoring (居家健康监测) since entry;
the drill then opens with the monitoring test, and the epidemic counts every
exposure since entry.

Around that premise, ``roads`` models all inbound traffic at the county's
checkpoints (交通卡口, staffed 24 h, #46) in hourly buckets — no process per
vehicle.  Each hour a checkpoint receives a Poisson number of vehicles (daily
profile), checks what its lanes can (officers on shift ÷ officers per lane,
``check_time_s`` per vehicle, ~30 s #48), queues the rest, and waves through
vehicles beyond ``max_queue`` unchecked.  A vehicle from a risk area is a
risk-area arrival: checked, it is recognised unless the check misses it
(``miss_prob``, lower with health-code checks), gets the arrival test
(``test_requested`` reason arrival) and a ``risk_arrival_checked`` event that the
transfer subject can take up for point-to-point transfer; waved through or
missed, it is a ``risk_arrival_leaked``.  An infected arrival is logged as
``infected_arrival`` (with its exposure time); the epidemic makes it an
imported case that goes home and transmits like any other case until
something isolates it — its arrival test if it was checked, otherwise a fever
clinic, a screening round or tracing.  Each vehicle's draws are counter-based common
random numbers keyed by (checkpoint, hour, vehicle), and the vehicles waved
through are the hour's last arrivals, so more staff only ever turns leaked
vehicles into checked ones.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, NonNegativeInt, PositiveInt, model_validator

from sim.scenario.checks import Rel, community_ids, not_responsible, suggest, unknown_agents
from sim.scenario.distributions import Dist
from sim.scenario.index_cases import PREMISE_REASON, IndexCase
from sim.scenario.schema import Strict, Text
from sim.subjects.base import Section, Subject

if TYPE_CHECKING:
    from sim.engine.log import EventLog
    from sim.engine.world import World
    from sim.scenario.model import Scenario

NAME = "traffic_control"
RETURNEE = "returnee"
"""Index-case id of the single ``returnee`` of today's scenarios."""


class Returnee(Strict):
    """The index case (返乡人员) of the drill."""

    arrival_h: float = Field(
        ge=-336,
        description="hours after the start when the returnee reaches the checkpoint; negative: "
        "entered that many hours before the start and is found by the monitoring test at the "
        "start",
    )
    community: str = Field(description="home community as 'township/community'")
    risk_area: str = "medium/high-risk area"


DEFAULT_PROFILE = [
    *(0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 2.0, 4.0, 6.0, 6.5, 6.0, 5.5),
    *(5.0, 5.0, 5.5, 6.0, 7.0, 8.0, 7.0, 5.5, 4.0, 3.0, 2.0, 1.0),
]
"""Relative inbound traffic by clock hour (assumption: morning and evening peaks)."""


class Checkpoint(Strict):
    """One road checkpoint (at most one per road section and direction, #47).

    ``status``: ``open`` (staffed and checking), ``closed`` (the road is blocked:
    ``detour_share`` of its traffic finds unguarded routes and enters unchecked, the
    rest diverts to the open checkpoints in proportion to their traffic) or
    ``unguarded`` (the road is open and nobody checks; staff may be 0).
    """

    name: Text | None = None
    vehicles_per_day: float = Field(gt=0, le=1_000_000)
    status: Literal["open", "closed", "unguarded"] = "open"
    staff: NonNegativeInt = Field(
        le=100_000, description="officers assigned over all shifts (> 0 when open)"
    )
    shifts: PositiveInt = Field(default=3, le=24)
    staff_per_lane: PositiveInt = Field(default=2, le=100_000)
    detour_share: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="closed: share of its traffic that finds unguarded routes (assumption)",
    )

    @model_validator(mode="after")
    def _staffed(self) -> Checkpoint:
        if self.status == "open" and self.staff == 0:
            raise ValueError("an open checkpoint needs staff > 0 (or status: unguarded)")
        return self


class Roads(Strict):
    """Inbound traffic at the checkpoints, in hourly buckets."""

    agent: str = Field(description="agent whose officers staff the checkpoints")
    checkpoints: dict[str, Checkpoint] = Field(min_length=1)
    profile: list[float] = Field(default=DEFAULT_PROFILE, min_length=24, max_length=24)
    check_time_s: float = Field(
        default=30.0, gt=0, le=86_400, description="seconds per vehicle (#48)"
    )
    persons_per_vehicle: float = Field(default=1.6, gt=0)
    risk_share: float = Field(
        default=0.005, ge=0, le=1, description="share of vehicles carrying a risk-area traveller"
    )
    risk_levels: dict[str, float] = Field(
        default_factory=lambda: {"medium": 1.0},
        min_length=1,
        description="relative share of risk-area travellers by their origin's risk level "
        "(picks the point-to-point rule)",
    )
    infected_share: float = Field(
        default=0.005, ge=0, le=1, description="share of risk-area travellers infected"
    )
    health_code: bool = Field(default=True, description="health and itinerary codes checked")
    miss_prob: dict[str, float] = Field(
        default_factory=lambda: {"health_code": 0.02, "no_code": 0.2},
        description="probability a checked risk-area traveller is not recognised",
    )
    max_queue: int = Field(
        default=60, ge=0, le=100_000, description="vehicles queued before waving through"
    )

    @model_validator(mode="after")
    def _check(self) -> Roads:
        if set(self.miss_prob) != {"health_code", "no_code"}:
            raise ValueError("miss_prob needs exactly 'health_code' and 'no_code'")
        if any(not 0 <= v <= 1 for v in self.miss_prob.values()):
            raise ValueError("miss_prob values must be within [0, 1]")
        if any(v < 0 for v in self.risk_levels.values()) or sum(self.risk_levels.values()) <= 0:
            raise ValueError("risk_levels must be non-negative shares, not all zero")
        if any(v < 0 for v in self.profile) or sum(self.profile) <= 0:
            raise ValueError("profile must be 24 non-negative weights, not all zero")
        return self

    def lanes(self, cp: Checkpoint) -> int:
        return max(1, (cp.staff // cp.shifts) // cp.staff_per_lane)

    def diverted_in(self) -> dict[str, float]:
        """Vehicles a day each open checkpoint receives from closed roads.

        A closed road's traffic that does not find an unguarded route goes to the
        open checkpoints in proportion to their own traffic; with none open, it
        turns back.
        """
        diverted = sum(
            cp.vehicles_per_day * (1 - cp.detour_share)
            for cp in self.checkpoints.values()
            if cp.status == "closed"
        )
        open_ = {
            c: cp.vehicles_per_day for c, cp in self.checkpoints.items() if cp.status == "open"
        }
        total = sum(open_.values())
        if not diverted or not total:
            return {}
        return {c: diverted * v / total for c, v in open_.items()}

    @model_validator(mode="after")
    def _some_open(self) -> Roads:
        closed = [c for c, cp in self.checkpoints.items() if cp.status == "closed"]
        if closed and not any(cp.status == "open" for cp in self.checkpoints.values()):
            raise ValueError("closed roads need an open checkpoint to divert to")
        return self


class Rule(Strict):
    """Where a risk-area arrival of one origin risk level stays, and when it is tested.

    Days count from the arrival (day 1 = the day of arrival), over the whole stay:
    ``central_days`` in a centralized quarantine site, then ``home_days`` of home
    quarantine (seed 003: 14 days centralized, tests on days 1, 4, 7, 10 and 14;
    "7+7": 7 centralized then 7 at home).
    """

    central_days: NonNegativeInt = Field(default=0, le=366)
    home_days: NonNegativeInt = Field(default=0, le=366)
    test_days: list[PositiveInt] = Field(default_factory=list)
    health_code: Literal["red", "yellow"] | None = Field(
        default=None,
        description="code assigned (赋码); default red with centralized days, yellow otherwise",
    )

    @model_validator(mode="after")
    def _days(self) -> Rule:
        days = self.central_days + self.home_days
        if days == 0:
            raise ValueError("a rule needs central_days or home_days")
        late = [d for d in self.test_days if d > days]
        if late:
            raise ValueError(f"test day {late[0]} is after the {days}-day stay")
        return self

    @property
    def code(self) -> str:
        if self.health_code is not None:
            return self.health_code
        return "red" if self.central_days else "yellow"


class PointToPoint(Strict):
    """Point-to-point transfer (点对点转运) of checked risk-area arrivals (seed 001, 004).

    The agent the plan names (the township, never village cadres directly, seed 004)
    picks the arrival up at the checkpoint and hands them to the quarantine the rule
    of their origin's risk level says; they are held from the check on (closed loop,
    闭环) and assigned a health code (精准赋码).  An arrival whose level has no rule
    goes home with the arrival test.
    """

    agent: str = Field(description="agent that organises the pick-up (the township)")
    pickup_time: Dist = Field(description="hours from the check to the hand-over")
    rules: dict[str, Rule] = Field(min_length=1, description="by origin risk level")


class Params(Strict):
    checkpoint_agent: str
    check_time: Dist = Field(
        description="hours to check one vehicle (health code, itinerary, test)"
    )
    returnee: Returnee | None = Field(
        default=None, description="the single index case (index case 'returnee')"
    )
    index_cases: dict[str, IndexCase] = Field(
        default_factory=dict,
        description="the outbreak's index cases by id (with or beside 'returnee')",
    )
    point_to_point: PointToPoint | None = Field(
        default=None,
        description="point-to-point transfer of checked risk-area arrivals; absent: "
        "they go home with the arrival test",
    )
    roads: Roads | None = None

    def cases(self) -> dict[str, IndexCase]:
        """Every index case by id; the single ``returnee`` is index case 'returnee'."""
        out: dict[str, IndexCase] = {}
        if self.returnee is not None:
            r = self.returnee
            out[RETURNEE] = IndexCase(
                community=r.community, origin=r.risk_area, arrival_h=r.arrival_h
            )
        return out | dict(self.index_cases)


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    yield from unknown_agents(scn, [(("checkpoint_agent",), params.checkpoint_agent)])
    if params.roads is not None:
        yield from unknown_agents(scn, [(("roads", "agent"), params.roads.agent)])
    communities = community_ids(scn.region)
    if params.returnee is not None and params.returnee.community not in communities:
        yield ("returnee", "community"), f"unknown community '{params.returnee.community}'"
    if params.returnee is not None and RETURNEE in params.index_cases:
        yield ("index_cases", RETURNEE), "'returnee' is already the id of the returnee"
    checkpoints = params.roads.checkpoints if params.roads is not None else {}
    for cid, case in params.index_cases.items():
        if case.community not in communities:
            yield (
                ("index_cases", cid, "community"),
                f"unknown community '{case.community}'{suggest(case.community, communities)}",
            )
        if case.checkpoint is not None and case.checkpoint not in checkpoints:
            yield (
                ("index_cases", cid, "checkpoint"),
                f"unknown checkpoint '{case.checkpoint}'{suggest(case.checkpoint, checkpoints)}",
            )
    if params.point_to_point is not None:
        ref = (("point_to_point", "agent"), params.point_to_point.agent)
        yield from unknown_agents(scn, [ref])
        yield from not_responsible(scn, NAME, [ref])


def install(world: World, params: Params) -> None:
    homes: set[int] = set()
    for cid, case in params.cases().items():
        world.spawn(_arrival(world, params, cid, case, homes))
    if params.roads is not None:
        inflow = params.roads.diverted_in()
        for cid, cp in params.roads.checkpoints.items():
            world.spawn(_checkpoint(world, params, cid, cp, inflow.get(cid, 0.0)))


def _checkpoint(
    world: World, params: Params, cid: str, cp: Checkpoint, inflow: float
) -> Generator[Any, Any, None]:
    """Hour by hour: arrivals, checks, queue, vehicles waved through, risk arrivals.

    The arrivals of every hour and each vehicle's draws are made up front in
    bulk (they do not depend on the response); the hourly loop only moves the
    queue and logs.  ``inflow``: vehicles a day diverted here from closed roads.
    A closed road's process carries the vehicles that found unguarded routes
    (``detour_share``, unchecked) and counts the rest as diverted; an unguarded
    road's vehicles all enter unchecked.
    """
    roads = params.roads
    assert roads is not None
    env, pop, streams = world.env, world.population, world.streams
    hours = int(np.ceil(world.scenario.meta.duration_h))
    profile = np.asarray(roads.profile, dtype=float)
    profile = profile / profile.sum()
    clock = ((world.start_hour + np.arange(hours)) % 24).astype(np.int64)
    per_day = cp.vehicles_per_day + inflow
    arrivals = streams.gen(f"traffic/{cid}/arrivals").poisson(per_day * profile[clock])
    first = np.concatenate([[0], np.cumsum(arrivals)])
    vehicles = np.arange(int(first[-1]), dtype=np.int64)
    if cp.status == "closed":
        # each vehicle of a closed road: a detour through an unguarded route, or diverted
        detour = streams.uniform(f"traffic/{cid}/detour", vehicles) < cp.detour_share
        hour = np.repeat(np.arange(hours), arrivals)
        through = np.bincount(hour[detour], minlength=hours)
        diverted = arrivals - through
        vehicles = np.flatnonzero(detour).astype(np.int64)
        first, arrivals = np.concatenate([[0], np.cumsum(through)]), through
    else:
        diverted = np.zeros(hours, dtype=np.int64)
    # vehicle draws are keyed by the vehicle's number on its road; a closed road's
    # detours keep theirs, renumbered in ``vehicles`` order
    risky_pos = np.flatnonzero(streams.uniform(f"traffic/{cid}/risk", vehicles) < roads.risk_share)
    risky_ids = vehicles[risky_pos]
    miss = roads.miss_prob["health_code" if roads.health_code else "no_code"]
    missed = streams.uniform(f"traffic/{cid}/miss", risky_ids) < miss
    sick = streams.uniform(f"traffic/{cid}/infected", risky_ids) < roads.infected_share
    persons = (streams.uniform(f"traffic/{cid}/home", risky_ids) * pop.size).astype(np.int64)
    days_ago = 1.0 + 3.0 * streams.uniform(f"traffic/{cid}/exposure", risky_ids)
    levels = list(roads.risk_levels)
    cum = np.cumsum(list(roads.risk_levels.values()))
    level_of = np.minimum(
        np.searchsorted(cum / cum[-1], streams.uniform(f"traffic/{cid}/level", risky_ids), "right"),
        len(levels) - 1,
    )
    guarded = cp.status == "open"
    lanes = roads.lanes(cp) if guarded else 0
    capacity = lanes * 3600.0 / roads.check_time_s
    queue = 0.0
    for h in range(hours):
        arrived = int(arrivals[h])
        yield env.timeout(1.0)
        # FIFO fluid queue: the queue ahead is served first, the hour's last
        # arrivals are the ones waved through when the queue overflows.
        served = min(queue + arrived, capacity)
        left = queue + arrived - served
        waved = int(max(0.0, left - roads.max_queue)) if guarded else 0
        queue = left - waved if guarded else 0.0
        lo, hi = np.searchsorted(risky_pos, [first[h], first[h + 1]])
        waved_from = first[h + 1] - min(waved, arrived)
        n_checked = n_leaked = infected_leaked = 0
        for i in range(int(lo), int(hi)):
            person = int(persons[i])
            leaked = bool(not guarded or risky_pos[i] >= waved_from or missed[i])
            level = levels[int(level_of[i])]
            rule = None if leaked else _rule(params, level)
            if rule is not None:
                world.isolated.setdefault(person, world.now)  # held from the check on (闭环)
            if sick[i] and person not in world.infected:
                exposure = world.now - 24.0 * float(days_ago[i])
                world.emit(
                    "infected_arrival",
                    NAME,
                    "",
                    person,
                    exposure_h=round(exposure, 4),
                    checkpoint=cid,
                    checked=not leaked,
                )
                infected_leaked += int(leaked)
            if leaked:
                n_leaked += 1
                world.emit("risk_arrival_leaked", NAME, "", person, checkpoint=cid, level=level)
            else:
                n_checked += 1
                world.emit(
                    "risk_arrival_checked", NAME, roads.agent, person, checkpoint=cid, level=level
                )
                world.emit("test_requested", NAME, roads.agent, person, reason="arrival")
                if rule is not None and params.point_to_point is not None:
                    world.spawn(_point_to_point(world, params.point_to_point, person, level, rule))
        world.emit(
            "checkpoint_interval",
            NAME,
            roads.agent,
            cid,
            vehicles=arrived,
            checked=round(served) if guarded else 0,
            waved=waved,
            queue=round(queue),
            wait_h=round(queue / capacity, 4) if guarded else 0.0,
            lanes=lanes,
            persons=round(arrived * roads.persons_per_vehicle),
            risk_checked=n_checked,
            leaked=n_leaked,
            infected_leaked=infected_leaked,
            unchecked=0 if guarded else arrived,
            diverted=int(diverted[h]),
        )


def _home(world: World, cid: str, case: IndexCase, taken: set[int]) -> int:
    """The index case's home: a resident of its community, one per index case.

    The returnee keeps its stream of today's scenarios (same seed, same person);
    another index case draws from its own id's stream, stepping past a resident
    already taken by an earlier index case.
    """
    pop = world.population
    members = pop.community_members(pop.community_ids.index(case.community))
    stream = "returnee/home" if cid == RETURNEE else f"index_case/{cid}/home"
    i = int(world.streams.uniform(stream, 0)[0] * members.size)
    for step in range(members.size):
        person = int(members[(i + step) % members.size])
        if person not in taken:
            break
    taken.add(person)
    return person


def _arrival(
    world: World, params: Params, cid: str, case: IndexCase, taken: set[int]
) -> Generator[Any, Any, None]:
    """One index case enters the county: checked at the checkpoint if found by its
    arrival test (then transferred point to point by its level's rule), otherwise
    home; the premise test is named for testing, with its hour."""
    person = _home(world, cid, case, taken)
    if cid == RETURNEE or world.returnee is None:
        world.returnee = person
    by = case.how_found
    if case.arrival_h >= 0:
        yield world.env.timeout(case.arrival_h)
        if by == "arrival_test":
            check_time = params.check_time.sample(world.streams.gen("traffic/check"))
            yield from world.agents[params.checkpoint_agent].work(
                NAME, "checkpoint_check", str(person), check_time
            )
    entered = case.arrival_h if case.arrival_h < 0 else world.now
    rule = _rule(params, case.risk_level) if by == "arrival_test" else None
    if rule is not None:
        world.isolated.setdefault(person, world.now)  # held from the check on (闭环)
    details: dict[str, Any] = {
        "community": case.community,
        "risk_area": case.origin,
        "entered_h": round(entered, 6),
        "index_case": cid,
    }
    if case.label is not None:
        details["label"] = {"zh": case.label.zh, "en": case.label.en}
    if case.exposure_h is not None:
        details["exposure_h"] = case.exposure_h
    if case.checkpoint is not None:
        details["checkpoint"] = case.checkpoint
    if by != "none":
        # the premise test is named here, where the arrival is known, never re-derived
        # from the rounded entry time (which may fall below the clock it was read from)
        details["premise_test"] = PREMISE_REASON[by]
        if case.found_h is not None and case.found_h > world.now:
            details["premise_h"] = case.found_h  # later: a fever-clinic visit, a round
    world.emit("returnee_arrival", NAME, params.checkpoint_agent, person, **details)
    if rule is not None and params.point_to_point is not None:
        world.spawn(_point_to_point(world, params.point_to_point, person, case.risk_level, rule))


def _rule(params: Params, level: str | None) -> Rule | None:
    """The point-to-point rule of an origin risk level (None: the arrival goes home)."""
    p2p = params.point_to_point
    if p2p is None or level is None:
        return None
    return p2p.rules.get(level)


def _point_to_point(
    world: World, p2p: PointToPoint, person: int, level: str | None, rule: Rule
) -> Generator[Any, Any, None]:
    """Assign the health code at the check, then the township's pick-up and hand-over.

    The hand-over (``arrival_quarantine``) carries the rule's stay and test days
    for the transfer subject, which books the room or sets up home quarantine; the
    arrival test already taken at the checkpoint stands for the test of day 1.
    """
    world.emit("health_code_assigned", NAME, p2p.agent, person, code=rule.code, level=level)
    gen = world.streams.gen("traffic/point_to_point")
    yield from world.agents[p2p.agent].work(
        NAME, "point_to_point_pickup", str(person), p2p.pickup_time.sample(gen)
    )
    world.emit(
        "arrival_quarantine",
        NAME,
        p2p.agent,
        person,
        level=level,
        central_days=rule.central_days,
        home_days=rule.home_days,
        # the arrival test at the checkpoint is the stay's day-1 test
        test_days=sorted(set(rule.test_days) - {1}),
    )


def summarize(scenario: Scenario, log: EventLog) -> dict[str, Any]:
    """Checkpoints from the log: vehicles checked, peak queue, waved through, leaks,
    vehicles that entered unchecked (unguarded roads, detours round closed ones) and
    vehicles diverted from closed roads to open checkpoints.

    "No vehicle, no person missed" (不漏一车、不漏一人, #46) is met when no
    risk-area arrival slipped through.
    """
    keys = (
        "vehicles",
        "checked",
        "waved",
        "persons",
        "risk_checked",
        "leaked",
        "infected_leaked",
        "unchecked",
        "diverted",
    )
    rows: dict[str, dict[str, Any]] = {}
    for e in log.of("checkpoint_interval"):
        row = rows.setdefault(e.entity, {k: 0 for k in keys} | {"peak_queue": 0, "max_wait_h": 0})
        for k in keys:
            row[k] += e.details.get(k, 0)
        row["peak_queue"] = max(row["peak_queue"], e.details["queue"])
        row["max_wait_h"] = max(row["max_wait_h"], e.details["wait_h"])
    total = {k: sum(r[k] for r in rows.values()) for k in keys}
    total["peak_queue"] = max((r["peak_queue"] for r in rows.values()), default=0)
    risk = total["risk_checked"] + total["leaked"]
    return {
        "checkpoints": rows,
        "total": total,
        "leak_share": round(total["leaked"] / risk, 6) if risk else 0.0,
        "point_to_point": _handed_over(log),
        "objectives": {
            "no_person_missed": {
                "standard": "0 risk-area arrivals leaked (#46)",
                "leaked": total["leaked"],
                "rating": "P" if total["leaked"] == 0 else "U",
            }
        },
    }


def _handed_over(log: EventLog) -> dict[str, int]:
    """Arrivals handed over point to point, by origin risk level (the township's pick-ups)."""
    out: dict[str, int] = {}
    for e in log.of("arrival_quarantine"):
        level = str(e.details.get("level") or "")
        out[level] = out.get(level, 0) + 1
    return dict(sorted(out.items()))


SUBJECT: Subject[Params] = Subject(
    name=NAME,
    order=6,
    label=Text(zh="交通管控", en="traffic control"),
    params=Params,
    install=install,
    check=check,
    summary=Section("checkpoints", "checkpoint_interval", summarize),
    events={
        "returnee_arrival": ("指示病例入境", "index case entered the county"),
        "checkpoint_interval": ("卡口时段通行情况", "checkpoint interval"),
        "risk_arrival_checked": ("中高风险地区来人查验", "risk-area arrival checked"),
        "risk_arrival_leaked": ("中高风险地区来人漏检", "risk-area arrival slipped through"),
        "infected_arrival": ("感染者入境", "infected traveller arrived"),
        "arrival_quarantine": ("点对点转运交接", "arrival handed over point to point"),
    },
    keywords={
        "zh": ("卡口", "查验", "行程卡", "健康码", "落地", "车辆"),
        "en": ("checkpoint", "health code", "itinerary", "vehicle", "landing"),
    },
)
