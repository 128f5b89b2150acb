"""Objectives (time and count standards) measured from the event log and rated P/S/M/U.

Ratings follow the HSEEP convention (see ``docs/evaluation.md``): an objective
met within its standard is P; over by at most the scenario's ``ratings.S``
multiple of the standard, S; by at most ``ratings.M``, M; more, or never, U.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from sim.engine.log import Event, EventLog, event_field
from sim.scenario.model import Scenario
from sim.scenario.schema import Count, EventMatch, Measure, Objective

RATINGS = ("P", "S", "M", "U")


def _matches(e: Event, m: EventMatch) -> bool:
    if e.kind != m.kind:
        return False
    return all(event_field(e, key) == value for key, value in m.where.items())


def matching(log: EventLog, m: EventMatch) -> list[Event]:
    """Every event matching ``m``, in log order."""
    return [e for e in log.of(m.kind) if _matches(e, m)]


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
    its elapsed hours, or None when its end was never reached; ``clocks`` maps it to
    the event its clock started at (its own start, the common ``clock_from`` event,
    or the start of the entity it is linked to ``through``).
    """

    starts: dict[str, Event]
    ends: dict[str, Event]
    clocks: dict[str, Event]
    hours: dict[str, float | None]


def _index_starts(log: EventLog, m: Measure) -> dict[str, Event]:
    """Each entity's first start, without entities that had an ``unless`` event before it."""
    starts = firsts(log, m.start)
    if m.unless is None:
        return starts
    earlier = firsts(log, m.unless)
    return {x: e for x, e in starts.items() if x not in earlier or earlier[x].t > e.t}


def _linked(log: EventLog, m: Measure, starts: dict[str, Event]) -> dict[str, Event]:
    """Each entity ``m.through`` links to a start, with that start (its clock)."""
    assert m.through is not None
    match = EventMatch(kind=m.through.kind, where=m.through.where)
    out: dict[str, Event] = {}
    for entity, e in firsts(log, match).items():
        owner = str(e.details.get(m.through.link, ""))
        if owner in starts and entity != owner:
            out[entity] = starts[owner]
    return out


def spans(log: EventLog, m: Measure) -> Spans | None:
    """The spans of measure ``m`` in ``log``; None when its clock never starts."""
    if m.per == "none":
        start = first_match(log, m.start)
        if start is None:
            return None
        end = first_match(log, m.end, since=start.t)
        ends = {} if end is None else {start.entity: end}
        hours = None if end is None else end.t - start.t
        return Spans({start.entity: start}, ends, {start.entity: start}, {start.entity: hours})
    starts = _index_starts(log, m)
    if not starts:
        return None
    if m.through is not None:
        clocks = _linked(log, m, starts)
    elif m.clock_from is not None:
        clock = first_match(log, m.clock_from)
        if clock is None:
            return None
        clocks = dict.fromkeys(starts, clock)
    else:
        clocks = dict(starts)
    if not clocks:
        return None
    ends = firsts(log, m.end)
    return Spans(
        starts,
        ends,
        clocks,
        {
            # an end before its clock started (reached another way first): no time at all
            entity: max(0.0, ends[entity].t - began.t) if entity in ends else None
            for entity, began in clocks.items()
        },
    )


QUANTILES = {"median": 50.0, "p90": 90.0}


def censored_quantile(values: list[float | None], q: float) -> float | None:
    """The ``q``-th percentile (linear, as numpy's default) of ``values``, where None is
    an entity still on its way at the end: it counts as later than every reached one.

    The quantile is known when the ranks it interpolates between were all reached;
    otherwise it was not reached by the end (None).
    """
    reached = sorted(v for v in values if v is not None)
    n = len(values)
    pos = q / 100.0 * (n - 1)
    lo, hi = int(np.floor(pos)), int(np.ceil(pos))
    if hi >= len(reached):
        if lo < len(reached) and pos == lo:
            return reached[lo]
        return None
    return reached[lo] + (pos - lo) * (reached[hi] - reached[lo])


def measure(log: EventLog, m: Measure) -> float | None:
    """Achieved hours for ``m``, or None when it was not achieved by the end of the run.

    A quantile (``median``, ``p90``) counts entities still on their way as not yet
    done (censored) and is achieved once that share reached the end; ``max`` and
    ``mean`` need every entity to have reached it.
    """
    found = spans(log, m)
    return None if found is None else aggregate(list(found.hours.values()), m.agg)


def aggregate(hours: list[float | None], agg: str) -> float | None:
    """``agg`` of per-entity ``hours`` (None: not reached by the end), censored as
    :func:`measure` says."""
    if not hours:
        return None
    if agg in QUANTILES:
        return censored_quantile(hours, QUANTILES[agg])
    if any(v is None for v in hours):
        return None
    values = np.asarray(hours, dtype=float)
    return float(values.max() if agg == "max" else values.mean())


def judged(found: Spans, agg: str, end_h: float | None, standard: float) -> dict[str, float | None]:
    """The entities ``agg`` is taken over, with their hours.

    For ``max`` and ``mean`` an entity still on its way at the end of the run
    (``end_h``) whose clock has not yet run past ``standard`` is left out: it is not
    late, and what it will take is not known.  One already past its standard stays
    in as unreached, so the objective is unachieved.  Quantiles keep every entity
    (:func:`censored_quantile` counts those on their way as later than the rest).
    """
    if agg in QUANTILES or end_h is None:
        return dict(found.hours)
    return {
        x: v
        for x, v in found.hours.items()
        if v is not None or end_h - found.clocks[x].t > standard
    }


def by_start(
    found: Spans, agg: str, end_h: float | None = None, standard: float = 0.0
) -> list[StartResult]:
    """Per start entity (each index case of a ``through`` measure): ``agg`` over the
    entities linked to it (as :func:`judged` keeps them), how many there were and how
    many were not reached."""
    kept = judged(found, agg, end_h, standard)
    groups: dict[str, list[str]] = {}
    for entity in found.hours:
        groups.setdefault(found.clocks[entity].entity, []).append(entity)
    out: list[StartResult] = []
    for start in sorted(groups, key=lambda x: found.starts[x].t):
        value = aggregate([kept[x] for x in groups[start] if x in kept], agg)
        out.append(
            {
                "entity": start,
                "achieved_h": None if value is None else round(value, 4),
                "entities": len(groups[start]),
                "unreached": sum(1 for x in groups[start] if found.hours[x] is None),
            }
        )
    return out


def tally(log: EventLog, c: Count) -> float | None:
    """A count objective's value: distinct entities of the matching events, or the sum
    or maximum of their detail ``field`` (None: a maximum over no event)."""
    events = matching(log, EventMatch(kind=c.kind, where=c.where))
    if c.agg == "entities":
        return float(len({e.entity for e in events}))
    assert c.field is not None
    values = [float(e.details.get(c.field, 0) or 0) for e in events]
    if c.agg == "sum":
        return float(sum(values))
    return max(values) if values else None


def evaluate(scenario: Scenario, log: EventLog) -> list[ObjectiveResult]:
    """Every objective of the scenario, measured and rated, in declaration order."""
    out = []
    for obj in scenario.objectives:
        groups: list[StartResult] = []
        if obj.measure is not None:
            found = spans(log, obj.measure)
            agg, end = obj.measure.agg, scenario.meta.duration_h
            hours = [] if found is None else list(found.hours.values())
            kept = {} if found is None else judged(found, agg, end, obj.limit)
            achieved = aggregate(list(kept.values()), agg)
            counts = (len(hours), sum(1 for v in hours if v is None))
            if found is not None and obj.measure.through is not None:
                groups = by_start(found, agg, end, obj.limit)
        else:
            assert obj.count is not None
            achieved, counts = tally(log, obj.count), (0, 0)
        row = _row(obj, achieved, scenario.ratings.rate(achieved, obj.limit), counts)
        if groups:
            row["by_start"] = groups
        out.append(row)
    return out


class StartResult(TypedDict):
    """One start entity of a ``through`` objective (an index case) and its linked ones."""

    entity: str
    achieved_h: float | None
    entities: int
    unreached: int


class ObjectiveResult(TypedDict, total=False):
    """One rated objective in ``summary.json``.

    ``kind`` is ``time`` or ``count``; ``standard`` and ``achieved`` are in ``unit``
    (hours for a time objective, which also keeps ``standard_h`` and ``achieved_h``).
    A time objective counts its measured ``entities`` and those ``unreached`` at the end;
    one measured ``through`` a link has them ``by_start`` too (per index case).
    """

    id: str
    subject: str
    title: dict[str, str]
    kind: str
    unit: dict[str, str]
    standard: float
    achieved: float | None
    standard_h: float
    achieved_h: float | None
    entities: int
    unreached: int
    by_start: list[StartResult]
    rating: str
    source: str
    unsourced: bool


def _row(
    obj: Objective, achieved: float | None, rating: str, counts: tuple[int, int]
) -> ObjectiveResult:
    value = None if achieved is None else round(achieved, 4)
    row: ObjectiveResult = {
        "id": obj.id,
        "subject": obj.subject,
        "title": {"zh": obj.title.zh, "en": obj.title.en},
        "kind": "time" if obj.is_time else "count",
        "unit": {"zh": obj.units.zh, "en": obj.units.en},
        "standard": obj.limit,
        "achieved": value,
    }
    if obj.is_time:
        row |= {
            "standard_h": obj.limit,
            "achieved_h": value,
            "entities": counts[0],
            "unreached": counts[1],
        }
    return row | {"rating": rating, "source": obj.source, "unsourced": obj.unsourced}
