"""The statistics of a plan comparison, from scipy.stats.

* :func:`describe` — mean, median, 5th/95th percentiles and the Student-t
  confidence interval of the mean of one metric over replications.
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

CONFIDENCE = 0.95


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def t_interval(values: Sequence[float], confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Student-t interval of the mean; a point when all values are equal; NaN for n < 2."""
    x = np.asarray(values, dtype=float)
    if x.size < 2:
        return (math.nan, math.nan)
    mean, sem = float(x.mean()), float(stats.sem(x))
    if sem == 0.0:
        return (mean, mean)
    low, high = stats.t.interval(confidence, x.size - 1, loc=mean, scale=sem)
    return (float(low), float(high))


def describe(values: Sequence[float], confidence: float = CONFIDENCE) -> dict:
    """``mean, median, p5, p95, ci_low, ci_high, n`` of ``values`` (None when empty)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        keys = ("mean", "median", "p5", "p95", "ci_low", "ci_high")
        return {**dict.fromkeys(keys), "n": 0}
    low, high = t_interval(x, confidence)
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
    plan: Sequence[float], baseline: Sequence[float], confidence: float = CONFIDENCE
) -> dict:
    """Mean of ``plan[i] - baseline[i]`` with its t interval and whether it excludes 0."""
    d = np.asarray(plan, dtype=float) - np.asarray(baseline, dtype=float)
    low, high = t_interval(d, confidence)
    return _difference(float(d.mean()) if d.size else math.nan, low, high, int(d.size))


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
    values: Sequence[float], half_width: float, confidence: float = CONFIDENCE
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
    values: Sequence[float], confidence: float = CONFIDENCE, seed: int = 0
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
