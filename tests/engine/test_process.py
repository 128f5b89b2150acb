"""The engine's SimPy fast paths behave as SimPy's own processes and loop."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pytest
import simpy

from sim.engine.process import Detached, run_until


def _trace(start: Callable[[simpy.Environment, Generator[Any, Any, Any]], simpy.Process]) -> list:
    """Who did what when, for a mix of waiting, waited-for, ending and failing processes."""
    env = simpy.Environment()
    seen: list = []

    def worker(name: str, hold: float) -> Generator[Any, Any, str]:
        seen.append((env.now, name, "start"))
        yield env.timeout(hold)
        seen.append((env.now, name, "end"))
        return name

    def waiter() -> Generator[Any, Any, None]:
        child = start(env, worker("child", 1.0))
        value = yield child
        seen.append((env.now, "waiter", value))
        late = start(env, worker("quick", 0.0))
        yield env.timeout(0.5)
        value = yield late  # finished long ago
        seen.append((env.now, "waiter", value))

    for i in range(3):
        start(env, worker(f"w{i}", float(i % 2)))
    start(env, waiter())
    env.run()
    return seen


def test_detached_processes_run_as_simpy_processes() -> None:
    assert _trace(Detached) == _trace(simpy.Process)


def test_a_process_nobody_waits_for_leaves_no_end_event() -> None:
    env = simpy.Environment()

    def nothing() -> Generator[Any, Any, None]:
        yield env.timeout(1.0)

    proc = Detached(env, nothing())
    env.run()
    assert proc.processed and proc.ok
    assert next(env._eid) == 2  # the start and the timeout: no end event was scheduled


def test_a_failing_process_crashes_the_run() -> None:
    env = simpy.Environment()

    def broken() -> Generator[Any, Any, None]:
        yield env.timeout(1.0)
        raise ArithmeticError("boom")

    Detached(env, broken())
    with pytest.raises(ArithmeticError, match="boom"):
        run_until(env, 5.0)


def test_run_until_stops_where_simpy_stops() -> None:
    def ticks(run: Callable[[simpy.Environment, Any], Any]) -> list:
        env = simpy.Environment()
        seen: list = []

        def tick() -> Generator[Any, Any, None]:
            while True:
                seen.append(env.now)
                yield env.timeout(1.0)

        env.process(tick())
        run(env, 3)
        stop = env.timeout(2.5)
        run(env, stop)
        return [*seen, env.now]

    assert ticks(run_until) == ticks(lambda env, until: env.run(until)) == [0, 1, 2, 3, 4, 5, 5.5]
    with pytest.raises(ValueError):
        run_until(simpy.Environment(), 0)
    with pytest.raises(RuntimeError):
        run_until(simpy.Environment(), simpy.Environment().event())


def test_environment_timeouts_are_simpys() -> None:
    """The engine's one-step timeout is SimPy's: same state, same queue entry, same run."""
    from simpy.events import Timeout

    from sim.engine.process import Environment

    ours, theirs = Environment(), simpy.Environment()
    for env in (ours, theirs):
        env.timeout(2.5, value="x")
        env.timeout(0)
    for a, b in zip(ours._queue, theirs._queue, strict=True):
        assert a[:3] == b[:3] and type(a[3]) is type(b[3]) is Timeout
        assert (a[3]._value, a[3]._delay, a[3]._ok, a[3].callbacks) == (
            b[3]._value,
            b[3]._delay,
            b[3]._ok,
            b[3].callbacks,
        )
    with pytest.raises(ValueError, match="Negative delay"):
        ours.timeout(-1)
    assert "event" in vars(ours) and "process" in vars(ours)  # bound once, as SimPy does
    seen: list[float] = []

    def proc(env: simpy.Environment) -> Generator[Any, Any, None]:
        got = yield env.timeout(1.5, value=7)
        seen.append(env.now + got)

    ours.process(proc(ours))
    run_until(ours, 10)
    assert seen == [8.5]
