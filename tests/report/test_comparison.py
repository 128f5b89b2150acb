"""The comparison report is made from exactly the comparison.json contract."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.report import write_report


def _metric(values):
    v = np.asarray(values, dtype=float)
    return {
        "mean": float(v.mean()),
        "median": float(np.median(v)),
        "p5": float(np.percentile(v, 5)),
        "p95": float(np.percentile(v, 95)),
        "ci_low": float(v.mean() - 1),
        "ci_high": float(v.mean() + 1),
        "values": list(values),
    }


NONE = dict.fromkeys(("mean", "median", "p5", "p95", "ci_low", "ci_high")) | {"values": []}
"""A metric of a plan whose replications all failed (``describe([])``)."""
ONE = {"mean": 3.0, "median": 3.0, "p5": 3.0, "p95": 3.0, "ci_low": None, "ci_high": None}
"""A metric with one value: no t interval."""


def _comparison() -> dict:
    rng = np.random.default_rng(1)
    base, more = rng.gamma(4, 3, 40).round(2), rng.gamma(4, 2, 40).round(2)
    return {
        "scenario": "jiangxian-returnee",
        "title": {"zh": "转运车辆预案比较", "en": "Transfer fleet plans"},
        "runs": 40,
        "seed": 7,
        "plans": [
            {"id": "baseline", "title": {"zh": "基线<b>", "en": "Baseline<b>"}},
            {"id": "more-vehicles", "title": {"zh": "增加车辆", "en": "More vehicles"}},
            {"id": "failed", "title": {"zh": "全部失败", "en": "All failed"}},
        ],
        "metrics": {
            "infections": {
                "baseline": _metric(base),
                "more-vehicles": _metric(more),
                "failed": NONE,
            },
            "max_isolation_delay_h": {
                "baseline": _metric(base / 2),
                "more-vehicles": _metric(more / 2),
                "failed": ONE | {"values": [3.0]},
            },
        },
        "objectives": {
            "contacts-quarantined-12h": {
                "title": {"zh": "密接12小时内隔离到位", "en": "Contacts isolated within 12 h"},
                "subject": "transfer_isolation",
                "standard_h": 12,
                "by_plan": {
                    "baseline": {
                        "p_met": 0.4,
                        "ci_low": 0.26,
                        "ci_high": 0.56,
                        "achieved_h": list(base),
                    },
                    "more-vehicles": {
                        "p_met": 0.9,
                        "ci_low": 0.77,
                        "ci_high": 0.96,
                        "achieved_h": list(more),
                    },
                    "failed": {"p_met": None, "ci_low": None, "ci_high": None, "achieved_h": []},
                },
            }
        },
        "key_outcomes": [
            {
                "id": "isolation_h",
                "label": {"zh": "密接端到端隔离用时（中位数）", "en": "end-to-end isolation time"},
                "unit": "h",
                "domain": [0, None],
                "by_plan": {
                    "baseline": _metric(base / 2) | {"n": 40},
                    "more-vehicles": _metric(more / 2) | {"n": 40},
                    "failed": NONE | {"n": 0},
                },
                "vs_baseline": {
                    "more-vehicles": {
                        "mean_diff": -2.5,
                        "ci_low": -3.5,
                        "ci_high": -1.5,
                        "significant": True,
                        "n": 40,
                    }
                },
            }
        ],
        "metric_groups": {
            "differ": ["infections"],
            "same": ["max_isolation_delay_h"],
            "inputs": ["routine_prevention.policy.masks"],
        },
        "differences": [
            {
                "plan": "more-vehicles",
                "baseline": "baseline",
                "metric": "infections",
                "mean_diff": float(more.mean() - base.mean()),
                "ci_low": -6.0,
                "ci_high": -1.0,
                "significant": True,
            },
            {  # no paired replications: no difference, no interval
                "plan": "failed",
                "baseline": "baseline",
                "metric": "infections",
                "mean_diff": None,
                "ci_low": None,
                "ci_high": None,
                "significant": False,
            },
        ],
    }


@pytest.mark.slow  # renders two reports (plots and font subsets, ~5 s)
def test_comparison_report(tmp_path):
    (tmp_path / "comparison.json").write_text(json.dumps(_comparison()), encoding="utf-8")
    html = write_report(tmp_path, "zh").read_text(encoding="utf-8")
    assert "预案比较评估报告" in html and "转运车辆预案比较" in html
    assert html.count('<img class="plot"') == 2
    assert (tmp_path / "plots" / "achievement.png").exists()
    assert (tmp_path / "plots" / "outcomes.png").exists()
    assert "基线&lt;b&gt;" in html and "基线<b>" not in html
    assert "40% [26, 56]" in html and "90% [77, 96]" in html
    # the verdict: the key outcome's paired difference, marked as a real one
    assert "密接端到端隔离用时（中位数）（小时）" in html
    assert "-2.5 [-3.5, -1.5] *" in html
    assert "增加车辆：改善 密接端到端隔离用时（中位数）" in html
    # an outcome no plan changes is folded away; constant inputs are only counted
    assert "<details><summary>另有 1 项结果在各预案间无差别" not in html
    assert "另有 1 项结果在各预案间无确定差别" in html
    assert "1 项恒定输入" in html and "masks" not in html
    # a plan without replications and a metric with one value render as dashes
    assert "全部失败" in html and "—" in html
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "(plots/achievement.png)" in md
    en = write_report(tmp_path, "en").read_text(encoding="utf-8")
    assert "Plan comparison report" in en and "More vehicles" in en
