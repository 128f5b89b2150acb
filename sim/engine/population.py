"""Every resident of the scenario's region as a row of numpy arrays (struct of arrays).

A county of 240,000 people is a few megabytes; work that touches many residents
(a mass-testing round, a sealed compound) is done on these arrays in bulk, and
the people the drill follows one by one (cases, contacts) are indices into them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario.schema import Region


@dataclass(frozen=True)
class Population:
    """Residents by index: township, community and household of each."""

    township: np.ndarray  # int16, index into ``township_ids``
    community: np.ndarray  # int32, index into ``community_ids``
    household: np.ndarray  # int32, county-wide household number
    township_ids: tuple[str, ...]
    community_ids: tuple[str, ...]
    community_township: np.ndarray  # int16, township of each community
    community_start: (
        np.ndarray
    )  # int64, first resident of each community (residents are contiguous)

    @property
    def size(self) -> int:
        return int(self.community.size)

    @classmethod
    def build(cls, region: Region, rng: np.random.Generator) -> Population:
        """Lay out residents community by community and group them into households.

        Household sizes are drawn from ``region.household_size`` (rounded, at least
        one person), so the same seed always yields the same households.
        """
        township_ids: list[str] = []
        community_ids: list[str] = []
        comm_town: list[int] = []
        sizes: list[int] = []
        for t_index, (tid, town) in enumerate(region.townships.items()):
            township_ids.append(tid)
            for cid, comm in town.communities.items():
                community_ids.append(f"{tid}/{cid}")
                comm_town.append(t_index)
                sizes.append(comm.population)
        sizes_arr = np.asarray(sizes, dtype=np.int64)
        n = int(sizes_arr.sum())
        community = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes_arr)
        community_township = np.asarray(comm_town, dtype=np.int16)
        township = community_township[community]
        starts = np.concatenate([[0], np.cumsum(sizes_arr)[:-1]])
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
        cuts = np.union1d(bounds, starts[1:])
        marks = np.zeros(n, dtype=np.int32)
        marks[cuts] = 1
        household = np.cumsum(marks, dtype=np.int32)
        return cls(
            township=township,
            community=community,
            household=household,
            township_ids=tuple(township_ids),
            community_ids=tuple(community_ids),
            community_township=community_township,
            community_start=starts,
        )

    def household_members(self, person: int) -> np.ndarray:
        """Residents sharing ``person``'s household, ``person`` excluded.

        Households are contiguous runs of residents, so two binary searches find them.
        """
        h = self.household[person]
        lo = int(np.searchsorted(self.household, h, side="left"))
        hi = int(np.searchsorted(self.household, h, side="right"))
        members = np.arange(lo, hi)
        return members[members != person]

    def community_members(self, community: int) -> np.ndarray:
        lo = int(self.community_start[community])
        hi = (
            int(self.community_start[community + 1])
            if community + 1 < len(self.community_start)
            else self.size
        )
        return np.arange(lo, hi)
