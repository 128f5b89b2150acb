"""Random streams: named streams independent, per-entity draws fixed by their key."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.engine.rng import SMALL, Streams, _mix, _mix_int, _uniform_np, _uniform_py


def test_named_streams_do_not_shift_each_other() -> None:
    a = Streams(5)
    a.gen("x").random(100)
    first = a.gen("y").random(5)
    b = Streams(5)
    assert np.array_equal(b.gen("y").random(5), first)


@given(
    seed=st.integers(0, 2**32 - 1),
    ids=st.lists(st.integers(0, 10**7), min_size=1, max_size=50),
)
def test_entity_uniforms_depend_only_on_their_key(seed: int, ids: list[int]) -> None:
    s = Streams(seed)
    together = s.uniform("stream", np.asarray(ids))
    alone = np.concatenate([s.uniform("stream", i) for i in ids])
    assert np.array_equal(together, alone)
    assert np.all((together > 0) & (together < 1))


def test_entity_uniforms_look_uniform() -> None:
    u = Streams(1).uniform("s", np.arange(200_000))
    assert abs(u.mean() - 0.5) < 0.005
    hist, _ = np.histogram(u, bins=10, range=(0, 1))
    assert hist.min() > 19_000
    assert not np.array_equal(u, Streams(2).uniform("s", np.arange(200_000)))
    assert not np.array_equal(u, Streams(1).uniform("s", np.arange(200_000), slot=1))


U64 = st.integers(0, 2**64 - 1)


@given(x=U64)
def test_pure_python_mix_is_numpy_mix(x: int) -> None:
    assert _mix_int(x) == int(_mix(np.asarray([x], dtype=np.uint64))[0])


@given(key=U64, ids=st.lists(U64, min_size=1, max_size=SMALL))
def test_small_path_is_bit_identical_to_numpy(key: int, ids: list[int]) -> None:
    fast = _uniform_py(ids, key)
    ref = _uniform_np(np.asarray(ids, dtype=np.uint64), key)
    assert fast.dtype == ref.dtype and fast.tobytes() == ref.tobytes()


@given(
    seed=st.integers(0, 2**32 - 1),
    slot=st.integers(0, 10**6),
    ids=st.lists(st.integers(0, 10**9), min_size=1, max_size=SMALL),
)
def test_uniform_fast_path_equals_array_path(seed: int, slot: int, ids: list[int]) -> None:
    """Scalars and small arrays (pure Python) give the bits of a large array (numpy)."""
    s = Streams(seed)
    padded = s.uniform("stream", np.asarray(ids + [0] * SMALL), slot)[: len(ids)]
    small = s.uniform("stream", np.asarray(ids), slot)
    scalars = np.concatenate([s.uniform("stream", i, slot) for i in ids])
    assert small.tobytes() == padded.tobytes() == scalars.tobytes()


def test_cached_keys_and_in_place_mixing_change_no_draw() -> None:
    """A stream's key is cached per (name, slot) and the array path mixes in place: the
    draws are those of a fresh Streams, whatever was asked before, and the ids stay put."""
    ids = np.arange(1000, dtype=np.uint64)
    busy = Streams(9)
    for slot in (0, 3, 1):
        busy.uniform("a", ids, slot)
        busy.uniform("b", 7, slot)
    assert busy.uniform("a", ids, 3).tobytes() == Streams(9).uniform("a", ids, 3).tobytes()
    assert busy.uniform("b", 7, 1).tobytes() == Streams(9).uniform("b", 7, 1).tobytes()
    assert np.array_equal(ids, np.arange(1000))
