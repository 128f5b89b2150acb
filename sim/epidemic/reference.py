"""The reference model alone: many branching-process outbreaks at once (``drill epi``).

Reproduces ringbp 1.0 (Hellewell et al. 2020, corrected).  All simulations
advance together generation by generation: the cases of the current generation
of every still-running simulation sit in flat numpy arrays, so one generation
of 1,000 outbreaks is a handful of array operations, never a loop per case.

One generation step, for every case of every running simulation:

1. offspring counts, drawn once per case: NegBin(mean R0, k) community and
   NegBin(mean r0_isolated, k) isolated;
2. each offspring's exposure time: a skew normal located at the infector's
   onset (scale ω, shape α from the presymptomatic share), redrawn while it
   falls before the infector's own exposure;
3. community offspring exposed before the infector's isolation happen, isolated
   offspring only after it;
4. each new case: asymptomatic flag, onset = exposure + Weibull incubation,
   traced with probability ``traced`` when its infector is symptomatic, and
   isolated by the earliest pathway (symptoms: onset + delay; tracing: at
   max(onset, infector's isolation) for symptomatic cases, or — with
   quarantine — at the infector's isolation for every traced case).

With ``shared_delay`` and ``floor_day1`` (``drill epi --model hellewell-2020``) it
is instead the code of the 2020 paper: every generation of a simulation,
including the initial cluster, shares one onset-to-isolation delay draw, and an
offspring's exposure time (located at the infector's absolute onset) is floored
at day 1 rather than redrawn when it falls before the infector's exposure.

A simulation stops when it has ≥ ``cap_cases`` cases, when the earliest
exposure of its unprocessed cases is past ``cap_max_days``, or when a
generation has no offspring.  Cases are counted by week of onset; an outbreak
is controlled when weeks 12–16 have no new cases and fewer than ``cap_cases``
cases accumulated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from sim.epidemic.params import ModelParams

CONTROL_WEEKS = (12, 16)
"""Weeks (by onset, inclusive) that must have no new cases for an outbreak to be controlled."""


def skewnormal(gen: np.random.Generator, loc: np.ndarray, omega: float, alpha: float) -> np.ndarray:
    """Skew-normal draws located at ``loc`` (Azzalini's two-normal representation)."""
    delta = alpha / math.sqrt(1 + alpha * alpha)
    z0 = np.abs(gen.standard_normal(loc.size))
    z1 = gen.standard_normal(loc.size)
    return loc + omega * (delta * z0 + math.sqrt(1 - delta * delta) * z1)


def generation_times(
    gen: np.random.Generator,
    rel_onset: np.ndarray,
    omega: float,
    alpha: float,
    latent: float = 0.0,
) -> np.ndarray:
    """Exposure times of offspring relative to the infector's exposure (≥ ``latent``, redrawn)."""
    out = skewnormal(gen, rel_onset, omega, alpha)
    bad = np.flatnonzero(out < latent)
    for _ in range(1000):
        if bad.size == 0:
            break
        out[bad] = skewnormal(gen, rel_onset[bad], omega, alpha)
        bad = bad[out[bad] < latent]
    return out


def _negbin(gen: np.random.Generator, mean: float, k: float, size: int) -> np.ndarray:
    if mean <= 0 or size == 0:
        return np.zeros(size, dtype=np.int64)
    return gen.negative_binomial(k, k / (k + mean), size)


def _weibull(gen: np.random.Generator, shape: float, scale: float, size: int) -> np.ndarray:
    return scale * gen.weibull(shape, size)


@dataclass
class Outcome:
    """The result of ``runs`` simulations of one setting."""

    params: ModelParams
    runs: int
    seed: int
    controlled: np.ndarray  # bool per simulation
    cases: np.ndarray  # cumulative cases per simulation
    weekly: np.ndarray  # (runs, weeks) cases by week of onset, weeks 0..cap_max_days/7
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def p_control(self) -> float:
        return float(self.controlled.mean())

    def wilson(self) -> tuple[float, float]:
        """95% Wilson score interval of p(control)."""
        ci = stats.binomtest(int(self.controlled.sum()), self.runs).proportion_ci(
            confidence_level=0.95, method="wilson"
        )
        return float(ci.low), float(ci.high)

    def summary(self) -> dict[str, Any]:
        """The JSON of ``drill epi``."""
        low, high = self.wilson()
        w = self.weekly
        return {
            "params": self.params.model_dump(),
            "runs": self.runs,
            "seed": self.seed,
            "p_control": round(self.p_control, 6),
            "ci95": [round(low, 6), round(high, 6)],
            "controlled": int(self.controlled.sum()),
            "mean_cumulative_cases": round(float(self.cases.mean()), 3),
            "weekly_cases": {
                "week": list(range(w.shape[1])),
                "mean": [round(float(x), 4) for x in w.mean(axis=0)],
                "median": [float(x) for x in np.median(w, axis=0)],
                "p95": [float(x) for x in np.quantile(w, 0.95, axis=0)],
            },
        }


def simulate(params: ModelParams, runs: int, seed: int) -> Outcome:
    """Run ``runs`` independent outbreaks of ``params`` with ``seed``; vectorised across all."""
    if runs < 1:
        raise ValueError("runs must be >= 1")
    p = params
    gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed))))
    alpha = p.alpha
    ishape, iscale = p.isolation_delay
    n_weeks = math.floor(p.cap_max_days / 7) + 1
    weekly = np.zeros(runs * n_weeks, dtype=np.int64)
    total = np.zeros(runs, dtype=np.int64)

    def count(sim: np.ndarray, onset: np.ndarray) -> None:
        week = np.floor(onset / 7).astype(np.int64)
        keep = week < n_weeks
        weekly[:] += np.bincount(sim[keep] * n_weeks + week[keep], minlength=weekly.size)
        total[:] += np.bincount(sim, minlength=runs)

    def delays(sim: np.ndarray) -> np.ndarray:
        """Onset-to-isolation delays: one per case, or one per simulation (the 2020 code)."""
        if p.shared_delay:
            return _weibull(gen, ishape, iscale, runs)[sim]
        return _weibull(gen, ishape, iscale, sim.size)

    # initial cases: exposed at 0, isolated by symptoms only
    n0 = p.initial_cases
    sim = np.repeat(np.arange(runs, dtype=np.int64), n0)
    exposure = np.zeros(sim.size)
    asym = gen.random(sim.size) < p.asymptomatic
    onset = exposure + _weibull(gen, p.incubation_shape, p.incubation_scale, sim.size)
    iso = np.where(asym, np.inf, onset + delays(sim))
    count(sim, onset)
    generations = 0
    while sim.size:
        # which simulations still run (ringbp's outbreak_continue, checked per simulation)
        earliest = np.full(runs, np.inf)
        np.minimum.at(earliest, sim, exposure)
        running = (earliest < p.cap_max_days) & (total < p.cap_cases)
        keep = running[sim]
        sim, exposure, asym, onset, iso = (
            sim[keep],
            exposure[keep],
            asym[keep],
            onset[keep],
            iso[keep],
        )
        if sim.size == 0:
            break
        generations += 1
        n_comm = _negbin(gen, p.r0, p.k, sim.size)
        n_iso = _negbin(gen, p.r0_isolated, p.k, sim.size)
        parent = np.concatenate([np.repeat(np.arange(sim.size), n_comm),
                                 np.repeat(np.arange(sim.size), n_iso)])  # fmt: skip
        is_comm = np.zeros(parent.size, dtype=bool)
        is_comm[: int(n_comm.sum())] = True
        if p.floor_day1:
            t = np.maximum(skewnormal(gen, onset[parent], p.omega, alpha), 1.0)
        else:
            t = exposure[parent] + generation_times(
                gen, onset[parent] - exposure[parent], p.omega, alpha, p.latent_period
            )
        happens = np.where(is_comm, t < iso[parent], t > iso[parent])
        parent, t = parent[happens], t[happens]
        # new cases: every one is counted by its onset week ...
        new_sim = sim[parent]
        new_onset = t + _weibull(gen, p.incubation_shape, p.incubation_scale, parent.size)
        count(new_sim, new_onset)
        # ... but only those of simulations still under the cap go on to the next generation
        go = total[new_sim] < p.cap_cases
        parent, new_sim, new_onset, t = parent[go], new_sim[go], new_onset[go], t[go]
        n = parent.size
        new_asym = gen.random(n) < p.asymptomatic
        traced = ~asym[parent] & (gen.random(n) < p.traced)
        inf_iso = iso[parent]
        new_iso = np.where(new_asym, np.inf, new_onset + delays(new_sim))
        if p.quarantine:
            trace_iso = np.where(traced, inf_iso, np.inf)
        else:
            trace_iso = np.where(traced & ~new_asym, np.maximum(new_onset, inf_iso), np.inf)
        new_iso = np.minimum(new_iso, trace_iso)
        sim, exposure, asym, onset, iso = new_sim, t, new_asym, new_onset, new_iso

    weekly2 = weekly.reshape(runs, n_weeks)
    lo, hi = CONTROL_WEEKS
    cumulative = np.cumsum(weekly2, axis=1)
    quiet = (weekly2[:, lo : hi + 1] == 0).all(axis=1)
    under_cap = (cumulative[:, lo : hi + 1] < p.cap_cases).all(axis=1)
    return Outcome(
        params=p,
        runs=runs,
        seed=int(seed),
        controlled=quiet & under_cap,
        cases=total,
        weekly=weekly2,
        extra={"generations": generations},
    )


def sweep(
    params: ModelParams, traced: list[float], runs: int, seed: int, r0s: list[float] | None = None
) -> list[Outcome]:
    """Outcomes of ``params`` for every share traced (and every R0 of ``r0s``), same seed each."""
    out = []
    for r0 in r0s or [params.r0]:
        for share in traced:
            setting = params.model_copy(update={"traced": share, "r0": r0})
            out.append(simulate(setting, runs, seed))
    return out
