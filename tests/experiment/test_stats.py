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
    # a bootstrap interval of the mean: inside the data's range, around the mean
    assert 1.0 <= d["ci_low"] < 6.2 < d["ci_high"] <= 16.0
    assert describe(x) == d  # seeded: the same interval every time
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


def test_intervals_stay_in_the_metrics_domain() -> None:
    """Hours and counts near zero never get a negative bound; 0/1 outcomes never leave [0, 1]."""
    from sim.experiment.stats import newcombe_paired

    hours = [0.0] * 8 + [30.0, 45.0]
    assert describe(hours)["ci_low"] >= 0.0
    met = [1.0] * 9 + [0.0]
    d = describe(met)
    assert d["ci_low"] >= 0.0 and d["ci_high"] <= 1.0
    assert d["ci_low"] == pytest.approx(wilson(9, 10)["ci_low"])
    diff = paired_difference([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 1, 0, 1, 0, 1, 1, 0, 1, 1])
    assert -1.0 <= diff["ci_low"] <= diff["mean_diff"] <= diff["ci_high"] <= 1.0
    n = newcombe_paired([True] * 10, [True] * 10)
    assert n["diff"] == 0.0 and -1.0 <= n["ci_low"] <= 0.0 <= n["ci_high"] <= 1.0
    # 12 pairs both met, 2 plan only, 1 baseline only, 19 neither: swapping the plans
    # mirrors the interval around zero
    x = [True] * 12 + [True] * 2 + [False] * 1 + [False] * 19
    y = [True] * 12 + [False] * 2 + [True] * 1 + [False] * 19
    n, m = newcombe_paired(x, y), newcombe_paired(y, x)
    assert n["diff"] == pytest.approx(1 / 34)
    assert n["ci_low"] < 0 < n["ci_high"]
    assert (m["ci_low"], m["ci_high"]) == pytest.approx((-n["ci_high"], -n["ci_low"]))


def test_counts_that_happen_to_be_zero_or_one_are_not_proportions() -> None:
    """All-zero counts have no spread: a point, not Newcombe's ±0.49 around 0."""
    zeros = [0.0, 0.0, 0.0, 0.0]
    d = paired_difference(zeros, zeros, proportion=False)
    assert (d["ci_low"], d["ci_high"]) == (0.0, 0.0)
    guessed = paired_difference(zeros, zeros)  # 0/1 values and no word: a proportion
    assert guessed["ci_low"] < 0 < guessed["ci_high"]
    assert describe([0, 1, 0, 1], proportion=False)["ci_high"] <= 1.0
