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
