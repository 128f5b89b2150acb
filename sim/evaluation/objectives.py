"""Objectives (time standards) measured from the event log and rated P/S/M/U.

Ratings follow the HSEEP convention (see ``docs/evaluation.md``): an objective
met within its standard is P; late by at most the scenario's ``ratings.S``
multiple of the standard, S; by at most ``ratings.M``, M; later, or never, U.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from sim.engine.log import Event, EventLog, event_field
from sim.scenario.model import Scenario
from sim.scenario.schema import EventMatch, Measure, Objective

RATINGS = ("P", "S", "M", "U")


def _matches(e: Event, m: EventMatch) -> bool:
    if e.kind != m.kind:
        return False
    return all(event_field(e, key) == value for key, value in m.where.items())


def firsts(log: EventLog, m: EventMatch) -> dict[str, Event]:
    """Each entity's first event matching ``m`` (only events of ``m.kind`` are read)."""
    out: dict[str, Event] = {}
    for e in log.of(m.kind):
        if e.entity not in out and _matches(e, m):
            out[e.entity] = e
    return out


def first_match(log: EventLog, m: EventMatch, since: float | None = None) -> Event | None:
    """The first event matching ``m`` (at or after hour ``since``), read from its kind."""
    for e in log.of(m.kind):
        if (since is None or e.t >= since) and _matches(e, m):
            return e
    return None


@dataclass
class Spans:
    """Where a measure's clock runs in the log, read once for objectives and findings.

    ``hours`` maps each measured entity (the single start's, with ``per: none``) to
    its elapsed hours, or None when its end was never reached; ``clock`` is the
    common clock event of ``clock_from``.
    """

    starts: dict[str, Event]
    ends: dict[str, Event]
    clock: Event | None
    hours: dict[str, float | None]


def spans(log: EventLog, m: Measure) -> Spans | None:
    """The spans of measure ``m`` in ``log``; None when its clock never starts."""
    if m.per == "none":
        start = first_match(log, m.start)
        if start is None:
            return None
        end = first_match(log, m.end, since=start.t)
        ends = {} if end is None else {start.entity: end}
        hours = None if end is None else end.t - start.t
        return Spans({start.entity: start}, ends, None, {start.entity: hours})
    starts = firsts(log, m.start)
    if not starts:
        return None
    ends = firsts(log, m.end)
    clock = None
    if m.clock_from is not None:
        clock = first_match(log, m.clock_from)
        if clock is None:
            return None
    return Spans(
        starts,
        ends,
        clock,
        {
            entity: ends[entity].t - (began.t if clock is None else clock.t)
            if entity in ends
            else None
            for entity, began in starts.items()
        },
    )


def measure(log: EventLog, m: Measure) -> float | None:
    """Achieved hours for ``m``, or None when the end was never reached."""
    found = spans(log, m)
    if found is None or any(v is None for v in found.hours.values()):
        return None
    values = np.asarray(list(found.hours.values()), dtype=float)
    if m.agg == "max":
        return float(values.max())
    if m.agg == "mean":
        return float(values.mean())
    if m.agg == "median":
        return float(np.median(values))
    return float(np.percentile(values, 90))


def evaluate(scenario: Scenario, log: EventLog) -> list[ObjectiveResult]:
    """Every objective of the scenario, measured and rated, in declaration order."""
    out = []
    for obj in scenario.objectives:
        achieved = measure(log, obj.measure)
        out.append(_row(obj, achieved, scenario.ratings.rate(achieved, obj.standard_h)))
    return out


class ObjectiveResult(TypedDict):
    """One rated objective in ``summary.json``."""

    id: str
    subject: str
    title: dict[str, str]
    standard_h: float
    achieved_h: float | None
    rating: str
    source: str
    local: bool


def _row(obj: Objective, achieved: float | None, rating: str) -> ObjectiveResult:
    return {
        "id": obj.id,
        "subject": obj.subject,
        "title": {"zh": obj.title.zh, "en": obj.title.en},
        "standard_h": obj.standard_h,
        "achieved_h": None if achieved is None else round(achieved, 4),
        "rating": rating,
        "source": obj.source,
        "local": obj.local,
    }
