"""Objectives (time standards) measured from the event log and rated P/S/M/U.

Ratings follow the HSEEP convention (see ``docs/evaluation.md``): an objective
met within its standard is P; late by at most the scenario's ``ratings.S``
multiple of the standard, S; by at most ``ratings.M``, M; later, or never, U.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.engine.log import Event, EventLog
from sim.scenario.model import Scenario
from sim.scenario.schema import EventMatch, Measure, Objective, Ratings

RATINGS = ("P", "S", "M", "U")


def _matches(e: Event, m: EventMatch) -> bool:
    if e.kind != m.kind:
        return False
    for key, value in m.where.items():
        have = getattr(e, key) if key in ("agent", "entity", "subject") else e.details.get(key)
        if have != value:
            return False
    return True


def _firsts(log: EventLog, m: EventMatch) -> dict[str, float]:
    """The time of each entity's first event matching ``m``."""
    out: dict[str, float] = {}
    for e in log:
        if e.entity not in out and _matches(e, m):
            out[e.entity] = e.t
    return out


def measure(log: EventLog, m: Measure) -> float | None:
    """Achieved hours for ``m``, or None when the end was never reached."""
    if m.per == "none":
        start = next((e.t for e in log if _matches(e, m.start)), None)
        if start is None:
            return None
        end = next((e.t for e in log if e.t >= start and _matches(e, m.end)), None)
        return None if end is None else end - start
    starts = _firsts(log, m.start)
    if not starts:
        return None
    ends = _firsts(log, m.end)
    clock = None
    if m.clock_from is not None:
        clock = next((e.t for e in log if _matches(e, m.clock_from)), None)
        if clock is None:
            return None
    spans = []
    for entity, t0 in starts.items():
        if entity not in ends:
            return None
        spans.append(ends[entity] - (t0 if clock is None else clock))
    values = np.asarray(spans)
    if m.agg == "max":
        return float(values.max())
    if m.agg == "mean":
        return float(values.mean())
    if m.agg == "median":
        return float(np.median(values))
    return float(np.percentile(values, 90))


def rate(achieved: float | None, standard: float, ratings: Ratings) -> str:
    """P, S, M or U for ``achieved`` hours against ``standard`` hours."""
    if achieved is None:
        return "U"
    if achieved <= standard:
        return "P"
    if achieved <= standard * ratings.S:
        return "S"
    if achieved <= standard * ratings.M:
        return "M"
    return "U"


def evaluate(scenario: Scenario, log: EventLog) -> list[dict[str, Any]]:
    """Every objective of the scenario, measured and rated, in declaration order."""
    out = []
    for obj in scenario.objectives:
        achieved = measure(log, obj.measure)
        out.append(_row(obj, achieved, rate(achieved, obj.standard_h, scenario.ratings)))
    return out


def _row(obj: Objective, achieved: float | None, rating: str) -> dict[str, Any]:
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
