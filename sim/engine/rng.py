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
from typing import Protocol

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
_S11, _S27, _S30, _S31 = np.uint64(11), np.uint64(27), np.uint64(30), np.uint64(31)
_MASK = (1 << 64) - 1
SMALL = 8
"""Up to this many ids :meth:`Streams.uniform` mixes in pure Python: numpy's fixed
cost per call (~50 µs) dwarfs the arithmetic, and the model asks for one or two
ids thousands of times per replication."""


def name_key(name: str) -> int:
    """A stable 32-bit key for a stream name (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "little")


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a bijective avalanche on uint64 arrays, in place (``x`` is returned).

    In place because the per-resident draws of a county (240,000 ids) would
    otherwise allocate five temporaries per call.
    """
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def _mix_int(x: int) -> int:
    """:func:`_mix` on one 64-bit Python int (same bits, no array overhead)."""
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _uniform_np(ids: np.ndarray, key: int) -> np.ndarray:
    """Counter-based uniforms of uint64 ``ids`` under stream-and-slot ``key``."""
    k = np.uint64(key)
    with np.errstate(over="ignore"):
        x = ids * _GOLD
        x += k
        x = _mix(x)
        x += k
        x = _mix(x)
    x >>= _S11
    out = x.astype(np.float64)
    out += 0.5
    out *= 1.0 / 2**53
    return out


def _uniform_py(ids: list[int], key: int) -> np.ndarray:
    """:func:`_uniform_np` for a few ids in ``[0, 2**64)``, bit for bit, in pure Python."""
    return np.array([_uniform_one(i, key) for i in ids], dtype=np.float64)


def _uniform_one(i: int, key: int) -> float:
    """:func:`_uniform_np` of one id, with both :func:`_mix_int` rounds written out."""
    x = (i * 0x9E3779B97F4A7C15 + key) & _MASK
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    x = ((x ^ (x >> 31)) + key) & _MASK
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    x ^= x >> 31
    return ((x >> 11) + 0.5) * (1.0 / 2**53)


class Sampler(Protocol):
    """A distribution that draws ``size`` values from a generator (the scenario's ``Dist``)."""

    def sample(self, gen: np.random.Generator, size: int) -> np.ndarray: ...


class Draws:
    """Draws of one distribution from one named stream, made in blocks.

    Sampling in blocks of ``block`` gives the same numbers as one call per draw
    (the stream is consumed in the same order) at a fraction of the cost.
    """

    def __init__(self, dist: Sampler, gen: np.random.Generator, block: int = 256):
        self.dist, self.gen, self.block = dist, gen, block
        self.values: list[float] = []

    def __call__(self) -> float:
        if not self.values:
            self.values = self.dist.sample(self.gen, self.block).tolist()[::-1]
        return self.values.pop()


class Streams:
    """The random numbers of one replication."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._generators: dict[str, np.random.Generator] = {}
        self._bases: dict[str, int] = {}
        self._keys: dict[tuple[str, int], int] = {}
        self._draws: dict[str, Draws] = {}

    def draws(self, name: str, dist: Sampler) -> Draws:
        """Block draws of ``dist`` from stream ``name``, one sequence per name.

        The first caller's ``dist`` is the one drawn from: a stream name stands for
        one distribution.
        """
        if name not in self._draws:
            self._draws[name] = Draws(dist, self.gen(name))
        return self._draws[name]

    def gen(self, name: str) -> np.random.Generator:
        """The generator of stream ``name`` (created on first use, then reused)."""
        if name not in self._generators:
            seq = np.random.SeedSequence(self.seed, spawn_key=(name_key(name),))
            self._generators[name] = np.random.Generator(np.random.PCG64(seq))
        return self._generators[name]

    def _key(self, name: str, slot: int) -> int:
        """The 64-bit key of (seed, stream, slot), computed once per pair."""
        key = self._keys.get((name, slot))
        if key is None:
            base = self._bases.get(name)
            if base is None:
                if not 0 <= self.seed <= _MASK:
                    raise OverflowError(f"seed {self.seed} is not a 64-bit unsigned integer")
                gold = 0x9E3779B97F4A7C15
                base = self._bases[name] = _mix_int((self.seed * gold + name_key(name)) & _MASK)
            if not 0 <= slot <= _MASK:
                raise OverflowError(f"slot {slot} is not a 64-bit unsigned integer")
            key = self._keys[name, slot] = _mix_int((base + slot * 0x9E3779B97F4A7C15) & _MASK)
        return key

    def uniform(self, name: str, ids: np.ndarray | int, slot: int = 0) -> np.ndarray:
        """Uniforms in (0, 1), one per id, fixed by (seed, stream, id, slot) alone."""
        key = self._key(name, slot if type(slot) is int else int(slot))
        if type(ids) is int and 0 <= ids <= _MASK:
            return np.array([_uniform_one(ids, key)], dtype=np.float64)
        if (
            isinstance(ids, np.ndarray)
            and ids.ndim == 1
            and 0 < ids.size <= SMALL
            and ids.dtype.kind in "iu"
            and ids.min() >= 0
        ):
            return _uniform_py(ids.tolist(), key)
        return _uniform_np(np.atleast_1d(np.asarray(ids, dtype=np.uint64)), key)
