"""Every interval of a real comparison.json lies in its metric's domain.

Levels (hours, counts) are ≥ 0 and their intervals lie within the values seen;
proportions (p(met)) lie in [0, 1]; a paired difference plan − baseline may be
negative but is bounded by the difference of the domains: at least
−max(baseline) and at most max(plan).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

LEVEL = (0.0, float("inf"))
UNIT = (0.0, 1.0)


def _inside(low: float | None, high: float | None, lo: float, hi: float, what: str) -> None:
    if low is None or high is None:
        return
    assert lo - 1e-9 <= low <= high <= hi + 1e-9, f"{what}: [{low}, {high}] outside [{lo}, {hi}]"


@pytest.mark.slow  # 16 three-day replications (~6 s)
def test_no_interval_of_a_real_comparison_leaves_its_domain(three_plans: Path) -> None:
    doc = json.loads((three_plans / "comparison.json").read_text(encoding="utf-8"))
    assert len(doc["plans"]) == 4 and not doc["errors"]
    checked = 0
    for name, by_plan in doc["metrics"].items():
        domain = UNIT if name.endswith(".met") else LEVEL
        for plan, s in by_plan.items():
            assert all(domain[0] <= v <= domain[1] for v in s["values"]), name
            _inside(s["ci_low"], s["ci_high"], *domain, f"{name} [{plan}]")
            _inside(s.get("median_ci_low"), s.get("median_ci_high"), *domain, name)
            checked += 1
    for oid, o in doc["objectives"].items():
        for plan, row in o["by_plan"].items():
            _inside(row["ci_low"], row["ci_high"], *UNIT, f"p({oid}) [{plan}]")
            change = row.get("vs_baseline")
            if change:
                _inside(change["ci_low"], change["ci_high"], -1.0, 1.0, f"Δp({oid}) [{plan}]")
                checked += 1
    for d in doc["differences"]:
        plan = doc["metrics"][d["metric"]][d["plan"]]["values"]
        base = doc["metrics"][d["metric"]][d["baseline"]]["values"]
        if d["metric"].endswith(".met"):
            _inside(d["ci_low"], d["ci_high"], -1.0, 1.0, d["metric"])
        else:
            _inside(d["ci_low"], d["ci_high"], -max(base), max(plan), d["metric"])
        checked += 1
    keys = {k["id"]: k for k in doc["key_outcomes"]}
    assert set(keys) == {
        "infections",
        "rooms_used",
        "tubes_used",
        "round_completion_h",
        "isolation_h",
    }
    for k in keys.values():
        highs = {p: s["p95"] for p, s in k["by_plan"].items()}
        for plan, s in k["by_plan"].items():
            _inside(s["ci_low"], s["ci_high"], *LEVEL, f"{k['id']} [{plan}]")
        for plan, d in k["vs_baseline"].items():
            low, high = d["ci_low"], d["ci_high"]
            assert low is not None and high is not None
            # bounded by the difference of the domains (p95 of a few values is their max)
            _inside(low, high, -highs["baseline"] - 1e-6, highs[plan] + 1e-6, k["id"])
            assert low <= d["mean_diff"] <= high
        checked += 1
    assert checked > 100
