"""From stored rows to ``comparison.json``: distributions, p(met), paired differences.

Everything here reads the results store, never the running simulation, so a
resumed or re-run comparison gives the same document as an uninterrupted one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.experiment.arms import BASELINE, Arm
from sim.experiment.metrics import achieved_metric, is_count_breakdown
from sim.experiment.outcomes import KEY_OUTCOMES, group_metrics, key_values
from sim.experiment.stats import (
    CONFIDENCE,
    bootstrap_median_ci,
    describe,
    newcombe_paired,
    paired_difference,
    replications_needed,
    wilson,
)

STAT_KEYS = ("mean", "median", "p5", "p95", "ci_low", "ci_high")


def _by_plan(rows: Sequence[dict]) -> dict[str, dict[int, dict]]:
    out: dict[str, dict[int, dict]] = {}
    for r in rows:
        if r["status"] == "ok":
            out.setdefault(r["plan"], {})[r["rep"]] = r["metrics"]
    return out


def _value(metrics: dict, name: str) -> float | None:
    if name in metrics:
        return metrics[name]
    return 0 if is_count_breakdown(name) else None


def metric_names(rows: Sequence[dict]) -> list[str]:
    names: set[str] = set()
    for r in rows:
        if r["status"] == "ok":
            names.update(r["metrics"])
    return sorted(names)


def analyse(
    arms: Sequence[Arm],
    rows: Sequence[dict],
    *,
    runs: int,
    seed: int,
    precision: Sequence[tuple[str | None, float]] = (),
) -> dict[str, Any]:
    """The comparison document (see ``docs/experiments.md`` for its shape)."""
    base = arms[0].scenario
    per = _by_plan(rows)
    names = metric_names(rows)
    metrics: dict[str, dict[str, dict]] = {}
    for name in names:
        metrics[name] = {}
        for arm in arms:
            reps = per.get(arm.id, {})
            values = [v for r in sorted(reps) if (v := _value(reps[r], name)) is not None]
            stats = describe(values, proportion=name.endswith(".met"))
            entry = {k: stats[k] for k in STAT_KEYS}
            if name.endswith(".achieved_h"):  # skewed delays: a bootstrap CI of the median
                entry["median_ci_low"], entry["median_ci_high"] = bootstrap_median_ci(values)
            entry["values"] = values
            metrics[name][arm.id] = entry

    objectives: dict[str, dict] = {}
    for arm in arms:
        for o in arm.scenario.objectives:
            if o.id in objectives:
                continue
            objectives[o.id] = {
                "title": {"zh": o.title.zh, "en": o.title.en},
                "subject": o.subject,
                "kind": "time" if o.is_time else "count",
                "standard": o.limit,
                "unit": {"zh": o.units.zh, "en": o.units.en},
                "by_plan": {},
            }
            if o.is_time:
                objectives[o.id]["standard_h"] = o.limit
    for oid, obj in objectives.items():
        for arm in arms:
            reps = per.get(arm.id, {})
            raw = [reps[r].get(f"objective.{oid}.met") for r in sorted(reps)]
            met = [bool(m) for m in raw if m is not None]
            w = wilson(sum(met), len(met))
            obj["by_plan"][arm.id] = {
                "p_met": w["p"],
                "ci_low": w["ci_low"],
                "ci_high": w["ci_high"],
                "achieved_h": [
                    reps[r].get(achieved_metric(oid, obj["kind"])) for r in sorted(reps)
                ],
            }
            base_reps = per.get(BASELINE, {})
            if arm.id != BASELINE:
                key = f"objective.{oid}.met"
                met_pairs = [
                    (bool(reps[r][key]), bool(base_reps[r][key]))
                    for r in sorted(set(reps) & set(base_reps))
                    if reps[r].get(key) is not None and base_reps[r].get(key) is not None
                ]
                n = newcombe_paired([a for a, _ in met_pairs], [b for _, b in met_pairs])
                obj["by_plan"][arm.id]["vs_baseline"] = {
                    "diff": n["diff"],
                    "ci_low": n["ci_low"],
                    "ci_high": n["ci_high"],
                    "n": n["n"],
                }

    differences = []
    baseline = per.get(BASELINE, {})
    for arm in arms:
        if arm.id == BASELINE:
            continue
        reps = per.get(arm.id, {})
        for name in names:
            pairs = [
                (a, b)
                for r in sorted(set(reps) & set(baseline))
                if (a := _value(reps[r], name)) is not None
                and (b := _value(baseline[r], name)) is not None
            ]
            if not pairs:
                continue
            d = paired_difference(
                [a for a, _ in pairs], [b for _, b in pairs], proportion=name.endswith(".met")
            )
            differences.append(
                {
                    "plan": arm.id,
                    "baseline": BASELINE,
                    "metric": name,
                    "mean_diff": d["mean_diff"],
                    "ci_low": d["ci_low"],
                    "ci_high": d["ci_high"],
                    "significant": d["significant"],
                    "n": d["n"],
                }
            )

    ran = [a.id for a in arms if per.get(a.id)]
    present = {
        n: {p for p in ran if any(_value(m, n) is not None for m in per[p].values())} for n in names
    }
    errors = [
        {"plan": r["plan"], "rep": r["rep"], "seed": r["seed"], "error": r["error"]}
        for r in rows
        if r["status"] == "error"
    ]
    doc: dict[str, Any] = {
        "scenario": base.meta.id,
        "title": {"zh": base.meta.title.zh, "en": base.meta.title.en},
        "runs": runs,
        "seed": seed,
        "plans": [
            {"id": a.id, "title": a.title, "description": a.description, "point": a.point}
            for a in arms
        ],
        "replications": {a.id: len(per.get(a.id, {})) for a in arms},
        "confidence": CONFIDENCE,
        "key_outcomes": key_outcomes(arms, per),
        "metric_groups": group_metrics(names, present, ran, differences),
        "names": scenario_names([a.scenario for a in arms]),
        "metrics": metrics,
        "objectives": objectives,
        "differences": differences,
        "errors": errors,
    }
    if precision:
        doc["precision"] = _precision(metrics, precision)
    return doc


def key_outcomes(arms: Sequence[Arm], per: dict[str, dict[int, dict]]) -> list[dict[str, Any]]:
    """Per key outcome: each plan's mean with its interval, and plan − baseline paired.

    Levels are counts or hours (≥ 0): their intervals are seeded bootstraps of the
    mean, which stay within the values; the paired differences are bootstraps of
    the per-seed differences, within the difference of the domains.
    """
    out = []
    base = per.get(BASELINE, {})
    for k in KEY_OUTCOMES:
        base_values = key_values(k, base)
        if not any(key_values(k, per.get(a.id, {})) for a in arms):
            continue  # a scenario without that subject
        row: dict[str, Any] = {
            "id": k.id,
            "label": dict(k.label),
            "unit": k.unit,
            "domain": [0, None],
            "by_plan": {},
            "vs_baseline": {},
        }
        for arm in arms:
            values = key_values(k, per.get(arm.id, {}))
            d = describe(list(values.values()), proportion=False)
            row["by_plan"][arm.id] = {key: d[key] for key in (*STAT_KEYS, "n")}
            row["by_plan"][arm.id]["values"] = list(values.values())
            if arm.id == BASELINE:
                continue
            seeds = sorted(set(values) & set(base_values))
            if seeds:
                diff = paired_difference(
                    [values[r] for r in seeds], [base_values[r] for r in seeds], proportion=False
                )
                row["vs_baseline"][arm.id] = diff
        out.append(row)
    return out


def scenario_names(scenarios: Sequence[Any]) -> dict[str, dict[str, str]]:
    """The zh/en names of what metric names mention (agents, places, labs, checkpoints),
    over every arm: a plan may add a laboratory or a site the baseline does not have."""
    from sim.report.names import named_things  # the report's reading of a scenario

    out: dict[str, dict[str, str]] = {}
    for scenario in scenarios:
        for key, name in named_things(scenario.model_dump(mode="json")).items():
            out.setdefault(key, name)
    return out


def _precision(
    metrics: dict[str, dict[str, dict]], requests: Sequence[tuple[str | None, float]]
) -> list[dict]:
    """Replications needed per (metric, plan) for each requested half-width.

    A request ``(name, h)`` asks for half-width ``h`` in the metric's units; a
    request ``(None, r)`` asks, for every metric, for ``r`` × |mean| (or ``r``
    itself for a ``.met`` proportion).
    """
    out = []
    for name, h in requests:
        targets = [name] if name is not None else list(metrics)
        for metric in targets:
            for plan, entry in metrics.get(metric, {}).items():
                values = entry["values"]
                if not values:
                    continue
                half = h
                if name is None and not metric.endswith(".met"):
                    half = h * abs(entry["mean"])
                needed = replications_needed(values, half) if half > 0 else None
                out.append(
                    {
                        "metric": metric,
                        "plan": plan,
                        "half_width": half,
                        "needed": needed,
                        "have": len(values),
                    }
                )
    return out
