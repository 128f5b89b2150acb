"""World.run pauses the cyclic garbage collector and always restores it."""

from __future__ import annotations

import gc

import pytest

from sim.engine.world import collector_paused


def test_pause_nests_and_restores_the_collector() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_pause_restores_after_an_error_and_keeps_a_disabled_collector_off() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
