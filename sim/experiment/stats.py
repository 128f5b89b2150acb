"""The statistics of a plan comparison, from scipy.stats.

* :func:`describe` — mean, median, 5th/95th percentiles and the confidence
  interval of the mean of one metric over replications, in the metric's domain
  (Wilson for 0/1 outcomes, a seeded bootstrap otherwise).
* :func:`newcombe_paired` — the change in the probability of meeting an
  objective, plan minus baseline on the same seeds, with Newcombe's interval.
* :func:`wilson` — the probability of meeting an objective with its Wilson
  score interval (good coverage near 0 and 1, where the normal interval fails).
* :func:`paired_difference` — plan minus baseline, replication by replication
  (common random numbers make the pairs positively correlated, so this
  interval is much narrower than :func:`unpaired_difference`, Welch's).
* :func:`replications_needed` — how many replications give a requested
  half-width of the confidence interval of the mean.
* :func:`bootstrap_median_ci` — a percentile bootstrap interval of the median
  (skewed delays), deterministic.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

Values = Sequence[float] | np.ndarray
"""Numbers of one metric, one per replication."""
Flags = Sequence[bool] | np.ndarray
"""Whether an objective was met, one per replication."""
CONFIDENCE = 0.95


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def t_interval(values: Values, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Student-t interval of the mean; a point when all values are equal; NaN for n < 2."""
    x = np.asarray(values, dtype=float)
    if x.size < 2:
        return (math.nan, math.nan)
    mean, sem = float(x.mean()), float(stats.sem(x))
    if sem == 0.0:
        return (mean, mean)
    low, high = stats.t.interval(confidence, x.size - 1, loc=mean, scale=sem)
    return (float(low), float(high))


def _binary(x: np.ndarray) -> bool:
    return bool(x.size) and bool(np.all((x == 0) | (x == 1)))


def bootstrap_mean_ci(
    values: Values, confidence: float = CONFIDENCE, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean (1999 resamples, fixed seed).

    Every resampled mean lies between the smallest and the largest value, so the
    interval stays in the metric's domain (no negative hours or counts), which the
    t interval does not on skewed, bounded data.  A point when all values are
    equal; NaN for fewer than two values.
    """
    x = np.asarray(values, dtype=float)
    if x.size < 2:
        return (math.nan, math.nan)
    if np.all(x == x[0]):
        return (float(x[0]), float(x[0]))
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(1999, x.size))].mean(axis=1)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return (float(low), float(high))


def _proportion(proportion: bool | None, *xs: np.ndarray) -> bool:
    """Whether values are 0/1 outcomes: as told, else guessed from the values (a count
    that happens to be 0 or 1 in every replication is better told than guessed)."""
    if proportion is not None:
        return proportion
    return all(_binary(x) for x in xs)


def mean_interval(
    values: Values, confidence: float = CONFIDENCE, proportion: bool | None = None
) -> tuple[float, float]:
    """The interval of a mean in its domain: Wilson for 0/1 outcomes, else the bootstrap."""
    x = np.asarray(values, dtype=float)
    if x.size >= 2 and _proportion(proportion, x):
        w = wilson(int(x.sum()), int(x.size), confidence)
        return (w["ci_low"], w["ci_high"])
    return bootstrap_mean_ci(x, confidence)


def describe(
    values: Values, confidence: float = CONFIDENCE, proportion: bool | None = None
) -> dict:
    """``mean, median, p5, p95, ci_low, ci_high, n`` of ``values`` (None when empty);
    the interval is :func:`mean_interval`'s, inside the metric's domain."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        keys = ("mean", "median", "p5", "p95", "ci_low", "ci_high")
        return {**dict.fromkeys(keys), "n": 0}
    low, high = mean_interval(x, confidence, proportion)
    p5, median, p95 = np.percentile(x, [5, 50, 95])
    return {
        "mean": float(x.mean()),
        "median": float(median),
        "p5": float(p5),
        "p95": float(p95),
        "ci_low": _num(low),
        "ci_high": _num(high),
        "n": int(x.size),
    }


def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> dict:
    """``p, ci_low, ci_high`` of ``k`` successes in ``n`` trials (Wilson score interval)."""
    if n == 0:
        return {"p": None, "ci_low": None, "ci_high": None, "n": 0}
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return {"p": k / n, "ci_low": float(ci.low), "ci_high": float(ci.high), "n": int(n)}


def paired_difference(
    plan: Sequence[float],
    baseline: Sequence[float],
    confidence: float = CONFIDENCE,
    proportion: bool | None = None,
) -> dict:
    """Mean of ``plan[i] - baseline[i]`` with its interval and whether it excludes 0.

    0/1 outcomes (an objective met or not) get Newcombe's paired interval; other
    metrics a bootstrap of the paired differences, which stays between the
    smallest and largest difference, so within the difference of the domains.
    """
    a, b = np.asarray(plan, dtype=float), np.asarray(baseline, dtype=float)
    d = a - b
    if d.size >= 2 and _proportion(proportion, a, b):
        n = newcombe_paired(a.astype(bool), b.astype(bool), confidence)
        return _difference(n["diff"], n["ci_low"], n["ci_high"], int(d.size))
    low, high = bootstrap_mean_ci(d, confidence)
    return _difference(float(d.mean()) if d.size else math.nan, low, high, int(d.size))


def newcombe_paired(
    plan: Flags,
    baseline: Flags,
    confidence: float = CONFIDENCE,
) -> dict:
    """Difference of two paired proportions (plan − baseline) with Newcombe's (1998)
    method 10 interval: Wilson intervals of each proportion combined with the
    correlation of the pairs.  Always within [−1, 1]."""
    x, y = np.asarray(plan, dtype=bool), np.asarray(baseline, dtype=bool)
    n = int(x.size)
    if n == 0:
        return {"diff": None, "ci_low": None, "ci_high": None, "n": 0}
    both, only_x = int(np.sum(x & y)), int(np.sum(x & ~y))
    only_y, neither = int(np.sum(~x & y)), int(np.sum(~x & ~y))
    p1, p2 = (both + only_x) / n, (both + only_y) / n
    w1, w2 = wilson(both + only_x, n, confidence), wilson(both + only_y, n, confidence)
    l1, u1, l2, u2 = w1["ci_low"], w1["ci_high"], w2["ci_low"], w2["ci_high"]
    denom = (both + only_x) * (only_y + neither) * (both + only_y) * (only_x + neither)
    phi = (both * neither - only_x * only_y) / math.sqrt(denom) if denom else 0.0
    theta = p1 - p2
    dl = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    du = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return {
        "diff": theta,
        "ci_low": max(-1.0, theta - dl),
        "ci_high": min(1.0, theta + du),
        "n": n,
    }


def unpaired_difference(
    plan: Sequence[float], baseline: Sequence[float], confidence: float = CONFIDENCE
) -> dict:
    """Welch interval of the difference of means, ignoring the pairing."""
    a, b = np.asarray(plan, dtype=float), np.asarray(baseline, dtype=float)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    diff = float(a.mean() - b.mean())
    se = math.sqrt(va + vb)
    if se == 0.0:
        return _difference(diff, diff, diff, int(a.size))
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    low, high = stats.t.interval(confidence, df, loc=diff, scale=se)
    return _difference(diff, float(low), float(high), int(a.size))


def _difference(mean: float, low: float, high: float, n: int) -> dict:
    low_, high_ = _num(low), _num(high)
    significant = low_ is not None and high_ is not None and (low_ > 0 or high_ < 0)
    return {
        "mean_diff": _num(mean),
        "ci_low": low_,
        "ci_high": high_,
        "significant": bool(significant),
        "n": n,
    }


def replications_needed(
    values: Values, half_width: float, confidence: float = CONFIDENCE
) -> int | None:
    """Smallest n whose t interval of the mean has half-width ≤ ``half_width``.

    Uses the sample standard deviation of ``values`` as the estimate of the
    spread (a pilot-run estimate); None when fewer than two values.
    """
    x = np.asarray(values, dtype=float)
    if x.size < 2 or half_width <= 0:
        return None
    sd = float(x.std(ddof=1))
    if sd == 0.0:
        return 2
    z = stats.norm.ppf(0.5 + confidence / 2)
    n = max(2, math.ceil((z * sd / half_width) ** 2))
    while stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n) > half_width:
        n += 1
    return n


def bootstrap_median_ci(
    values: Values, confidence: float = CONFIDENCE, seed: int = 0
) -> tuple[float | None, float | None]:
    """Percentile bootstrap interval of the median (999 resamples, fixed seed)."""
    x = np.asarray(values, dtype=float)
    if x.size < 2 or np.all(x == x[0]):
        v = _num(float(x[0])) if x.size else None
        return (v, v)
    # scipy >= 1.15 names the generator ``rng``; older releases ``random_state``
    key = "rng" if "rng" in inspect.signature(stats.bootstrap).parameters else "random_state"
    res = stats.bootstrap(
        (x,),
        np.median,
        n_resamples=999,
        confidence_level=confidence,
        method="percentile",
        **{key: np.random.default_rng(seed)},
    )
    return (_num(res.confidence_interval.low), _num(res.confidence_interval.high))
