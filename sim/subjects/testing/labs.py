"""Laboratories running tubes on their machines, in runs.

Each laboratory has ``machines`` that each run up to ``tubes_per_run`` tubes in
``run_time`` hours.  A run is filled with urgent single tubes first (suspected
cases), then routine single tubes (quarantine, arrival), then the tubes of mass
rounds in the order they arrived.  A run's positive pools hold their members
and re-sample each in a single tube (#59); a single tube's result is known when
its run ends.  A machine failure or added machines (``machines_changed``, an
inject's effect) change how many runs go at once; runs under way finish.
Events are per machine run and per positive pool, never per resident.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy
from simpy.events import URGENT

from sim.engine.process import Detached
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
class SingleTube:
    """One person's tube; ``done`` succeeds when the run that holds it ends."""

    person: int
    done: simpy.Event


@dataclass
class LabRunner:
    """One laboratory's machines working through the tubes delivered to it."""

    world: World
    spec: Lab
    queue: deque[TubeBatch] = field(default_factory=deque)
    queued: int = 0
    urgent: deque[SingleTube] = field(default_factory=deque)
    routine: deque[SingleTube] = field(default_factory=deque)

    def __post_init__(self) -> None:
        env = self.world.env
        self.machines = self.spec.machines  # machines working now
        self.busy = 0
        self.wakeup = env.event()
        self.run_time = Draws(
            self.spec.run_time, self.world.streams.gen(f"testing/lab/{self.spec.agent}")
        )
        # the dispatcher is a callback of each wake-up event rather than a process:
        # it starts as a process would, with an urgent event now
        start = env.event()
        start._ok, start._value = True, None
        start.callbacks.append(self._dispatch)
        env.schedule(start, URGENT)

    def _wake(self) -> None:
        if not self.wakeup.triggered:
            self.wakeup.succeed()

    def deliver(self, batch: TubeBatch) -> None:
        self.queue.append(batch)
        self.queued += batch.tubes
        self._wake()

    def deliver_single(self, person: int, urgent: bool) -> simpy.Event:
        """Queue one single tube; the returned event succeeds when its run has ended."""
        tube = SingleTube(person, self.world.env.event())
        (self.urgent if urgent else self.routine).append(tube)
        self.queued += 1
        self._wake()
        return tube.done

    def set_machines(self, machines: int) -> None:
        """Machines working from now on (runs under way finish)."""
        self.machines = max(0, machines)
        self._wake()

    def _dispatch(self, _: simpy.Event) -> None:
        """Fill runs while tubes wait and machines are free; then wait for the next wake-up."""
        env = self.world.env
        while (self.queue or self.urgent or self.routine) and self.busy < self.machines:
            self.busy += 1
            singles: list[SingleTube] = []
            room = self.spec.tubes_per_run
            for line in (self.urgent, self.routine):
                while room and line:
                    singles.append(line.popleft())
                    room -= 1
            chunks: list[tuple[TubeBatch, int, int]] = []
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
            Detached(env, self._run(chunks, taken - len(singles), singles))
        self.wakeup = env.event()
        self.wakeup.callbacks.append(self._dispatch)

    def _run(
        self,
        chunks: list[tuple[TubeBatch, int, int]],
        tubes: int,
        singles: list[SingleTube],
    ) -> Generator[Any, Any, None]:
        world = self.world
        run_h = self.run_time()
        yield world.env.timeout(run_h)
        self.busy -= 1
        self._wake()
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
            single_tubes=len(singles),
            run_h=round(run_h, 4),
            positive_pools=positive,
            turnaround_h=round(turnaround, 4),
            backlog=self.queued,
            rounds=sorted({c[0].round.id for c in chunks}),
        )
        for single in singles:
            single.done.succeed()
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
