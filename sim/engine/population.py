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
from sim.scenario.schema import Region

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
        one person), so the same seed always yields the same households; every
        ``households_per_compound`` consecutive households of a community form a
        compound.  No Python loop runs per resident.
        """
        township_ids: list[str] = []
        comm_town: list[int] = []
        sizes: list[int] = []
        for t_index, (tid, town) in enumerate(region.townships.items()):
            township_ids.append(tid)
            for comm in town.communities.values():
                comm_town.append(t_index)
                sizes.append(comm.population)
        sizes_arr = np.asarray(sizes, dtype=np.int64)
        n = int(sizes_arr.sum())
        community = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes_arr)
        community_township = np.asarray(comm_town, dtype=np.int16)
        township = community_township[community]
        starts = np.concatenate([[0], np.cumsum(sizes_arr)[:-1]]).astype(np.int64)
        # Household sizes: draw more than enough, then cut at each community boundary
        # so that no household spans two communities.
        mean = max(float(region.household_size.mean), 1.0)
        draws = np.maximum(
            1, np.rint(region.household_size.sample(rng, int(n / mean * 1.3) + 16))
        ).astype(np.int64)
        while draws.sum() < n:
            extra = region.household_size.sample(rng, int(n / mean * 0.3) + 16)
            draws = np.concatenate([draws, np.maximum(1, np.rint(extra)).astype(np.int64)])
        bounds = np.cumsum(draws)
        bounds = bounds[bounds < n]
        marks = np.zeros(n, dtype=np.int32)
        marks[bounds] = 1  # (np.union1d would sort-and-hash millions of cuts)
        marks[starts[1:]] = 1
        household = np.cumsum(marks, dtype=np.int32)
        # Compounds: consecutive runs of households inside one community.
        first_household = household[starts]
        local = (household - first_household[community]) // max(1, households_per_compound)
        last = np.concatenate([starts[1:] - 1, [n - 1]])
        per_community = local[last].astype(np.int64) + 1
        offset = np.concatenate([[0], np.cumsum(per_community)[:-1]])
        compound = (offset[community] + local).astype(np.int32)
        change = np.flatnonzero(np.diff(compound)) + 1
        compound_start = np.concatenate([[0], change]).astype(np.int64)
        return cls(
            township=township,
            community=community,
            household=household,
            compound=compound,
            township_ids=tuple(township_ids),
            community_ids=tuple(community_ids(region)),
            community_township=community_township,
            community_start=starts,
            compound_start=compound_start,
            zone=np.zeros(n, dtype=np.int8),
            last_test_h=np.full(n, np.nan, dtype=np.float32),
            tests=np.zeros(n, dtype=np.int16),
            held=np.zeros(n, dtype=bool),
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
