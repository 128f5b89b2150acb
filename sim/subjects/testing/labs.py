"""Laboratories running the tubes of mass rounds on their machines, in runs.

Each laboratory has ``machines`` that each run up to ``tubes_per_run`` tubes in
``run_time`` hours; tubes queue in the order they arrive.  A run's positive
pools hold their members and re-sample each in a single tube (#59).  Events are
per machine run and per positive pool, never per resident.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.engine.rng import Draws
from sim.subjects.testing.params import Lab

if TYPE_CHECKING:
    from sim.engine.world import World

NAME = "testing"


@dataclass
class Round:
    """Book-keeping of one round while it runs (the log holds the record)."""

    id: str
    scope: str
    level: str
    day: int | None = None
    pool_size: int = 10
    tubes: int = 0
    resulted: int = 0
    sampled: int = 0
    positive_pools: int = 0
    sampling_done: bool = False
    max_turnaround_h: float = 0.0
    completed: bool = False


@dataclass
class TubeBatch:
    """Tubes of one sampling hour on their way through one laboratory."""

    round: Round
    tubes: int
    positives: list[tuple[int, np.ndarray]]  # (tube index, members) of positive pools
    sampled_t: float
    next_tube: int = 0
    offset: int = 0  # index of this batch's first tube in the sampling hour


@dataclass
class LabRunner:
    """One laboratory's machines working through the tubes delivered to it."""

    world: World
    spec: Lab
    queue: deque[TubeBatch] = field(default_factory=deque)
    queued: int = 0

    def __post_init__(self) -> None:
        env = self.world.env
        self.machines = simpy.Resource(env, capacity=self.spec.machines)
        self.wakeup = env.event()
        self.run_time = Draws(
            self.spec.run_time, self.world.streams.gen(f"testing/lab/{self.spec.agent}")
        )
        env.process(self._dispatch())

    def deliver(self, batch: TubeBatch) -> None:
        self.queue.append(batch)
        self.queued += batch.tubes
        if not self.wakeup.triggered:
            self.wakeup.succeed()

    def _dispatch(self) -> Generator[Any, Any, None]:
        env = self.world.env
        while True:
            if not self.queue:
                self.wakeup = env.event()
                yield self.wakeup
                continue
            req = self.machines.request()
            yield req
            chunks: list[tuple[TubeBatch, int, int]] = []
            room = self.spec.tubes_per_run
            while room and self.queue:
                b = self.queue[0]
                take = min(room, b.tubes - b.next_tube)
                chunks.append((b, b.next_tube, b.next_tube + take))
                b.next_tube += take
                room -= take
                if b.next_tube >= b.tubes:
                    self.queue.popleft()
            taken = self.spec.tubes_per_run - room
            self.queued -= taken
            env.process(self._run(req, chunks, taken))

    def _run(
        self,
        req: simpy.resources.resource.Request,
        chunks: list[tuple[TubeBatch, int, int]],
        tubes: int,
    ) -> Generator[Any, Any, None]:
        world = self.world
        yield world.env.timeout(self.run_time())
        self.machines.release(req)
        positive = 0
        turnaround = 0.0
        for batch, a, b in chunks:
            rnd = batch.round
            turnaround = max(turnaround, world.now - batch.sampled_t)
            for tube, members in batch.positives:
                if a <= tube - batch.offset < b:
                    positive += 1
                    rnd.positive_pools += 1
                    pool_positive(world, rnd, self.spec.agent, members)
            rnd.resulted += b - a
            rnd.max_turnaround_h = max(rnd.max_turnaround_h, world.now - batch.sampled_t)
        world.emit(
            "lab_run",
            NAME,
            self.spec.agent,
            self.spec.agent,
            tubes=tubes,
            positive_pools=positive,
            turnaround_h=round(turnaround, 4),
            backlog=self.queued,
            rounds=sorted({c[0].round.id for c in chunks}),
        )
        for rnd in {id(c[0].round): c[0].round for c in chunks}.values():
            maybe_complete(world, rnd)


def pool_positive(world: World, rnd: Round, lab: str, members: np.ndarray) -> None:
    """Hold a positive pool's members and re-sample each in a single tube (#59)."""
    world.population.held[members] = True
    world.emit("pool_positive", NAME, lab, rnd.id, members=int(members.size), scope=rnd.scope)
    for person in members.tolist():
        world.emit("test_requested", NAME, lab, person, reason="pool_retest", round=rnd.id)


def maybe_complete(world: World, rnd: Round) -> None:
    """Log ``mass_round_complete`` once sampling is over and every tube has a result."""
    if rnd.sampling_done and rnd.resulted >= rnd.tubes and not rnd.completed:
        rnd.completed = True
        world.emit(
            "mass_round_complete",
            NAME,
            "",
            rnd.id,
            scope=rnd.scope,
            level=rnd.level,
            day=rnd.day,
            sampled=rnd.sampled,
            tubes=rnd.tubes,
            positive_pools=rnd.positive_pools,
            max_turnaround_h=round(rnd.max_turnaround_h, 4),
        )
