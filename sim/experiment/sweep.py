"""Capacity planning: for each varied parameter, the outcome at each value.

Answers "the smallest value that meets objective X with probability ≥ target"
twice, to show its uncertainty: the smallest value whose *point estimate* of
p(met) reaches the target, and the smallest whose Wilson *lower bound* does
(the value a planner can quote with 95% confidence).  The tornado ranking
orders parameters by how far each key outcome swings across their values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.experiment.arms import Arm, Vary
from sim.experiment.metrics import achieved_metric


def _sort_key(value: Any) -> tuple:
    return (0, value) if isinstance(value, int | float) else (1, str(value))


def key_outcomes(doc: dict, objective: str | None) -> list[str]:
    """Outcomes ranked in the tornado: the objective's p(met) and time (or count), then
    infections."""
    out = []
    if objective is not None:
        kind = doc["objectives"].get(objective, {}).get("kind", "time")
        out += [f"objective.{objective}.met", achieved_metric(objective, kind)]
    out += [m for m in ("infections.total", "contacts.isolated") if m in doc["metrics"]]
    return [m for m in out if m in doc["metrics"]]


def analyse_sweep(
    doc: dict,
    arms: Sequence[Arm],
    varies: Sequence[Vary],
    objective: str | None,
    target: float,
) -> dict[str, Any]:
    """The ``sweep`` section of ``comparison.json``."""
    parameters = []
    for vary in varies:
        points = sorted(
            ((a, a.point) for a in arms if a.point and a.point["path"] == vary.dotted),
            key=lambda pair: _sort_key(pair[1]["value"]),
        )
        rows = []
        for arm, point in points:
            row: dict[str, Any] = {"value": point["value"], "plan": arm.id}
            if objective is not None:
                by = doc["objectives"][objective]["by_plan"][arm.id]
                row.update(p_met=by["p_met"], ci_low=by["ci_low"], ci_high=by["ci_high"])
            row["outcomes"] = {
                m: {
                    k: doc["metrics"][m][arm.id][k]
                    for k in ("mean", "median", "p5", "p95", "ci_low", "ci_high")
                }
                for m in key_outcomes(doc, objective)
            }
            rows.append(row)
        entry: dict[str, Any] = {"path": vary.dotted, "values": [r["value"] for r in rows]}
        entry["points"] = rows
        if objective is not None:
            entry["smallest_meeting_target"] = next(
                (r["value"] for r in rows if r["p_met"] is not None and r["p_met"] >= target),
                None,
            )
            entry["smallest_meeting_target_confident"] = next(
                (r["value"] for r in rows if r["ci_low"] is not None and r["ci_low"] >= target),
                None,
            )
        parameters.append(entry)

    tornado: dict[str, list[dict]] = {}
    for metric in key_outcomes(doc, objective):
        bars = []
        for entry in parameters:
            means = [
                (p["value"], p["outcomes"][metric]["mean"])
                for p in entry["points"]
                if p["outcomes"][metric]["mean"] is not None
            ]
            if not means:
                continue
            ys = [y for _, y in means]
            bars.append(
                {
                    "path": entry["path"],
                    "low_value": means[0][0],
                    "high_value": means[-1][0],
                    "at_low": means[0][1],
                    "at_high": means[-1][1],
                    "min": min(ys),
                    "max": max(ys),
                    "swing": max(ys) - min(ys),
                }
            )
        tornado[metric] = sorted(bars, key=lambda b: -b["swing"])
    return {
        "objective": objective,
        "target": target,
        "parameters": parameters,
        "tornado": tornado,
    }
