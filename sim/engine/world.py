"""The World: one replication's clock, random streams, agents, population and log.

Subjects never call each other: they log events on the World and subscribe to
the events other subjects log (tracing listens for ``case_confirmed``, transfer
for ``contact_identified``).  That keeps one subject's behaviour in one place and
makes the event log both the message bus and the record.  What a subject keeps
between events lives in ``world.subjects[name]`` (what its ``install`` returned);
the few values one subject sets for others to read are the typed :class:`Policy`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from types import GeneratorType
from typing import Any

import numpy as np
import simpy

from sim.engine.agents import StaffedAgent
from sim.engine.log import Event, EventLog
from sim.engine.population import Population
from sim.engine.process import Detached, Environment, run_until
from sim.engine.rng import Streams
from sim.scenario.model import Scenario

Modifier = Callable[[np.ndarray, str, float], np.ndarray]
"""``(persons, setting, t) -> factor in [0, 1]`` applied to would-be exposures."""


@dataclass
class Policy:
    """Values one subject sets and others (or the epidemic) read, declared once here.

    Routine prevention sets them when it is installed; a reader that finds the
    default runs as if the policy were absent.
    """

    venue_code_share: float | None = None
    """Share of venue contacts found through venue-code scans (None: tracing's own default)."""
    care_seeking_factor: float = 1.0
    """Multiplier (≤ 1) on the delay from symptom onset to a fever-clinic visit."""


_pause_lock = threading.Lock()
_pauses = 0
_resume_collector = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block; restore it after.

    Re-entrant and thread-safe: the collector is switched back on (if it was on
    when the first pause began) only when the last overlapping pause ends.
    """
    global _pauses, _resume_collector
    with _pause_lock:
        if _pauses == 0:
            _resume_collector = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _resume_collector:
                gc.enable()


class World:
    """State shared by the subjects of one replication."""

    def __init__(self, scenario: Scenario, seed: int):
        self.scenario = scenario
        self.seed = int(seed)
        self.env = Environment()
        self.streams = Streams(self.seed)
        self.log = EventLog()
        start = scenario.meta.start
        self.start_hour = start.hour + start.minute / 60 + start.second / 3600
        self.population = Population.build(scenario.region, self.streams.gen("population"))
        self.agents = {aid: StaffedAgent(self, aid, spec) for aid, spec in scenario.agents.items()}
        self.stores: dict[str, simpy.Store] = {}
        self.infected: dict[int, float] = {}  # person → exposure time (for the processes)
        self.isolated: dict[int, float] = {}  # person → time isolated
        self.returnee: int | None = None
        self.transmission_modifiers: list[Modifier] = []
        self.msel: Any = None
        """The MSEL controller (:mod:`sim.injects.msel`) once installed; held here, not in a
        module-level table, so that a finished World and everything it holds can be freed."""
        self.policy = Policy()
        self.subjects: dict[str, Any] = {}
        """Each installed subject's state, by subject name (what its ``install`` returned)."""

    def transmission_factor(self, persons: np.ndarray, setting: str) -> np.ndarray:
        """Product of every registered modifier for contacts of ``persons`` now.

        Zone control, routine prevention and the like register modifiers (a sealed
        compound keeps only household contacts; masks cut venue transmission); the
        epidemic thins each would-be exposure with it, using a per-exposure common
        random number, so a stronger measure only ever removes exposures.
        """
        factor = np.ones(np.shape(persons), dtype=float)
        for modifier in self.transmission_modifiers:
            factor = factor * modifier(persons, setting, self.now)
        return factor

    @property
    def now(self) -> float:
        return float(self.env._now)

    def run(self, until: float | simpy.Event) -> None:
        """Run the clock to hour (or event) ``until``, with the cyclic garbage collector paused.

        A replication allocates hundreds of thousands of short-lived objects and
        keeps its growing event log; every full collection re-traversed every live
        object of the process (imported libraries included) while finding next to
        nothing to free, 15-30 % of a flagship replication.  Reference counting
        still frees objects as they go; the few cycles a run makes wait for the
        first collection after it.  Results do not depend on it.
        """
        with collector_paused():
            run_until(self.env, until)

    def close(self) -> None:
        """Let go of everything the finished replication holds; the World is unusable after.

        A World is a web of reference cycles (agents and subjects point back to it,
        log subscribers and waiting processes to both), so a finished one waited
        for a full garbage collection, which walks every live object of the process
        — about a tenth of a flagship replication.  Detaching the log, dropping the
        events still queued and the World's own attributes breaks the big cycles: the
        log lives on for whoever holds it and is freed by reference counting; what
        remains for the collector is a few hundred processes still waiting for staff
        or a store (≈1,000 objects of the flagship's ≈54,000).
        """
        self.log.detach()
        queue = self.env._queue
        for entry in queue:
            # a process and the event it waits for point at each other
            entry[3].callbacks = None  # type: ignore[assignment]
        queue.clear()
        self.__dict__.clear()

    def emit(
        self, kind: str, subject: str, agent: str = "", entity: str | int = "", **details: Any
    ) -> Event:
        """Log an event at the current time; subscribers react to it."""
        return self.log.record(self.env._now, kind, subject, agent, entity, details)

    def on(self, kind: str, callback: Callable[[Event], Any]) -> None:
        """Run ``callback(event)`` for every event of ``kind``.

        A callback that returns a generator is started as a SimPy process, so a
        subject can react to an event with work that takes time.
        """

        env = self.env

        def handler(event: Event) -> None:
            result = callback(event)
            # most callbacks return None or a plain generator: skip the ABC check for them
            if result is not None and (
                type(result) is GeneratorType or isinstance(result, Generator)
            ):
                Detached(env, result)

        self.log.subscribe(kind, handler)

    def spawn(self, gen: Generator[Any, Any, Any]) -> simpy.Process:
        """Start ``gen`` as a process (:class:`~sim.engine.process.Detached`: its end is
        an event only if something waits for it)."""
        return Detached(self.env, gen)

    def store(self, name: str) -> simpy.Store:
        """A named queue shared between subjects (e.g. people waiting for transfer)."""
        if name not in self.stores:
            self.stores[name] = simpy.Store(self.env)
        return self.stores[name]

    def responsible(self, subject: str) -> list[str]:
        return list(self.scenario.responsibilities[subject].responsible)

    def handoff(
        self, src: str, dst: str, subject: str, entity: str | int, **details: Any
    ) -> Generator[Any, Any, None]:
        """Pass something from ``src`` to ``dst`` after the declared handoff delay."""
        h = self.scenario.handoff(src, dst)
        if h is None:
            raise LookupError(f"no handoff declared from '{src}' to '{dst}'")
        delay = h.delay.sample(self.streams.gen(f"handoff/{src}/{dst}"))
        yield self.env.timeout(delay)
        self.emit(
            "handoff",
            subject,
            dst,
            entity,
            source=src,
            channel=h.channel,
            delay_h=round(delay, 6),
            **details,
        )

    def clock(self, t: float) -> str:
        """Wall-clock time of scenario hour ``t`` (for presentation only)."""
        return (self.scenario.meta.start + timedelta(hours=t)).isoformat(timespec="minutes")
