"""Across-replication aggregation: P(met) with a Wilson interval, achieved-time spread."""

from __future__ import annotations

import math

import pytest

from sim.evaluation.aggregate import achieved_distribution, aggregate_objectives, p_met


def test_wilson_interval_matches_the_formula():
    met, n, z = 7, 20, 1.959963984540054
    p = met / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    got = p_met(met, n)
    assert got["p_met"] == pytest.approx(0.35)
    assert got["ci_low"] == pytest.approx(centre - half, abs=1e-9)
    assert got["ci_high"] == pytest.approx(centre + half, abs=1e-9)


def test_wilson_stays_inside_zero_one_at_the_edges():
    assert p_met(0, 10)["ci_low"] == 0.0 and p_met(0, 10)["ci_high"] > 0
    assert p_met(10, 10)["ci_high"] == pytest.approx(1.0) and p_met(10, 10)["ci_low"] < 1
    with pytest.raises(ValueError):
        p_met(3, 2)


def test_distribution_leaves_out_unreached_runs():
    d = achieved_distribution([1.0, 2.0, None, 3.0])
    assert d["n"] == 4 and d["unreached"] == 1
    assert d["mean"] == pytest.approx(2.0) and d["median"] == pytest.approx(2.0)
    assert achieved_distribution([None])["mean"] is None


def test_aggregate_objectives_over_summaries():
    def summary(h, rating):
        return {
            "objectives": [
                {
                    "id": "o",
                    "subject": "reporting",
                    "standard_h": 2,
                    "achieved_h": h,
                    "rating": rating,
                    "title": {"zh": "目标", "en": "goal"},
                }
            ]
        }

    rows = aggregate_objectives([summary(1, "P"), summary(3, "U"), summary(None, "U")])
    o = rows["o"]
    assert o["ratings"] == {"P": 1, "S": 0, "M": 0, "U": 2}
    assert o["p_met"] == pytest.approx(1 / 3)
    assert o["achieved_h"] == [1, 3, None]
    assert o["distribution"]["unreached"] == 1
