"""核酸检测 nucleic-acid testing: single tubes on request, and area-wide mass rounds.

**Single tubes.** Any subject asks for a test by logging ``test_requested``
(entity = person, ``reason`` = arrival, fever_clinic, quarantine_day_N,
pool_retest, ...).  A sampler of the testing task force swabs the person, the
tube travels to a laboratory, the laboratory's staff run it, and
``lab_result_positive`` or ``lab_result_negative`` is logged with the same reason.
A positive result starts the reporting chain.  The arrival test (落地核酸) at the
first landing point is requested here when the returnee passes the checkpoint.

**Mass rounds (全员核酸检测).** After the first confirmed case the command orders
area-wide rounds (``mass.rounds_h``), and every sealed or controlled zone gets
its own rounds on the days of its cadence (#40).  A round is bulk work on the
population arrays: sampling groups work through the covered residents hour by
hour in opening hours (sealed first, then controlled, then the rest), swabs are
pooled (``pool_size``; one tube per household in sealed zones, #55), tubes travel
to laboratories with a finite number of machines, and each machine run returns
its tubes.  A positive pool's members are held at home and re-sampled in single
tubes (reason ``pool_retest``), so the people found enter reporting, tracing and
treatment as ordinary ``lab_result_positive`` events.  A swab detects an infected
person with a probability that depends on days since infection; absent and
refusing residents are missed.  Events are per round, per sampling hour, per
machine run and per positive pool — never one per resident.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import simpy
from pydantic import Field, PositiveInt, model_validator

from sim.engine.population import ZONE_LEVELS, ZONE_SEALED
from sim.engine.priority import ROUTINE, URGENT
from sim.engine.rng import name_key
from sim.scenario.distributions import Dist
from sim.scenario.schema import Strict
from sim.subjects.common import Rel, missing_handoffs, unknown_agents

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

SUBJECT = "testing"
LEVEL_NAMES = {v: k for k, v in ZONE_LEVELS.items()}


class IndividualTest(Strict):
    """How one person's swab is taken and run (single tube)."""

    sampler: str = Field(description="agent that takes the swab")
    sampling_time: Dist
    transport_time: Dist = Field(description="tube transport to the laboratory, hours")
    lab: str
    processing_time: Dist = Field(description="laboratory time for one tube, hours")
    hands_on_time: float | None = Field(
        default=None,
        ge=0,
        description="staff hours per tube; the rest of processing_time is machine time "
        "(None: a staff member is busy for the whole processing time)",
    )
    sensitivity: float = Field(default=1.0, ge=0, le=1)
    urgent_reasons: list[str] = Field(
        default=["fever_clinic", "health_monitoring", "pool_retest"],
        description="reasons whose swabs and tubes go ahead of routine ones (suspected cases); "
        "the rest, e.g. quarantine_day_N and arrival, wait their turn",
    )


class Sampling(Strict):
    """Sampling points and groups of a mass round (#54–56, #63)."""

    agents: list[str] = Field(
        min_length=1, description="agents that field the sampling groups (task force, communities)"
    )
    groups: PositiveInt = Field(
        le=100_000, description="sampling groups working at once in a county round"
    )
    zone_groups: PositiveInt = Field(
        le=100_000, default=20, description="door-to-door groups for the rounds of one zone"
    )
    per_group_per_h: float = Field(default=45.0, gt=0, description="≈ 45 swabs/group/h (#63)")
    hours: tuple[float, float] = Field(
        default=(7.0, 22.0), description="opening hours (clock); door-to-door in sealed zones 24 h"
    )
    setup_time: Dist = Field(description="hours to open the sampling points (4–6 h, #54)")
    absent_share: float = Field(default=0.02, ge=0, le=1)
    refuse_share: float = Field(default=0.005, ge=0, le=1)


class Lab(Strict):
    """A laboratory: machines that each run ``tubes_per_run`` tubes in ``run_time`` hours."""

    agent: str
    machines: PositiveInt = Field(le=100_000)
    tubes_per_run: PositiveInt = Field(default=94, le=100_000)
    run_time: Dist = Field(description="hours per machine run, extraction to result")

    @property
    def tubes_per_day(self) -> float:
        return self.machines * self.tubes_per_run * 24.0 / max(self.run_time.mean, 1e-9)


class MassTesting(Strict):
    """Area-wide rounds ordered by the command, and the zone cadence."""

    organiser: str = Field(description="agent that sets up each round (testing task force)")
    ordered_by: str | None = Field(
        default=None, description="agent whose order reaches the organiser by a declared handoff"
    )
    trigger: Literal["case_confirmed", "lab_result_positive"] = "case_confirmed"
    rounds_h: list[float] = Field(
        default=[0.0, 72.0], description="hours after the trigger each county round is ordered"
    )
    pool_size: Literal[1, 5, 10, 20] = 10
    household_pool_sealed: bool = Field(
        default=True, description="one tube per household in sealed zones (#55)"
    )
    zone_days: dict[str, list[int]] = Field(
        default_factory=lambda: {"sealed": [1, 4, 7, 10, 14], "controlled": [1, 4, 7]},
        description="test days of each zone level after sealing (#40)",
    )
    sampling: Sampling
    transport_time: Dist = Field(description="hours from a sampling hour's tubes to the lab")
    labs: list[Lab] = Field(min_length=1)
    sensitivity_by_day: list[float] = Field(
        default=[0.0, 0.3, 0.7, 0.9, 0.95, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4],
        min_length=1,
        description="probability a swab detects an infection, by day since infection",
    )

    @model_validator(mode="after")
    def _check(self) -> MassTesting:
        for level in self.zone_days:
            if level not in ("sealed", "controlled"):
                raise ValueError(f"zone_days: unknown level '{level}' (sealed or controlled)")
        if any(not 0 <= s <= 1 for s in self.sensitivity_by_day):
            raise ValueError("sensitivity_by_day values must be within [0, 1]")
        return self


class Params(Strict):
    individual: IndividualTest
    arrival_test: bool = Field(
        default=True,
        description="test the returnee at the checkpoint (when they entered before "
        "the start: the health-monitoring test at the start)",
    )
    mass: MassTesting | None = None


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    a = params.individual
    yield from unknown_agents(
        scn, [(("individual", "sampler"), a.sampler), (("individual", "lab"), a.lab)]
    )
    m = params.mass
    if m is None:
        return
    refs: list[tuple[Rel, str]] = [(("mass", "organiser"), m.organiser)]
    refs += [(("mass", "sampling", "agents", i), x) for i, x in enumerate(m.sampling.agents)]
    refs += [(("mass", "labs", i, "agent"), lab.agent) for i, lab in enumerate(m.labs)]
    if m.ordered_by is not None:
        refs.append((("mass", "ordered_by"), m.ordered_by))
    yield from unknown_agents(scn, refs)
    if m.ordered_by is not None:
        yield from missing_handoffs(scn, ("mass", "ordered_by"), [m.ordered_by, m.organiser])


def install(world: World, params: Params) -> None:
    if params.arrival_test:
        world.on("returnee_arrival", lambda e: _returnee_test(world, e))
    world.on("test_requested", lambda e: _individual_test(world, params.individual, e))
    if params.mass is not None:
        MassTestingService(world, params.mass).install()


class Draws:
    """Draws of one distribution from one named stream, made in blocks.

    Sampling in blocks of ``block`` gives the same numbers as one call per draw
    (the stream is consumed in the same order) at a fraction of the cost.
    """

    def __init__(self, dist: Dist, gen: np.random.Generator, block: int = 256):
        self.dist, self.gen, self.block = dist, gen, block
        self.values: list[float] = []

    def __call__(self) -> float:
        if not self.values:
            self.values = self.dist.sample(self.gen, self.block).tolist()[::-1]
        return self.values.pop()


def _draws(world: World, name: str, dist: Dist) -> Draws:
    cache: dict[str, Draws] = world.__dict__.setdefault("_testing_draws", {})
    if name not in cache:
        cache[name] = Draws(dist, world.streams.gen(name))
    return cache[name]


def _returnee_test(world: World, arrival: Event) -> None:
    """The returnee's arrival test, or the health-monitoring test when they entered earlier."""
    before = float(arrival.details.get("entered_h", world.now)) < world.now
    reason = "health_monitoring" if before else "arrival"
    world.emit("test_requested", SUBJECT, "", arrival.entity, reason=reason)


def _individual_test(world: World, p: IndividualTest, request: Event) -> Generator[Any, Any, None]:
    person = request.entity
    reason = request.details.get("reason", "")
    stream = f"testing/{reason}"
    priority = URGENT if reason in p.urgent_reasons else ROUTINE
    yield from world.agents[p.sampler].work(
        SUBJECT,
        "sampling",
        person,
        _draws(world, f"{stream}/sampling", p.sampling_time)(),
        priority=priority,
        reason=reason,
    )
    world.emit("sample_taken", SUBJECT, p.sampler, person, reason=reason, pool_size=1)
    yield world.env.timeout(_draws(world, f"{stream}/transport", p.transport_time)())
    processing = _draws(world, f"{stream}/processing", p.processing_time)()
    staff_h = processing if p.hands_on_time is None else min(p.hands_on_time, processing)
    yield from world.agents[p.lab].work(
        SUBJECT, "lab_run", person, staff_h, priority=priority, reason=reason
    )
    if processing > staff_h:  # the amplification runs on a machine, not on a person
        yield world.env.timeout(processing - staff_h)
    infected = int(person) in world.infected
    # the n-th test of a person always gets the same draw (common random numbers)
    tests: dict[int, int] = world.__dict__.setdefault("_testing_count", {})
    n = tests[int(person)] = tests.get(int(person), 0) + 1
    draw = world.streams.uniform("testing/sensitivity", int(person), slot=n)[0]
    detected = infected and draw < p.sensitivity
    kind = "lab_result_positive" if detected else "lab_result_negative"
    world.emit(kind, SUBJECT, p.lab, person, reason=reason)


# --------------------------------------------------------------------------- mass rounds


@dataclass
class Round:
    """Book-keeping of one round while it runs (the log holds the record)."""

    id: str
    scope: str
    level: str
    day: int | None = None
    pool_size: int = 10
    tubes: int = 0
    resulted: int = 0
    sampled: int = 0
    positive_pools: int = 0
    sampling_done: bool = False
    max_turnaround_h: float = 0.0
    completed: bool = False


@dataclass
class TubeBatch:
    """Tubes of one sampling hour on their way through one laboratory."""

    round: Round
    tubes: int
    positives: list[tuple[int, np.ndarray]]  # (tube index, members) of positive pools
    sampled_t: float
    next_tube: int = 0
    offset: int = 0  # index of this batch's first tube in the sampling hour


@dataclass
class LabRunner:
    """One laboratory's machines working through the tubes delivered to it."""

    world: World
    spec: Lab
    queue: deque[TubeBatch] = field(default_factory=deque)
    queued: int = 0

    def __post_init__(self) -> None:
        env = self.world.env
        self.machines = simpy.Resource(env, capacity=self.spec.machines)
        self.wakeup = env.event()
        self.run_time = Draws(
            self.spec.run_time, self.world.streams.gen(f"testing/lab/{self.spec.agent}")
        )
        env.process(self._dispatch())

    def deliver(self, batch: TubeBatch) -> None:
        self.queue.append(batch)
        self.queued += batch.tubes
        if not self.wakeup.triggered:
            self.wakeup.succeed()

    def _dispatch(self) -> Generator[Any, Any, None]:
        env = self.world.env
        while True:
            if not self.queue:
                self.wakeup = env.event()
                yield self.wakeup
                continue
            req = self.machines.request()
            yield req
            chunks: list[tuple[TubeBatch, int, int]] = []
            room = self.spec.tubes_per_run
            while room and self.queue:
                b = self.queue[0]
                take = min(room, b.tubes - b.next_tube)
                chunks.append((b, b.next_tube, b.next_tube + take))
                b.next_tube += take
                room -= take
                if b.next_tube >= b.tubes:
                    self.queue.popleft()
            taken = self.spec.tubes_per_run - room
            self.queued -= taken
            env.process(self._run(req, chunks, taken))

    def _run(
        self, req: simpy.Resource, chunks: list[tuple[TubeBatch, int, int]], tubes: int
    ) -> Generator[Any, Any, None]:
        world = self.world
        yield world.env.timeout(self.run_time())
        self.machines.release(req)
        positive = 0
        turnaround = 0.0
        for batch, a, b in chunks:
            rnd = batch.round
            turnaround = max(turnaround, world.now - batch.sampled_t)
            for tube, members in batch.positives:
                if a <= tube - batch.offset < b:
                    positive += 1
                    rnd.positive_pools += 1
                    _pool_positive(world, rnd, self.spec.agent, members)
            rnd.resulted += b - a
            rnd.max_turnaround_h = max(rnd.max_turnaround_h, world.now - batch.sampled_t)
        world.emit(
            "lab_run",
            SUBJECT,
            self.spec.agent,
            self.spec.agent,
            tubes=tubes,
            positive_pools=positive,
            turnaround_h=round(turnaround, 4),
            backlog=self.queued,
            rounds=sorted({c[0].round.id for c in chunks}),
        )
        for rnd in {id(c[0].round): c[0].round for c in chunks}.values():
            _maybe_complete(world, rnd)


def _pool_positive(world: World, rnd: Round, lab: str, members: np.ndarray) -> None:
    """Hold a positive pool's members and re-sample each in a single tube (#59)."""
    world.population.held[members] = True
    world.emit("pool_positive", SUBJECT, lab, rnd.id, members=int(members.size), scope=rnd.scope)
    for person in members.tolist():
        world.emit("test_requested", SUBJECT, lab, person, reason="pool_retest", round=rnd.id)


def _maybe_complete(world: World, rnd: Round) -> None:
    if rnd.sampling_done and rnd.resulted >= rnd.tubes and not rnd.completed:
        rnd.completed = True
        world.emit(
            "mass_round_complete",
            SUBJECT,
            "",
            rnd.id,
            scope=rnd.scope,
            level=rnd.level,
            day=rnd.day,
            sampled=rnd.sampled,
            tubes=rnd.tubes,
            positive_pools=rnd.positive_pools,
            max_turnaround_h=round(rnd.max_turnaround_h, 4),
        )


class MassTestingService:
    """Orders, samples and runs the mass rounds of one replication."""

    def __init__(self, world: World, params: MassTesting):
        self.world = world
        self.p = params
        self.labs = [LabRunner(world, spec) for spec in params.labs]
        share = np.asarray([lab.tubes_per_day for lab in params.labs])
        self.lab_share = share / share.sum()
        self.gen = world.streams.gen("testing/mass")
        self.transport = Draws(params.transport_time, world.streams.gen("testing/transport"))
        self.triggered = False

    def install(self) -> None:
        w = self.world
        w.on(self.p.trigger, self._on_trigger)
        w.on("zone_sealed", self._on_zone)
        w.on("routine_screening", self._on_routine)
        w.on("lab_result_negative", self._release)
        w.transmission_modifiers.append(self._held_modifier)

    # -- triggers --------------------------------------------------------------
    def _on_trigger(self, event: Event) -> Generator[Any, Any, None] | None:
        if self.triggered:
            return None
        self.triggered = True
        return self._county_rounds()

    def _county_rounds(self) -> Generator[Any, Any, None]:
        w = self.world
        t0 = w.now
        if self.p.ordered_by is not None:
            yield from w.handoff(self.p.ordered_by, self.p.organiser, SUBJECT, "mass_testing")
        for k, at in enumerate(self.p.rounds_h, start=1):
            wait = t0 + at - w.now
            if wait > 0:
                yield w.env.timeout(wait)
            w.spawn(self.run_round(f"county-{k}", "county", None, self.p.sampling.groups))

    def _on_routine(self, event: Event) -> Generator[Any, Any, Round]:
        """Routine pooled screening of the key occupations (routine prevention orders it)."""
        from sim.subjects.routine_prevention import key_occupation_members

        covered = key_occupation_members(self.world, float(event.details["share"]))
        return self.run_round(
            event.entity,
            "routine",
            covered,
            self.p.sampling.zone_groups,
            pool_size=int(event.details["pool_size"]),
        )

    def _on_zone(self, event: Event) -> Generator[Any, Any, None] | None:
        level = event.details["level"]
        days = self.p.zone_days.get(level)
        if not days:
            return None
        lo, hi = int(event.details["lo"]), int(event.details["hi"])
        return self._zone_rounds(event.entity, level, lo, hi, days)

    def _zone_rounds(
        self, zone: str, level: str, lo: int, hi: int, days: list[int]
    ) -> Generator[Any, Any, None]:
        w = self.world
        t0 = w.now
        code = ZONE_LEVELS[level]
        for day in days:
            wait = t0 + (day - 1) * 24.0 - w.now
            if wait > 0:
                yield w.env.timeout(wait)
            covered = lo + np.flatnonzero(w.population.zone[lo:hi] == code)
            if covered.size == 0:
                return
            w.spawn(
                self.run_round(zone, f"zone-{level}", covered, self.p.sampling.zone_groups, day=day)
            )

    # -- a round ---------------------------------------------------------------
    def run_round(
        self,
        rid: str,
        scope: str,
        covered: np.ndarray | None,
        groups: int,
        day: int | None = None,
        pool_size: int | None = None,
    ) -> Generator[Any, Any, Round]:
        """Set up, sample, pool, transport and run one round over ``covered``.

        ``covered`` are resident indices (None: everyone).  Returns the round's
        book-keeping once sampling is over (results come later, from the labs).
        """
        w, p, pop = self.world, self.p, self.world.population
        s = p.sampling
        organiser = w.agents[p.organiser]
        yield from organiser.work(
            SUBJECT, "round_setup", rid, s.setup_time.sample(self.gen), scope=scope
        )
        if covered is None:
            covered = np.arange(pop.size, dtype=np.int64)
        slot = name_key(f"{rid}/{day}")
        u = w.streams.uniform("testing/attendance", covered, slot=slot)
        present = u >= s.absent_share + s.refuse_share
        if w.isolated:
            iso = np.fromiter(w.isolated.keys(), dtype=np.int64)
            present &= ~np.isin(covered, iso)
        present &= ~pop.held[covered]
        order = covered[present]
        levels = pop.zone[order]
        order = order[np.argsort(-levels, kind="stable")]
        levels = pop.zone[order]
        level = scope.removeprefix("zone-") if scope.startswith("zone-") else "all"
        rnd = Round(rid, scope, level, day, pool_size=pool_size or p.pool_size)
        w.emit(
            "mass_round_start",
            SUBJECT,
            p.organiser,
            rid,
            scope=scope,
            level=level,
            day=day,
            covered=int(covered.size),
            missed=int(covered.size - present.sum()),
            pool_size=rnd.pool_size,
            groups=groups,
        )
        # last position of each zone level in the sampling order
        level_end = {int(lv): int(np.flatnonzero(levels == lv)[-1]) + 1 for lv in np.unique(levels)}
        door_to_door = scope == "zone-sealed"
        start_h, end_h = s.hours
        pos, carry = 0, 0.0
        while pos < order.size:
            clock = (w.start_hour + w.now) % 24
            if door_to_door or start_h <= clock < end_h:
                step = 1.0 if door_to_door else min(1.0, end_h - clock)
            else:
                yield w.env.timeout((start_h - clock) % 24)
                continue
            carry += groups * s.per_group_per_h * step
            cap = int(carry)
            carry -= cap
            yield w.env.timeout(step)
            batch = order[pos : pos + cap]
            pos += batch.size
            if batch.size:
                self._sample(rnd, batch, groups)
            for lv, end in list(level_end.items()):
                if pos >= end:
                    del level_end[lv]
                    if lv:
                        w.emit(
                            "mass_level_sampled",
                            SUBJECT,
                            p.organiser,
                            rid,
                            scope=scope,
                            level=LEVEL_NAMES[lv],
                            sampled=int(np.count_nonzero(levels == lv)),
                        )
        rnd.sampling_done = True
        w.emit(
            "mass_sampling_done",
            SUBJECT,
            p.organiser,
            rid,
            scope=scope,
            day=day,
            sampled=rnd.sampled,
        )
        _maybe_complete(w, rnd)
        return rnd

    def pools(self, batch: np.ndarray, pool_size: int | None = None) -> np.ndarray:
        """Tube number (0…) of each swab in ``batch``: pools of ``pool_size`` in
        sampling order, one tube per household for sealed-zone residents."""
        pop = self.world.population
        size = pool_size or self.p.pool_size
        sealed = (
            pop.zone[batch] == ZONE_SEALED
            if self.p.household_pool_sealed
            else np.zeros(batch.size, dtype=bool)
        )
        k = int(np.count_nonzero(sealed))
        households = pop.household[batch[:k]]
        if not sealed[:k].all() or np.any(np.diff(households) < 0):
            return self._pools_general(batch, sealed, size, pop.household[batch])
        # Fast path (the usual case): sealed residents come first in index order,
        # so their households are runs, and the rest pool in sampling order.
        head = np.concatenate([[0], np.cumsum(np.diff(households) != 0)]) if k else households
        first = int(head[-1]) + 1 if k else 0
        tail = first + np.arange(batch.size - k, dtype=np.int64) // size
        return np.concatenate([head.astype(np.int64), tail])

    @staticmethod
    def _pools_general(
        batch: np.ndarray, sealed: np.ndarray, size: int, household: np.ndarray | None = None
    ) -> np.ndarray:
        """Pool numbering for any order of sealed and other residents (slow path)."""
        # others pool in sampling order, counting only the others
        key = (np.cumsum(~sealed, dtype=np.int64) - 1) // size + 1
        if household is not None and sealed.any():
            key[sealed] = -household[sealed].astype(np.int64) - 1
        _, first, tube = np.unique(key, return_index=True, return_inverse=True)
        # renumber tubes in the order their first swab was taken
        rank = np.empty(first.size, dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(first.size)
        return rank[tube.ravel()]

    def detectable(self, batch: np.ndarray, rid: str) -> np.ndarray:
        """Which swabs of ``batch`` carry detectable virus now (per-person CRN)."""
        w = self.world
        out = np.zeros(batch.size, dtype=bool)
        if not w.infected:
            return out
        ids = np.fromiter(w.infected.keys(), dtype=np.int64, count=len(w.infected))
        hit = np.flatnonzero(np.isin(batch, ids))
        if hit.size == 0:
            return out
        exposure = np.asarray([w.infected[int(x)] for x in batch[hit]])
        day = np.floor((w.now - exposure) / 24.0).astype(np.int64)
        table = np.asarray(self.p.sensitivity_by_day)
        sens = np.where(day < 0, 0.0, table[np.clip(day, 0, table.size - 1)])
        u = w.streams.uniform("testing/mass_sensitivity", batch[hit], slot=name_key(rid))
        out[hit] = u < sens
        return out

    def _sample(self, rnd: Round, batch: np.ndarray, groups: int) -> None:
        w, pop = self.world, self.world.population
        pop.last_test_h[batch] = w.now
        pop.tests[batch] += 1
        tube = self.pools(batch, rnd.pool_size)
        tubes = int(tube.max()) + 1
        det = self.detectable(batch, rnd.id)
        positives = [(int(t), batch[tube == t]) for t in np.unique(tube[det])]
        rnd.sampled += int(batch.size)
        rnd.tubes += tubes
        w.emit(
            "mass_sampling_hour",
            SUBJECT,
            self.p.organiser,
            rnd.id,
            scope=rnd.scope,
            sampled=int(batch.size),
            tubes=tubes,
            cumulative=rnd.sampled,
            groups=groups,
        )
        w.spawn(self._transport(rnd, tubes, positives, w.now))

    def _transport(
        self, rnd: Round, tubes: int, positives: list[tuple[int, np.ndarray]], sampled_t: float
    ) -> Generator[Any, Any, None]:
        yield self.world.env.timeout(self.transport())
        # split the hour's tubes between the labs in proportion to their capacity
        counts = np.floor(self.lab_share * tubes).astype(int)
        counts[int(np.argmax(self.lab_share))] += tubes - int(counts.sum())
        offset = 0
        for lab, n in zip(self.labs, counts.tolist(), strict=True):
            if n:
                mine = [(t, m) for t, m in positives if offset <= t < offset + n]
                lab.deliver(TubeBatch(rnd, n, mine, sampled_t, offset=offset))
            offset += n

    # -- holding positive pools ------------------------------------------------
    def _release(self, event: Event) -> None:
        if event.details.get("reason") == "pool_retest":
            self.world.population.held[int(event.entity)] = False

    def _held_modifier(self, persons: np.ndarray, setting: str, t: float) -> np.ndarray:
        """A held pool member keeps only household contacts until the retest is negative."""
        held = self.world.population.held[np.asarray(persons, dtype=np.int64)]
        if setting == "household":
            return np.ones(held.shape)
        return np.where(held, 0.0, 1.0)
