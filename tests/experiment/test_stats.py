"""Statistics and seeds: values checked against independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiment.seeds import replication_seed, replication_seeds
from sim.experiment.stats import (
    bootstrap_median_ci,
    describe,
    paired_difference,
    replications_needed,
    t_interval,
    unpaired_difference,
    wilson,
)


def test_seeds_are_spawned_children_independent_of_run_count() -> None:
    children = np.random.SeedSequence(7).spawn(5)
    expected = [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]
    assert replication_seeds(7, 5) == expected
    assert replication_seeds(7, 3) == expected[:3]  # more runs never change earlier seeds
    assert replication_seed(8, 0) != replication_seed(7, 0)
    assert len(set(replication_seeds(7, 2000))) == 2000
    assert all(0 <= s < 2**63 for s in expected)


def test_describe_matches_numpy_and_t_quantile() -> None:
    x = [1.0, 2.0, 4.0, 8.0, 16.0]
    d = describe(x)
    assert d["mean"] == pytest.approx(6.2)
    assert d["median"] == 4.0
    assert d["p5"] == pytest.approx(np.percentile(x, 5))
    half = 2.7764451051977987 * np.std(x, ddof=1) / math.sqrt(5)  # t(0.975, 4)
    assert d["ci_low"] == pytest.approx(6.2 - half)
    assert d["ci_high"] == pytest.approx(6.2 + half)
    assert describe([])["mean"] is None
    assert describe([3.0])["ci_low"] is None  # no interval from one value
    assert t_interval([2.0, 2.0, 2.0]) == (2.0, 2.0)


def test_wilson_interval_known_values() -> None:
    w = wilson(8, 10)
    # Wilson score interval for 8/10 at 95%: (0.4902, 0.9433)
    assert w["p"] == 0.8
    assert w["ci_low"] == pytest.approx(0.4902, abs=1e-4)
    assert w["ci_high"] == pytest.approx(0.9433, abs=1e-4)
    assert wilson(10, 10)["ci_high"] == pytest.approx(1.0)
    assert wilson(0, 0)["p"] is None


def test_paired_difference_uses_pairs_and_flags_significance() -> None:
    rng = np.random.default_rng(1)
    base = rng.normal(10, 3, 50)
    plan = base - 0.5 + rng.normal(0, 0.1, 50)  # a small effect under large common noise
    paired = paired_difference(plan, base)
    unpaired = unpaired_difference(plan, base)
    assert paired["mean_diff"] == pytest.approx(-0.5, abs=0.05)
    assert paired["significant"] and paired["ci_high"] < 0
    assert not unpaired["significant"]  # the same effect is lost without pairing
    assert paired["ci_high"] - paired["ci_low"] < (unpaired["ci_high"] - unpaired["ci_low"]) / 10
    same = paired_difference([1.0, 2.0], [1.0, 2.0])
    assert same["mean_diff"] == 0 and not same["significant"]


def test_replications_needed_gives_the_requested_half_width() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(0, 2.0, 40)
    n = replications_needed(x, 0.5)
    sd = np.std(x, ddof=1)
    from scipy import stats

    assert stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n) <= 0.5
    assert stats.t.ppf(0.975, n - 2) * sd / math.sqrt(n - 1) > 0.5  # and it is the smallest
    assert replications_needed([1.0], 0.5) is None


def test_bootstrap_median_ci_is_deterministic_and_brackets_the_median() -> None:
    x = np.random.default_rng(3).lognormal(1, 0.8, 200)
    low, high = bootstrap_median_ci(x)
    assert low < np.median(x) < high
    assert bootstrap_median_ci(x) == (low, high)
