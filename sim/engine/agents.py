"""Agents of the command structure as staffed SimPy resources with a duty roster."""

from __future__ import annotations

from bisect import insort
from collections.abc import Generator
from heapq import heappush
from operator import attrgetter
from types import TracebackType
from typing import TYPE_CHECKING, Any

import simpy
from simpy.events import NORMAL, PENDING, EventCallbacks
from simpy.resources.resource import PriorityRequest, Release, Request, SortedQueue

from sim.scenario.schema import Agent as AgentSpec

ABSENT, ROSTER = -1, 0
"""Work priorities (lower is served first).  Absence (an inject removing staff) and
the duty roster take staff before any work."""
URGENT, ROUTINE = 1, 2
"""An urgent task (a case report) goes ahead of queued routine work, never interrupting it."""

if TYPE_CHECKING:
    from sim.engine.world import World


_KEY = attrgetter("key")


class _StaffQueue(SortedQueue):
    """SimPy's ``SortedQueue`` order, kept by bisection instead of a full re-sort.

    ``SortedQueue.append`` re-sorts the whole queue on every request; inserting
    after the last request of equal or lower key gives the same order (the sort
    is stable) in O(log n) comparisons.
    """

    def append(self, item: PriorityRequest) -> None:
        insort(self, item, key=_KEY)


class _Task(PriorityRequest):
    """A staff request, built in one step into the state SimPy's constructors give it.

    ``PriorityRequest`` reaches the same state through four ``__init__`` layers
    and the generic put loop; every task of every agent passes through here.
    """

    resource: _StaffPool

    def __init__(self, pool: _StaffPool, priority: int = 0, preempt: bool = True) -> None:
        env = pool._env
        self.env = env
        self.callbacks: EventCallbacks = []  # not SimPy's _trigger_get: a no-op here
        self._value = PENDING
        self.resource = pool
        self.proc = env._active_proc
        self.priority = priority
        self.preempt = preempt
        self.time = now = env._now
        self.key = (priority, now, not preempt)
        pool.put_queue.append(self)
        pool._trigger_put(None)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """``Request.__exit__`` in one step: leave the queue; release unless closed."""
        if self._value is PENDING:
            self.resource.put_queue.remove(self)
        if exc_type is not GeneratorExit:
            _Release(self.resource, self)


class _Release(Release):
    """A release, triggered at once like SimPy's (a release never waits)."""

    def __init__(self, pool: _StaffPool, request: Request) -> None:
        env = pool._env
        self.env = env
        self.callbacks = [pool._trigger_put]
        self.resource = pool
        self.proc = env._active_proc
        self.request = request
        if request in pool.users:
            pool.users.remove(request)
        self._ok = True
        self._value = None
        heappush(env._queue, (env._now, NORMAL, next(env._eid), self))  # env.schedule(self)


class _StaffPool(simpy.PriorityResource):
    """A priority resource whose capacity can grow while the simulation runs.

    Requests and releases create, trigger and schedule the very events SimPy's
    ``PriorityResource`` does, in the same order, so runs are unchanged; only
    the generic ``Put``/``Get`` machinery is inlined.  As in SimPy, a freed slot
    (or :meth:`grow`) hands over to at most one waiting request per call: the
    resource's ``_do_put`` never asks the put loop to go on.
    """

    PutQueue = _StaffQueue

    def request(self, priority: int = 0, preempt: bool = True) -> PriorityRequest:
        return _Task(self, priority, preempt)

    def release(self, request: Request) -> Release:
        return _Release(self, request)

    def _trigger_put(self, get_event: Release | None) -> None:
        """Grant the head of the queue if a slot is free (SimPy's put loop, one step)."""
        queue = self.put_queue
        if queue and len(self.users) < self._capacity:
            req = queue.pop(0)
            self.users.append(req)
            env = self._env
            req.usage_since = now = env._now
            req._ok = True
            req._value = None
            heappush(env._queue, (now, NORMAL, next(env._eid), req))  # env.schedule(req)

    def _trigger_get(self, put_event: PriorityRequest | None) -> None:
        """Nothing to do: releases never queue (each is triggered when created).

        SimPy calls this when a request is processed; :class:`_Task` leaves it
        out of its callbacks for that reason.
        """

    def grow(self, k: int) -> None:
        """Add ``k`` slots and offer them to the waiting requests."""
        self._capacity += k
        self._trigger_put(None)


class StaffedAgent:
    """An organisation whose ``staff`` each do one task at a time.

    Outside its duty hours only ``off_duty_staff`` remain at work: the roster
    process holds the other slots, so a report arriving at night waits for the
    duty officer or for the morning shift.  Every task is logged with its wait,
    so load, queueing delay and bottlenecks are read from the event log.
    """

    def __init__(self, world: World, aid: str, spec: AgentSpec):
        self.world = world
        self.id = aid
        self.spec = spec
        self.resource = _StaffPool(world.env, capacity=spec.staff)
        self.staff = spec.staff
        self._absent: list[PriorityRequest] = []
        off = spec.staff - min(spec.duty.off_duty_staff, spec.staff)
        if not spec.duty.always and off > 0:
            world.env.process(self._roster(off))

    def _roster(self, off: int) -> Generator[Any, Any, None]:
        env = self.world.env
        start, end = self.spec.duty.hours
        day_h = self.world.start_hour
        while True:
            clock = (day_h + env.now) % 24
            if start <= clock < end:
                yield env.timeout(end - clock)
                clock = (day_h + env.now) % 24
            reqs = [self.resource.request(priority=ROSTER) for _ in range(off)]
            yield env.timeout((start - clock) % 24)
            for r in reqs:
                if r.triggered:
                    self.resource.release(r)
                else:
                    r.cancel()

    def set_staff(self, staff: int) -> None:
        """Change the number of staff from now on (a loss, or reinforcements).

        A loss is modelled by absence requests that outrank queued work: a member
        busy on a task leaves when the task ends, never mid-task, and the SimPy
        capacity is never shrunk under a holder.  A gain first brings absent staff
        back, then grows the pool.  Reinforcements beyond the declared staff work
        around the clock (the duty roster covers the declared staff only).
        """
        if staff < 0:
            raise ValueError("staff cannot be negative")
        delta, self.staff = staff - self.staff, staff
        for _ in range(-delta):
            self._absent.append(self.resource.request(priority=ABSENT))
        while delta > 0 and self._absent:
            req = self._absent.pop()
            if req.triggered:
                self.resource.release(req)
            else:
                req.cancel()
            delta -= 1
        if delta > 0:
            self.resource.grow(delta)

    def add_staff(self, k: int) -> None:
        """Add ``k`` staff (negative: lose them); never below zero."""
        self.set_staff(max(0, self.staff + k))

    def work(
        self,
        subject: str,
        task: str,
        entity: str,
        duration: float,
        priority: int = ROUTINE,
        **details: Any,
    ) -> Generator[Any, Any, float]:
        """Queue for a staff member, work ``duration`` hours, log start and end.

        ``priority=URGENT`` puts the task ahead of queued routine work (never
        interrupting a task already under way).

        Returns the hours spent waiting in the queue.
        """
        pool, record, aid = self.resource, self.world.log.record, self.id
        env = pool._env
        asked = env._now
        queue_len = len(pool.put_queue)
        with _Task(pool, priority) as req:
            yield req
            now = env._now
            wait = now - asked
            record(
                now,
                "task_start",
                subject,
                aid,
                entity,
                {"task": task, "wait_h": round(wait, 6), "queue": queue_len, **details},
            )
            yield env.timeout(duration)  # the engine's Environment: built in one step
            record(env._now, "task_end", subject, aid, entity, {"task": task, **details})
        return wait
