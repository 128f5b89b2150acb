"""Every resident of the scenario's region as a row of numpy arrays (struct of arrays).

A county of 240,000 people is a few megabytes and a city of five million about
a hundred; work that touches many residents (a mass-testing round, a sealed
compound) is done on these arrays in bulk, and the people the drill follows one
by one (cases, contacts) are indices into them.

Residents are laid out contiguously: community by community, and inside each
community household by household and compound (小区 / 村民小组) by compound.  A
compound or a community is therefore an index range ``[lo, hi)``, which makes
sealing one or testing one a slice rather than a search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.engine.rng import Streams
from sim.scenario.checks import community_ids
from sim.scenario.distributions import Dist
from sim.scenario.schema import Community, Region

HOUSEHOLDS_PER_COMPOUND = 250
"""Households per residential compound or village group: the ~200–250 households
one grid worker looks after (protocol-parameters #45)."""

KEY_OCCUPATION_STREAM = "routine/key_occupation"
"""The per-resident draw that places residents in key occupations (重点人群)."""

ZONE_NONE, ZONE_PRECAUTION, ZONE_CONTROLLED, ZONE_SEALED = 0, 1, 2, 3
ZONE_LEVELS = {"precaution": ZONE_PRECAUTION, "controlled": ZONE_CONTROLLED, "sealed": ZONE_SEALED}


@dataclass(frozen=True)
class Population:
    """Residents by index: where each lives, and the state measures act on.

    The layout arrays (township … compound) never change; the state arrays
    (``zone``, ``last_test_h``, ``tests``, ``held``) are updated in place by the
    subjects that own them (zone control, testing).
    """

    township: np.ndarray  # int16, index into ``township_ids``
    community: np.ndarray  # int32, index into ``community_ids``
    household: np.ndarray  # int32, county-wide household number
    compound: np.ndarray  # int32, county-wide compound number
    township_ids: tuple[str, ...]
    community_ids: tuple[str, ...]
    community_township: np.ndarray  # int16, township of each community
    community_start: np.ndarray  # int64, first resident of each community
    compound_start: np.ndarray  # int64, first resident of each compound
    zone: np.ndarray  # int8, ZONE_* level in force for each resident
    last_test_h: np.ndarray  # float32, hour of the last sample taken (NaN: never)
    tests: np.ndarray  # int16, samples taken so far
    held: np.ndarray  # bool, held at home awaiting a single-tube retest / quarantined
    community_grid_workers: np.ndarray  # int32, of each community outside its declared compounds
    compound_grid_workers: np.ndarray  # int32, of each declared compound (-1: a default block)
    compound_ids: dict[str, int]  # ``township/community/compound`` → compound, declared ones
    _key_occupations: dict[float, np.ndarray] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def size(self) -> int:
        return int(self.community.size)

    @classmethod
    def build(
        cls,
        region: Region,
        rng: np.random.Generator,
        households_per_compound: int = HOUSEHOLDS_PER_COMPOUND,
    ) -> Population:
        """Lay out residents community by community and group them into households.

        Household sizes are drawn from ``region.household_size`` (rounded, at least
        one person), or from a township's own ``household_size`` for its residents,
        so the same seed always yields the same households.  A community's declared
        ``compounds`` take its first households in order (scaled down if the drawn
        households are fewer than declared); every ``households_per_compound``
        consecutive households after them form a compound.  No Python loop runs per
        resident.
        """
        township_ids: list[str] = []
        comm_town: list[int] = []
        sizes: list[int] = []
        comm_specs: list[Community] = []
        for t_index, (tid, town) in enumerate(region.townships.items()):
            township_ids.append(tid)
            for comm in town.communities.values():
                comm_town.append(t_index)
                sizes.append(comm.population)
                comm_specs.append(comm)
        sizes_arr = np.asarray(sizes, dtype=np.int64)
        n = int(sizes_arr.sum())
        community = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes_arr)
        community_township = np.asarray(comm_town, dtype=np.int16)
        township = community_township[community]
        starts = np.concatenate([[0], np.cumsum(sizes_arr)[:-1]]).astype(np.int64)
        marks = np.zeros(n, dtype=np.int32)
        towns = list(region.townships.values())
        if all(town.household_size is None for town in towns):
            _cut_households(marks, 0, n, region.household_size, rng)
        else:  # township by township, each with its own household sizes
            for t_index, town in enumerate(towns):
                comms = np.flatnonzero(community_township == t_index)
                lo = int(starts[comms[0]])
                hi = int(starts[comms[-1]] + sizes_arr[comms[-1]])
                _cut_households(marks, lo, hi, town.household_size or region.household_size, rng)
        marks[starts[1:]] = 1  # no household spans two communities
        household = np.cumsum(marks, dtype=np.int32)
        # Compounds: the declared ones first, then consecutive runs of households.
        first_household = household[starts]
        local_hh = household - first_household[community]
        local = local_hh // max(1, households_per_compound)
        last = np.concatenate([starts[1:] - 1, [n - 1]])
        per_community = local[last].astype(np.int64) + 1
        declared: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(comm_specs)
        for c, spec in enumerate(comm_specs):
            if not spec.compounds:
                continue
            lo, hi = int(starts[c]), int(last[c]) + 1
            n_hh = int(local_hh[hi - 1]) + 1
            counts = np.asarray([k.households for k in spec.compounds.values()], dtype=np.int64)
            bounds = np.cumsum(counts)
            if bounds[-1] > n_hh:  # fewer households drawn than declared: scale down
                bounds = np.ceil(bounds * (n_hh / bounds[-1])).astype(np.int64)
            declared[c] = np.asarray([k.grid_workers for k in spec.compounds.values()])
            rest = local_hh[lo:hi] - bounds[-1]
            local[lo:hi] = np.where(
                rest < 0,
                np.searchsorted(bounds, local_hh[lo:hi], side="right"),
                counts.size + rest // max(1, households_per_compound),
            )
            extra = max(0, n_hh - int(bounds[-1]))
            per_community[c] = counts.size + -(-extra // max(1, households_per_compound))
        offset = np.concatenate([[0], np.cumsum(per_community)[:-1]])
        compound = (offset[community] + local).astype(np.int32)
        n_compounds = int(per_community.sum())
        compound_start = np.searchsorted(compound, np.arange(n_compounds)).astype(np.int64)
        compound_grid = np.full(n_compounds, -1, dtype=np.int32)
        compound_ids: dict[str, int] = {}
        cids = community_ids(region)
        for c, spec in enumerate(comm_specs):
            for j, kid in enumerate(spec.compounds):
                compound_grid[int(offset[c]) + j] = int(declared[c][j])
                compound_ids[f"{cids[c]}/{kid}"] = int(offset[c]) + j
        community_grid = np.asarray(
            [
                max(0, s.grid_workers - sum(k.grid_workers for k in s.compounds.values()))
                for s in comm_specs
            ],
            dtype=np.int32,
        )
        return cls(
            township=township,
            community=community,
            household=household,
            compound=compound,
            township_ids=tuple(township_ids),
            community_ids=tuple(cids),
            community_township=community_township,
            community_start=starts,
            compound_start=compound_start,
            zone=np.zeros(n, dtype=np.int8),
            last_test_h=np.full(n, np.nan, dtype=np.float32),
            tests=np.zeros(n, dtype=np.int16),
            held=np.zeros(n, dtype=bool),
            community_grid_workers=community_grid,
            compound_grid_workers=compound_grid,
            compound_ids=compound_ids,
        )

    def key_occupations(self, share: float, streams: Streams) -> np.ndarray:
        """Residents in key occupations: a fixed per-resident draw below ``share``.

        Routine prevention screens them and testing runs their rounds; computed
        once per replication and share (a city has millions of draws).
        """
        if share not in self._key_occupations:
            u = streams.uniform(KEY_OCCUPATION_STREAM, np.arange(self.size, dtype=np.int64))
            self._key_occupations[share] = np.flatnonzero(u < share)
        return self._key_occupations[share]

    def draw(self, members: np.ndarray, n: int, gen: np.random.Generator) -> np.ndarray:
        """``n`` of ``members`` (all if fewer) drawn without replacement, sorted.

        An inject's test request draws its group here, and testing draws the same
        group again from the same stream when the request becomes a pooled round.
        """
        return np.sort(gen.choice(members, size=min(n, members.size), replace=False))

    def household_members(self, person: int) -> np.ndarray:
        """Residents sharing ``person``'s household, ``person`` excluded.

        Households are contiguous runs of residents, so two binary searches find them.
        """
        h = self.household[person]
        lo = int(np.searchsorted(self.household, h, side="left"))
        hi = int(np.searchsorted(self.household, h, side="right"))
        members = np.arange(lo, hi)
        return members[members != person]

    def community_range(self, community: int) -> tuple[int, int]:
        """``[lo, hi)``: the residents of ``community`` are ``lo … hi-1``."""
        lo = int(self.community_start[community])
        hi = (
            int(self.community_start[community + 1])
            if community + 1 < len(self.community_start)
            else self.size
        )
        return lo, hi

    def compound_range(self, compound: int) -> tuple[int, int]:
        """``[lo, hi)``: the residents of ``compound`` are ``lo … hi-1``."""
        lo = int(self.compound_start[compound])
        hi = (
            int(self.compound_start[compound + 1])
            if compound + 1 < len(self.compound_start)
            else self.size
        )
        return lo, hi

    def township_range(self, township: int) -> tuple[int, int]:
        """``[lo, hi)`` of ``township`` (its communities are laid out together)."""
        comms = np.flatnonzero(self.community_township == township)
        return self.community_range(int(comms[0]))[0], self.community_range(int(comms[-1]))[1]

    def community_members(self, community: int) -> np.ndarray:
        lo, hi = self.community_range(community)
        return np.arange(lo, hi)

    @property
    def nbytes(self) -> int:
        """Memory held by the per-resident arrays."""
        return sum(
            a.nbytes
            for a in (
                self.township,
                self.community,
                self.household,
                self.compound,
                self.zone,
                self.last_test_h,
                self.tests,
                self.held,
            )
        )


def _cut_households(
    marks: np.ndarray, lo: int, hi: int, household_size: Dist, rng: np.random.Generator
) -> None:
    """Mark the first resident of every household of residents ``lo … hi-1``.

    Draws more sizes than enough (rounded, at least one person), then cuts at ``hi``.
    """
    n = hi - lo
    mean = max(float(household_size.mean), 1.0)
    draws = np.maximum(1, np.rint(household_size.sample(rng, int(n / mean * 1.3) + 16))).astype(
        np.int64
    )
    while draws.sum() < n:
        extra = household_size.sample(rng, int(n / mean * 0.3) + 16)
        draws = np.concatenate([draws, np.maximum(1, np.rint(extra)).astype(np.int64)])
    bounds = np.cumsum(draws)
    bounds = bounds[bounds < n]
    marks[lo + bounds] = 1  # (np.union1d would sort-and-hash millions of cuts)
