"""Replication seeds: common random numbers across plans.

Replication *i* of every plan runs with the same seed, derived from the base
seed by ``numpy.random.SeedSequence(base).spawn`` — child *i* has spawn key
``(i,)`` whatever the number of replications, so adding replications later
never changes the seeds of those already run, and two plans compared on the
same replication index face the same returnee, the same contacts and the same
delays except where the plan itself changes them.
"""

from __future__ import annotations

import numpy as np


def replication_seed(base: int, rep: int) -> int:
    """The seed of replication ``rep`` (a non-negative 63-bit integer).

    Equal to ``SeedSequence(base).spawn(n)[rep]`` for any ``n > rep``; the value is
    an ordinary integer so that one replication can be re-run alone with
    ``drill run --seed``.
    """
    child = np.random.SeedSequence(int(base), spawn_key=(int(rep),))
    return int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def replication_seeds(base: int, runs: int) -> list[int]:
    """Seeds of replications ``0 .. runs-1``."""
    return [replication_seed(base, i) for i in range(runs)]
