"""World.run pauses the garbage collector and restores it; Worlds are freed, closed ones at once."""

from __future__ import annotations

import gc

import pytest

from sim.engine.world import World, collector_paused


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


@pytest.mark.parametrize("length", ["three-days", pytest.param("flagship", marks=pytest.mark.slow)])
def test_a_finished_replication_leaves_nothing_alive(flagship, length) -> None:
    """Thousands of replications run in one process: nothing may keep a World alive."""
    from sim.api import run_drill
    from tests.subjects._runs import short_scenario

    scn = short_scenario() if length == "three-days" else flagship
    gc.collect()
    before = {id(o) for o in gc.get_objects() if isinstance(o, World)}  # other tests' fixtures
    result = run_drill(scn, 3)
    assert result.summary["infections"]["total"] >= 1
    del result
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, World) and id(o) not in before]


def test_a_finished_log_is_freed_without_the_collector() -> None:
    """run_drill closes its World: the event log takes no part in any reference cycle, so
    dropping the result frees it at once (no garbage collection walks its events)."""
    from sim.api import run_drill
    from sim.engine.log import Event
    from tests.subjects._runs import short_scenario

    scn = short_scenario()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = run_drill(scn, 3)
        assert len(result.log) > 1000
        del result
        gc.collect()
        assert not [o for o in gc.garbage if isinstance(o, Event)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def test_a_closed_world_tells_no_subscriber_and_keeps_nothing() -> None:
    from tests.subjects._runs import short_scenario

    world = World(short_scenario(), 1)
    heard: list[str] = []
    world.on("run_end", lambda e: heard.append(e.kind))
    world.emit("run_end", "engine")
    log = world.log
    world.close()
    assert vars(world) == {}
    log.append(1.0, "run_end", "engine")
    assert heard == ["run_end"] and len(log) == 2
