"""Agents of the command structure as staffed SimPy resources with a duty roster."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim.scenario.schema import Agent as AgentSpec

if TYPE_CHECKING:
    from sim.engine.world import World

_ROSTER, _WORK = 0, 1  # priorities: the roster takes staff off post before queued work


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
        self.resource = simpy.PriorityResource(world.env, capacity=spec.staff)
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
            reqs = [self.resource.request(priority=_ROSTER) for _ in range(off)]
            yield env.timeout((start - clock) % 24)
            for r in reqs:
                if r.triggered:
                    self.resource.release(r)
                else:
                    r.cancel()

    def work(
        self, subject: str, task: str, entity: str, duration: float, **details: Any
    ) -> Generator[Any, Any, float]:
        """Queue for a staff member, work ``duration`` hours, log start and end.

        Returns the hours spent waiting in the queue.
        """
        env, log = self.world.env, self.world.log
        asked = env.now
        queue_len = len(self.resource.queue)
        with self.resource.request(priority=_WORK) as req:
            yield req
            wait = env.now - asked
            log.append(
                env.now,
                "task_start",
                subject,
                self.id,
                entity,
                task=task,
                wait_h=round(wait, 6),
                queue=queue_len,
                **details,
            )
            yield env.timeout(duration)
            log.append(env.now, "task_end", subject, self.id, entity, task=task, **details)
        return wait
