"""SimPy processes and the event loop, with the generic machinery a replication never uses left out.

A flagship replication starts about ten thousand processes and processes some
sixty thousand SimPy events.  :class:`Detached` and :func:`run_until` create,
schedule and process exactly the events SimPy 4 does, in the same order, with
one exception: a process that ends while nobody waits for it is marked
processed at once instead of being scheduled as an event that would call no
one.  Event order — and so every logged event — is unchanged.
"""

from __future__ import annotations

from collections.abc import Generator
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.core import BoundClass, EmptySchedule, StopSimulation
from simpy.events import NORMAL, URGENT, Event, Initialize, Process, Timeout

_new_event = object.__new__


class Environment(simpy.Environment):
    """SimPy's environment whose ``timeout`` builds and schedules its event in one step.

    Subjects ask for some twelve thousand timeouts per replication; SimPy's
    ``Timeout`` goes through a bound class, its ``__init__`` and ``schedule``.
    The event is the same object in the same state, scheduled with the same key.
    """

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        # SimPy binds the bound classes (event, process, all_of, …) of the instance's own
        # class only; bind simpy.Environment's, as a plain Environment has them
        for name, obj in simpy.Environment.__dict__.items():
            if type(obj) is BoundClass:
                setattr(self, name, getattr(self, name))
        self.timeout = self._timeout  # type: ignore[method-assign]

    def _timeout(self, delay: float = 0, value: Any = None) -> Timeout:
        """``Timeout(self, delay, value)``: an event processed ``delay`` hours from now."""
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        hold = _new_event(Timeout)
        hold.env = self
        hold.callbacks = []
        hold._value = value
        hold._delay = delay
        hold._ok = True
        heappush(self._queue, (self._now + delay, NORMAL, next(self._eid), hold))
        return hold


class Detached(Process):
    """A process, started in one step, whose end is an event only if someone waits for it.

    SimPy schedules every finished process as an event so that processes
    waiting for it resume; the processes a subject starts for its work (one per
    task, per trip, per sampling hour) are waited for by no one, so that event
    would call no callback.  When nobody waits, the process is marked processed
    on the spot (a later ``yield`` on it continues at once, as on any processed
    event).  A process that fails is scheduled as in SimPy, so its error crashes
    the run where SimPy's would.
    """

    def __init__(self, env: simpy.Environment, generator: Generator[Any, Any, Any]) -> None:
        if not hasattr(generator, "throw"):
            raise ValueError(f"{generator} is not a generator.")
        self.env = env
        self.callbacks = []
        self._generator = generator
        # SimPy's Initialize(env, self), built in one step: triggered and scheduled as urgent
        init = Initialize.__new__(Initialize)
        init.env = env
        init.callbacks = [self._resume]
        init._value = None
        init._ok = True
        heappush(env._queue, (env._now, URGENT, next(env._eid), init))
        self._target = init

    def _resume(self, event: Event) -> None:
        """SimPy's ``Process._resume``, except for the end of a process nobody waits for."""
        env = self.env
        env._active_proc = self
        generator = self._generator
        while True:
            try:
                if event._ok:
                    event = generator.send(event._value)
                else:
                    event._defused = True
                    exc = type(event._value)(*event._value.args)
                    exc.__cause__ = event._value
                    event = generator.throw(exc)
            except StopIteration as e:
                event = None  # type: ignore[assignment]
                self._ok = True
                self._value = e.args[0] if len(e.args) else None
                if self.callbacks:
                    heappush(env._queue, (env._now, NORMAL, next(env._eid), self))
                else:
                    self.callbacks = None  # type: ignore[assignment]  # processed: no one to tell
                break
            except BaseException as e:
                event = None  # type: ignore[assignment]
                self._ok = False
                if e.__traceback__ is not None:
                    e.__traceback__ = e.__traceback__.tb_next
                self._value = e
                env.schedule(self)
                break
            try:
                callbacks = event.callbacks
            except AttributeError:
                raise RuntimeError(f'Invalid yield value "{event}"') from None
            if callbacks is not None:
                callbacks.append(self._resume)
                break
        self._target = event
        env._active_proc = None


def run_until(env: simpy.Environment, until: float | Event) -> None:
    """``env.run(until)`` with SimPy's ``step`` inlined into the loop.

    The same semantics: a number stops the clock at that hour (before any
    regular event of that hour), an event stops it once the event is processed;
    a failed event nobody defused crashes the run.
    """
    if not isinstance(until, Event):
        at = until if isinstance(until, int) else float(until)
        if at <= env._now:
            raise ValueError(f"until ({at}) must be greater than the current simulation time")
        stop = Event(env)
        stop._ok = True
        stop._value = None
        now = env._now
        heappush(env._queue, (now + (at - now), URGENT, next(env._eid), stop))  # as SimPy's
        until = stop
    elif until.callbacks is None:
        return
    until.callbacks.append(StopSimulation.callback)
    queue = env._queue
    try:
        while queue:
            env._now, _, _, event = heappop(queue)
            callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
            try:
                for callback in callbacks:
                    callback(event)
            except StopSimulation:
                # as SimPy's step: the callbacks after the stop run when the clock resumes
                event.callbacks = callbacks[callbacks.index(callback) + 1 :]
                env.schedule(event, URGENT - 1)  # type: ignore[arg-type]
                raise
            if not event._ok and not hasattr(event, "_defused"):
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc
    except StopSimulation:
        return
    raise RuntimeError(
        f'No scheduled events left but "until" event was not triggered: {until}'
    ) from EmptySchedule()
