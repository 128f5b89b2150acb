"""Reproducible random numbers: named streams and per-entity common random numbers.

One replication has one seed.  Each subsystem draws from its own named stream,
derived from ``numpy.random.SeedSequence(seed, spawn_key=(hash(name),))``, so a
new consumer never shifts another's draws.  For draws that belong to one person
(incubation, offspring, whether a contact is found) :meth:`Streams.uniform` is
counter-based: the value depends only on (seed, stream, entity id, slot), as in
Starsim's common-random-number design, so a plan that changes one person's fate
leaves every other person's draws untouched.
"""

from __future__ import annotations

import hashlib

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


def name_key(name: str) -> int:
    """A stable 32-bit key for a stream name (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "little")


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a bijective avalanche on uint64 arrays."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


class Streams:
    """The random numbers of one replication."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._generators: dict[str, np.random.Generator] = {}

    def gen(self, name: str) -> np.random.Generator:
        """The generator of stream ``name`` (created on first use, then reused)."""
        if name not in self._generators:
            seq = np.random.SeedSequence(self.seed, spawn_key=(name_key(name),))
            self._generators[name] = np.random.Generator(np.random.PCG64(seq))
        return self._generators[name]

    def uniform(self, name: str, ids: np.ndarray | int, slot: int = 0) -> np.ndarray:
        """Uniforms in (0, 1), one per id, fixed by (seed, stream, id, slot) alone."""
        ids = np.atleast_1d(np.asarray(ids, dtype=np.uint64))
        with np.errstate(over="ignore"):
            base = np.asarray([self.seed], dtype=np.uint64) * _GOLD + np.uint64(name_key(name))
            key = _mix(_mix(base) + np.uint64(slot) * _GOLD)
            x = _mix(ids * _GOLD + key)
            x = _mix(x + key)
        return ((x >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 2**53)
