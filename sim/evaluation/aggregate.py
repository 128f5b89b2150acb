"""Objectives across replications: probability of meeting each standard, achieved times.

A single replication says whether a standard was met once; a plan comparison
needs how often it is met (with a Wilson score interval, which behaves at 0 and 1
where the normal approximation does not) and how the achieved hours are
distributed.  These helpers take the ``objectives`` rows of many run summaries
(``summary.json``), so the comparison engine can call them on whatever it stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from scipy.stats import binomtest


def p_met(met: int, runs: int, confidence: float = 0.95) -> dict[str, float]:
    """Share of ``runs`` that met the standard, with a Wilson ``confidence`` interval."""
    if runs <= 0:
        raise ValueError("runs must be positive")
    if not 0 <= met <= runs:
        raise ValueError("met must be within [0, runs]")
    ci = binomtest(met, runs).proportion_ci(confidence_level=confidence, method="wilson")
    return {"p_met": met / runs, "ci_low": float(ci.low), "ci_high": float(ci.high)}


def achieved_distribution(achieved: Sequence[float | None]) -> dict[str, Any]:
    """Mean, median, 5th and 95th percentiles of the achieved hours.

    Runs that never reached the objective's end are counted in ``unreached`` and
    left out of the statistics (their time is not a number); the statistics are
    None when no run reached it.
    """
    values = np.asarray([a for a in achieved if a is not None], dtype=float)
    out: dict[str, Any] = {"n": len(achieved), "unreached": len(achieved) - len(values)}
    if len(values) == 0:
        return out | {"mean": None, "median": None, "p5": None, "p95": None}
    return out | {
        "mean": float(values.mean()),
        "median": float(np.median(values)),
        "p5": float(np.percentile(values, 5)),
        "p95": float(np.percentile(values, 95)),
    }


def aggregate_objectives(
    summaries: Iterable[dict[str, Any]], confidence: float = 0.95
) -> dict[str, dict[str, Any]]:
    """Per objective id over run summaries: P(met) with Wilson CI, ratings, achieved hours.

    "Met" means achieved within the standard (rating P).  The result keeps the
    objective's title, subject, kind (time or count) and standard and lists
    ``achieved_h`` per run (hours, or the count of a count objective; None where
    unreached) in the order of ``summaries``.
    """
    rows: dict[str, dict[str, Any]] = {}
    for summary in summaries:
        for o in summary["objectives"]:
            row = rows.setdefault(
                o["id"],
                {
                    "title": o.get("title", {"zh": o["id"], "en": o["id"]}),
                    "subject": o["subject"],
                    "kind": o.get("kind", "time"),
                    "standard": o.get("standard", o.get("standard_h")),
                    "achieved_h": [],
                    "ratings": {r: 0 for r in ("P", "S", "M", "U")},
                },
            )
            row["achieved_h"].append(o.get("achieved", o.get("achieved_h")))
            row["ratings"][o["rating"]] += 1
    for row in rows.values():
        runs = len(row["achieved_h"])
        row.update(p_met(row["ratings"]["P"], runs, confidence))
        row["distribution"] = achieved_distribution(row["achieved_h"])
    return rows
