"""Mass rounds (全员核酸检测): ordering, sampling logistics and transport to the labs.

After the first confirmed case the command orders area-wide rounds
(``mass.rounds_h``), and every sealed or controlled zone gets its own rounds on
the days of its cadence (#40); routine prevention orders rounds of the key
occupations.  With ``mass.targeted`` the first positive of a township,
community or compound orders targeted rounds of its residents; an inject's test
request for a large group (``screening_ordered``) is one pooled round of that
group.  A round is bulk work on the population arrays: sampling groups
work through the covered residents hour by hour in opening hours (sealed first,
then controlled, then the rest), swabs are pooled (:mod:`.pooling`), and each
hour's tubes travel to the laboratories (:mod:`.labs`) in proportion to their
capacity.  Absent and refusing residents are missed.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.engine.population import ZONE_LEVELS
from sim.engine.rng import Draws, name_key
from sim.scenario.checks import community_ids
from sim.subjects.testing.holding import Holding
from sim.subjects.testing.labs import LabRunner, Round, TubeBatch, maybe_complete
from sim.subjects.testing.params import MassTesting
from sim.subjects.testing.pooling import detectable, tube_numbers

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

NAME = "testing"
LEVEL_NAMES = {v: k for k, v in ZONE_LEVELS.items()}


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
        self.holding = Holding(world)
        self.targeted: set[str] = set()  # areas whose targeted rounds are ordered

    def install(self) -> None:
        w = self.world
        w.on(self.p.trigger, self._on_trigger)
        w.on("zone_sealed", self._on_zone)
        w.on("routine_screening", self._on_routine)
        w.on("screening_ordered", self._on_screening)
        if self.p.targeted is not None:
            w.on(self.p.targeted.trigger, self._on_targeted)
        w.on("lab_result_negative", self.holding.release)
        w.transmission_modifiers.append(self.holding.modifier)

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
            yield from w.handoff(self.p.ordered_by, self.p.organiser, NAME, "mass_testing")
        for k, at in enumerate(self.p.rounds_h, start=1):
            wait = t0 + at - w.now
            if wait > 0:
                yield w.env.timeout(wait)
            w.spawn(self.run_round(f"county-{k}", "county", None, self.p.sampling.groups))

    def _on_routine(self, event: Event) -> Generator[Any, Any, Round]:
        """Routine pooled screening of the key occupations (routine prevention orders it)."""
        covered = self.world.population.key_occupations(
            float(event.details["share"]), self.world.streams
        )
        return self.run_round(
            event.entity,
            "routine",
            covered,
            self.p.sampling.zone_groups,
            pool_size=int(event.details["pool_size"]),
        )

    def _area(self, person: int, scope: str) -> tuple[str, np.ndarray]:
        """The id and residents of ``person``'s township, community or compound."""
        pop = self.world.population
        if scope == "township":
            t = int(pop.township[person])
            lo, hi = pop.township_range(t)
            return pop.township_ids[t], np.arange(lo, hi)
        c = int(pop.community[person])
        if scope == "community":
            lo, hi = pop.community_range(c)
            return pop.community_ids[c], np.arange(lo, hi)
        k = int(pop.compound[person])
        lo, hi = pop.compound_range(k)
        names = {v: key for key, v in pop.compound_ids.items()}
        first = int(np.searchsorted(pop.compound_start, pop.community_start[c], side="left"))
        return names.get(k, f"{pop.community_ids[c]}/{k - first + 1}"), np.arange(lo, hi)

    def _on_targeted(self, event: Event) -> Generator[Any, Any, None] | None:
        """A positive's first event in an area orders targeted rounds of the area."""
        t = self.p.targeted
        assert t is not None
        try:
            person = int(event.entity)
        except ValueError:
            return None
        if not 0 <= person < self.world.population.size:
            return None
        area, covered = self._area(person, t.scope)
        if area in self.targeted:
            return None
        self.targeted.add(area)
        self.world.emit(
            "targeted_round_ordered",
            NAME,
            self.p.ordered_by or self.p.organiser,
            area,
            scope=t.scope,
            case=str(person),
            covered=int(covered.size),
        )
        return self._targeted_rounds(area, covered)

    def _targeted_rounds(self, area: str, covered: np.ndarray) -> Generator[Any, Any, None]:
        w, t = self.world, self.p.targeted
        assert t is not None
        t0 = w.now
        if self.p.ordered_by is not None:
            yield from w.handoff(self.p.ordered_by, self.p.organiser, NAME, area)
        for k, at in enumerate(t.rounds_h, start=1):
            wait = t0 + at - w.now
            if wait > 0:
                yield w.env.timeout(wait)
            w.spawn(
                self.run_round(f"{area}-{k}", "targeted", covered, t.groups, pool_size=t.pool_size)
            )

    def _on_screening(self, event: Event) -> Generator[Any, Any, Round]:
        """An inject's test request for a large group: one pooled round of that group."""
        pop = self.world.population
        community = community_ids(self.world.scenario.region).index(event.details["community"])
        members = pop.community_members(community)
        gen = self.world.streams.gen(str(event.details["draw"]))
        covered = pop.draw(members, int(event.details["people"]), gen)
        groups = self.p.targeted.groups if self.p.targeted else self.p.sampling.zone_groups
        return self.run_round(event.entity, "targeted", covered, groups)

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
            NAME, "round_setup", rid, s.setup_time.sample(self.gen), scope=scope
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
            NAME,
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
                            NAME,
                            p.organiser,
                            rid,
                            scope=scope,
                            level=LEVEL_NAMES[lv],
                            sampled=int(np.count_nonzero(levels == lv)),
                        )
        rnd.sampling_done = True
        w.emit(
            "mass_sampling_done",
            NAME,
            p.organiser,
            rid,
            scope=scope,
            day=day,
            sampled=rnd.sampled,
        )
        maybe_complete(w, rnd)
        return rnd

    def _sample(self, rnd: Round, batch: np.ndarray, groups: int) -> None:
        w, pop = self.world, self.world.population
        pop.last_test_h[batch] = w.now
        pop.tests[batch] += 1
        tube = tube_numbers(
            pop, batch, rnd.pool_size or self.p.pool_size, self.p.household_pool_sealed
        )
        tubes = int(tube.max()) + 1
        det = detectable(w, batch, rnd.id, self.p.sensitivity_by_day)
        positives = [(int(t), batch[tube == t]) for t in np.unique(tube[det])]
        rnd.sampled += int(batch.size)
        rnd.tubes += tubes
        w.emit(
            "mass_sampling_hour",
            NAME,
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
