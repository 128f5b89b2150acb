"""The append-only, structured event log, and its CSV / JSON Lines export."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from sim import csvsafe
from sim.engine.events import EVENT_KINDS

COLUMNS = ("seq", "t", "subject", "agent", "kind", "entity", "details")


class Event(NamedTuple):
    """One logged fact: at time ``t`` (hours since start) ``agent`` did ``kind`` to ``entity``.

    Immutable like a frozen dataclass, but a tuple is built twice as fast, and a
    replication logs tens of thousands of events.
    """

    seq: int
    t: float
    subject: str
    agent: str
    kind: str
    entity: str
    details: dict[str, Any]

    def row(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "t": round(self.t, 6),
            "subject": self.subject,
            "agent": self.agent,
            "kind": self.kind,
            "entity": self.entity,
            "details": self.details,
        }


_SEQ = attrgetter("seq")
_new = tuple.__new__  # builds an Event without NamedTuple's argument parsing


class EventLog:
    """Events in the order they happened; subscribers hear each as it is appended.

    Appending is the only mutation: there is no update or delete, so whatever the
    simulation did can be read back from here.
    """

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._by_kind: dict[str, list[Event]] = {}
        self._subscribers: dict[str, list[Callable[[Event], None]]] = {}
        self._routes: dict[str, tuple[list[Event], list[Callable[[Event], None]]]] = {}
        """Per kind seen by :meth:`record`: its ``_by_kind`` list and subscribers (one lookup)."""
        self._counts: dict[tuple[str, tuple[tuple[str, Any], ...]], tuple[int, int]] = {}
        """``count`` queries → (events of the kind examined so far, how many matched)."""

    def _add(self, event: Event) -> None:
        self.events.append(event)
        self._by_kind.setdefault(event.kind, []).append(event)

    def append(
        self, t: float, kind: str, subject: str, agent: str = "", entity: str = "", **details: Any
    ) -> Event:
        """Log an event of a declared ``kind``; its subscribers hear it at once."""
        return self.record(t, kind, subject, agent, entity, details)

    def record(
        self, t: float, kind: str, subject: str, agent: str, entity: Any, details: dict[str, Any]
    ) -> Event:
        """:meth:`append` with ``details`` as a dict the log takes ownership of.

        The engine's hot paths (``World.emit``, ``StaffedAgent.work``) already hold
        the details as a dict; passing it on as is saves repacking ``**details``
        on each of the tens of thousands of events of a replication.
        """
        route = self._routes.get(kind)
        if route is None:
            route = self._route(kind)
        same, callbacks = route
        events = self.events
        event = _new(
            Event,
            (
                len(events),
                t if type(t) is float else float(t),
                subject,
                agent,
                kind,
                entity if type(entity) is str else str(entity),
                details,
            ),
        )
        events.append(event)
        same.append(event)
        if callbacks:
            for callback in callbacks:
                callback(event)
        return event

    def _route(self, kind: str) -> tuple[list[Event], list[Callable[[Event], None]]]:
        """Check ``kind`` is declared, once; then its index list and subscribers, together."""
        if kind not in EVENT_KINDS:
            raise KeyError(f"undeclared event kind '{kind}' (see sim.engine.events.declare)")
        route = self._by_kind.setdefault(kind, []), self._subscribers.setdefault(kind, [])
        self._routes[kind] = route
        return route

    def subscribe(self, kind: str, callback: Callable[[Event], None]) -> None:
        """Call ``callback(event)`` whenever an event of ``kind`` is appended."""
        if kind not in EVENT_KINDS:
            raise KeyError(f"undeclared event kind '{kind}'")
        self._subscribers.setdefault(kind, []).append(callback)

    def detach(self) -> None:
        """Forget every subscriber: a finished log then refers to nothing of its World.

        Subscribers are the World's handlers, which lead back to the World and so
        to this log; without them the log leaves no reference cycle behind and is
        freed as soon as its last reader drops it.  Appending still works.
        """
        self._subscribers.clear()
        self._routes.clear()

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def of(self, kind: str, **where: Any) -> list[Event]:
        """Events of ``kind`` (in log order) whose details (or agent/entity) equal ``where``."""
        events = self._by_kind.get(kind, [])
        if not where:
            return list(events)
        return [e for e in events if all(event_field(e, k) == v for k, v in where.items())]

    def among(self, *kinds: str) -> list[Event]:
        """Events of any of ``kinds``, in log order: a pass over only those kinds."""
        lists = [self._by_kind[k] for k in dict.fromkeys(kinds) if k in self._by_kind]
        if len(lists) == 1:
            return list(lists[0])
        return sorted((e for same in lists for e in same), key=_SEQ)

    def first(self, kind: str, **where: Any) -> Event | None:
        found = self.of(kind, **where)
        return found[0] if found else None

    def count(self, kind: str, **where: Any) -> int:
        """``len(self.of(kind, **where))``, examining only events appended since the last call.

        For a figure asked for again and again while the run goes on (the rooms
        taken, on every ``isolated`` event): each event is looked at once, so the
        cost no longer grows with the length of the log.  ``where`` values must be
        hashable.
        """
        key = (kind, tuple(sorted(where.items())))
        seen, total = self._counts.get(key, (0, 0))
        events = self._by_kind.get(kind, [])
        for e in events[seen:]:
            if all(event_field(e, k) == v for k, v in where.items()):
                total += 1
        self._counts[key] = (len(events), total)
        return total

    def write_csv(self, path: Path) -> None:
        """The log as CSV; text cells cannot become spreadsheet formulas (:mod:`sim.csvsafe`)."""
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(COLUMNS)
            for e in self.events:
                r = e.row()
                writer.writerow(
                    csvsafe.row(
                        [
                            r["seq"],
                            f"{r['t']:.6f}",
                            r["subject"],
                            r["agent"],
                            r["kind"],
                            r["entity"],
                            json.dumps(r["details"], ensure_ascii=False, sort_keys=True),
                        ]
                    )
                )

    def write_jsonl(self, path: Path) -> None:
        with path.open("w", encoding="utf-8") as fh:
            for e in self.events:
                fh.write(json.dumps(e.row(), ensure_ascii=False, sort_keys=True) + "\n")

    @classmethod
    def read_jsonl(cls, path: Path) -> EventLog:
        """Load a written log back (for reports on a finished run)."""
        log = cls()
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                log._add(
                    Event(
                        r["seq"],
                        r["t"],
                        r["subject"],
                        r["agent"],
                        r["kind"],
                        r["entity"],
                        r["details"],
                    )
                )
        return log


def event_field(e: Event, key: str) -> Any:
    """The value of ``key`` in ``e``: its agent, entity or subject, else a detail (or None).

    The one meaning of a ``where:`` key, for objectives, triggers and log queries.
    """
    if key in ("agent", "entity", "subject"):
        return getattr(e, key)
    return e.details.get(key)
