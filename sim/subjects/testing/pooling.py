"""Pooling arithmetic (混采): which tube each swab goes into, and which swabs detect.

Swabs are pooled ``size`` to a tube in sampling order; in sealed zones one tube
takes one household (#55).  Whether a swab carries detectable virus depends on
the days since infection (``sensitivity_by_day``) and a per-person common random
number, so the same person in the same round always gives the same answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.population import ZONE_SEALED, Population
from sim.engine.rng import name_key

if TYPE_CHECKING:
    from sim.engine.world import World


def tube_numbers(
    pop: Population, batch: np.ndarray, size: int, household_pool_sealed: bool
) -> np.ndarray:
    """Tube number (0…) of each swab in ``batch``: pools of ``size`` in sampling
    order, one tube per household for sealed-zone residents (when
    ``household_pool_sealed``)."""
    sealed = (
        pop.zone[batch] == ZONE_SEALED
        if household_pool_sealed
        else np.zeros(batch.size, dtype=bool)
    )
    k = int(np.count_nonzero(sealed))
    households = pop.household[batch[:k]]
    if not sealed[:k].all() or np.any(np.diff(households) < 0):
        return tube_numbers_general(sealed, size, pop.household[batch])
    # Fast path (the usual case): sealed residents come first in index order,
    # so their households are runs, and the rest pool in sampling order.
    head = np.concatenate([[0], np.cumsum(np.diff(households) != 0)]) if k else households
    first = int(head[-1]) + 1 if k else 0
    tail = first + np.arange(batch.size - k, dtype=np.int64) // size
    return np.concatenate([head.astype(np.int64), tail])


def tube_numbers_general(
    sealed: np.ndarray, size: int, household: np.ndarray | None = None
) -> np.ndarray:
    """Tube numbers for any order of sealed and other swabs (the slow path).

    ``sealed`` marks the swabs of sealed-zone residents and ``household`` gives
    each swab's household.
    """
    # others pool in sampling order, counting only the others
    key = (np.cumsum(~sealed, dtype=np.int64) - 1) // size + 1
    if household is not None and sealed.any():
        key[sealed] = -household[sealed].astype(np.int64) - 1
    _, first, tube = np.unique(key, return_index=True, return_inverse=True)
    # renumber tubes in the order their first swab was taken
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return rank[tube.ravel()]


def detectable(
    world: World, batch: np.ndarray, rid: str, sensitivity_by_day: list[float]
) -> np.ndarray:
    """Which swabs of ``batch`` carry detectable virus now, in round ``rid``."""
    out = np.zeros(batch.size, dtype=bool)
    if not world.infected:
        return out
    ids = np.fromiter(world.infected.keys(), dtype=np.int64, count=len(world.infected))
    hit = np.flatnonzero(np.isin(batch, ids))
    if hit.size == 0:
        return out
    exposure = np.asarray([world.infected[int(x)] for x in batch[hit]])
    day = np.floor((world.now - exposure) / 24.0).astype(np.int64)
    table = np.asarray(sensitivity_by_day)
    sens = np.where(day < 0, 0.0, table[np.clip(day, 0, table.size - 1)])
    u = world.streams.uniform("testing/mass_sensitivity", batch[hit], slot=name_key(rid))
    out[hit] = u < sens
    return out
