"""The append-only, structured event log, and its CSV / JSON Lines export."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

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

    def _add(self, event: Event) -> None:
        self.events.append(event)
        self._by_kind.setdefault(event.kind, []).append(event)

    def append(
        self, t: float, kind: str, subject: str, agent: str = "", entity: str = "", **details: Any
    ) -> Event:
        if kind not in EVENT_KINDS:
            raise KeyError(f"undeclared event kind '{kind}' (declare it in sim/engine/events.py)")
        event = _new(
            Event, (len(self.events), float(t), subject, agent, kind, str(entity), details)
        )
        self._add(event)
        for callback in self._subscribers.get(kind, ()):
            callback(event)
        return event

    def subscribe(self, kind: str, callback: Callable[[Event], None]) -> None:
        """Call ``callback(event)`` whenever an event of ``kind`` is appended."""
        if kind not in EVENT_KINDS:
            raise KeyError(f"undeclared event kind '{kind}'")
        self._subscribers.setdefault(kind, []).append(callback)

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def of(self, kind: str, **where: Any) -> list[Event]:
        """Events of ``kind`` (in log order) whose details (or agent/entity) equal ``where``."""
        events = self._by_kind.get(kind, [])
        if not where:
            return list(events)
        return [e for e in events if all(_field(e, k) == v for k, v in where.items())]

    def first(self, kind: str, **where: Any) -> Event | None:
        found = self.of(kind, **where)
        return found[0] if found else None

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(COLUMNS)
            for e in self.events:
                r = e.row()
                writer.writerow(
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


def _field(e: Event, key: str) -> Any:
    if key in ("agent", "entity", "subject"):
        return getattr(e, key)
    return e.details.get(key)
