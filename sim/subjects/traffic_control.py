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
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, PositiveInt, model_validator

from sim.scenario.checks import Rel, unknown_agents
from sim.scenario.distributions import Dist
from sim.scenario.schema import Strict, Text
from sim.subjects.base import Section, Subject

if TYPE_CHECKING:
    from sim.engine.log import EventLog
    from sim.engine.world import World
    from sim.scenario.model import Scenario

NAME = "traffic_control"


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
    """One road checkpoint (at most one per road section and direction, #47)."""

    name: Text | None = None
    vehicles_per_day: float = Field(gt=0, le=1_000_000)
    staff: PositiveInt = Field(le=100_000, description="officers assigned over all shifts")
    shifts: PositiveInt = Field(default=3, le=24)
    staff_per_lane: PositiveInt = Field(default=2, le=100_000)


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
        if any(v < 0 for v in self.profile) or sum(self.profile) <= 0:
            raise ValueError("profile must be 24 non-negative weights, not all zero")
        return self

    def lanes(self, cp: Checkpoint) -> int:
        return max(1, (cp.staff // cp.shifts) // cp.staff_per_lane)


class Params(Strict):
    checkpoint_agent: str
    check_time: Dist = Field(
        description="hours to check one vehicle (health code, itinerary, test)"
    )
    returnee: Returnee
    roads: Roads | None = None


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    yield from unknown_agents(scn, [(("checkpoint_agent",), params.checkpoint_agent)])
    if params.roads is not None:
        yield from unknown_agents(scn, [(("roads", "agent"), params.roads.agent)])
    town, _, comm = params.returnee.community.partition("/")
    if town not in scn.region.townships or comm not in scn.region.townships[town].communities:
        yield ("returnee", "community"), f"unknown community '{params.returnee.community}'"


def install(world: World, params: Params) -> None:
    world.spawn(_arrival(world, params))
    if params.roads is not None:
        for cid, cp in params.roads.checkpoints.items():
            world.spawn(_checkpoint(world, params.roads, cid, cp))


def _checkpoint(world: World, roads: Roads, cid: str, cp: Checkpoint) -> Generator[Any, Any, None]:
    """Hour by hour: arrivals, checks, queue, vehicles waved through, risk arrivals.

    The arrivals of every hour and each vehicle's draws are made up front in
    bulk (they do not depend on the response); the hourly loop only moves the
    queue and logs.
    """
    env, pop, streams = world.env, world.population, world.streams
    hours = int(np.ceil(world.scenario.meta.duration_h))
    profile = np.asarray(roads.profile, dtype=float)
    profile = profile / profile.sum()
    clock = ((world.start_hour + np.arange(hours)) % 24).astype(np.int64)
    arrivals = streams.gen(f"traffic/{cid}/arrivals").poisson(cp.vehicles_per_day * profile[clock])
    first = np.concatenate([[0], np.cumsum(arrivals)])
    vehicles = np.arange(int(first[-1]), dtype=np.int64)
    risky = np.flatnonzero(streams.uniform(f"traffic/{cid}/risk", vehicles) < roads.risk_share)
    miss = roads.miss_prob["health_code" if roads.health_code else "no_code"]
    missed = streams.uniform(f"traffic/{cid}/miss", risky) < miss
    sick = streams.uniform(f"traffic/{cid}/infected", risky) < roads.infected_share
    persons = (streams.uniform(f"traffic/{cid}/home", risky) * pop.size).astype(np.int64)
    days_ago = 1.0 + 3.0 * streams.uniform(f"traffic/{cid}/exposure", risky)
    lanes = roads.lanes(cp)
    capacity = lanes * 3600.0 / roads.check_time_s
    queue = 0.0
    for h in range(hours):
        arrived = int(arrivals[h])
        yield env.timeout(1.0)
        # FIFO fluid queue: the queue ahead is served first, the hour's last
        # arrivals are the ones waved through when the queue overflows.
        served = min(queue + arrived, capacity)
        left = queue + arrived - served
        waved = int(max(0.0, left - roads.max_queue))
        queue = left - waved
        lo, hi = np.searchsorted(risky, [first[h], first[h + 1]])
        waved_from = first[h + 1] - min(waved, arrived)
        n_checked = n_leaked = infected_leaked = 0
        for i in range(int(lo), int(hi)):
            person = int(persons[i])
            leaked = bool(risky[i] >= waved_from or missed[i])
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
                world.emit("risk_arrival_leaked", NAME, "", person, checkpoint=cid)
            else:
                n_checked += 1
                world.emit("risk_arrival_checked", NAME, roads.agent, person, checkpoint=cid)
                world.emit("test_requested", NAME, roads.agent, person, reason="arrival")
        world.emit(
            "checkpoint_interval",
            NAME,
            roads.agent,
            cid,
            vehicles=arrived,
            checked=round(served),
            waved=waved,
            queue=round(queue),
            wait_h=round(queue / capacity, 4),
            lanes=lanes,
            persons=round(arrived * roads.persons_per_vehicle),
            risk_checked=n_checked,
            leaked=n_leaked,
            infected_leaked=infected_leaked,
        )


def _arrival(world: World, params: Params) -> Generator[Any, Any, None]:
    pop = world.population
    c = pop.community_ids.index(params.returnee.community)
    members = pop.community_members(c)
    u = world.streams.uniform("returnee/home", 0)[0]
    person = int(members[int(u * members.size)])
    world.returnee = person
    if params.returnee.arrival_h >= 0:
        yield world.env.timeout(params.returnee.arrival_h)
        check_time = params.check_time.sample(world.streams.gen("traffic/check"))
        yield from world.agents[params.checkpoint_agent].work(
            NAME, "checkpoint_check", str(person), check_time
        )
    before_start = params.returnee.arrival_h < 0
    entered = params.returnee.arrival_h if before_start else world.now
    # the premise test is named here, where the arrival is known, never re-derived
    # from the rounded entry time (which may fall below the clock it was read from)
    world.emit(
        "returnee_arrival",
        NAME,
        params.checkpoint_agent,
        person,
        community=params.returnee.community,
        risk_area=params.returnee.risk_area,
        entered_h=round(entered, 6),
        premise_test="health_monitoring" if before_start else "arrival",
    )


def summarize(scenario: Scenario, log: EventLog) -> dict[str, Any]:
    """Checkpoints from the log: vehicles checked, peak queue, waved through, leaks.

    "No vehicle, no person missed" (不漏一车、不漏一人, #46) is met when no
    risk-area arrival slipped through.
    """
    keys = ("vehicles", "checked", "waved", "persons", "risk_checked", "leaked", "infected_leaked")
    rows: dict[str, dict[str, Any]] = {}
    for e in log.of("checkpoint_interval"):
        row = rows.setdefault(e.entity, {k: 0 for k in keys} | {"peak_queue": 0, "max_wait_h": 0})
        for k in keys:
            row[k] += e.details[k]
        row["peak_queue"] = max(row["peak_queue"], e.details["queue"])
        row["max_wait_h"] = max(row["max_wait_h"], e.details["wait_h"])
    total = {k: sum(r[k] for r in rows.values()) for k in keys}
    total["peak_queue"] = max((r["peak_queue"] for r in rows.values()), default=0)
    risk = total["risk_checked"] + total["leaked"]
    return {
        "checkpoints": rows,
        "total": total,
        "leak_share": round(total["leaked"] / risk, 6) if risk else 0.0,
        "objectives": {
            "no_person_missed": {
                "standard": "0 risk-area arrivals leaked (#46)",
                "leaked": total["leaked"],
                "rating": "P" if total["leaked"] == 0 else "U",
            }
        },
    }


SUBJECT: Subject[Params] = Subject(
    name=NAME,
    order=6,
    label=Text(zh="交通管控", en="traffic control"),
    params=Params,
    install=install,
    check=check,
    summary=Section("checkpoints", "checkpoint_interval", summarize),
    events={
        "returnee_arrival": ("返乡人员抵达卡口", "returnee arrived at checkpoint"),
        "checkpoint_interval": ("卡口时段通行情况", "checkpoint interval"),
        "risk_arrival_checked": ("中高风险地区来人查验", "risk-area arrival checked"),
        "risk_arrival_leaked": ("中高风险地区来人漏检", "risk-area arrival slipped through"),
        "infected_arrival": ("感染者入境", "infected traveller arrived"),
    },
    keywords={
        "zh": ("卡口", "查验", "行程卡", "健康码", "落地", "车辆"),
        "en": ("checkpoint", "health code", "itinerary", "vehicle", "landing"),
    },
)
