"""The reference model (Hellewell et al. 2020 / ringbp 1.0) against its published values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.epidemic.params import ModelParams
from sim.epidemic.reference import generation_times, simulate
from sim.epidemic.validation import (
    ABLATION,
    FIGURE_3A,
    FIGURE_3A_TRACED,
    REFERENCE,
    SETTINGS,
    tolerance,
    within_3se,
)


@pytest.mark.parametrize("share", [0.05, 0.15, 0.3, 0.5, 0.7])
def test_alpha_gives_the_presymptomatic_share(share: float) -> None:
    alpha = ModelParams(presymptomatic=share).alpha
    assert stats.skewnorm.cdf(0.0, alpha, loc=0.0, scale=2.0) == pytest.approx(share, abs=1e-9)


def test_generation_times_are_redrawn_to_be_non_negative() -> None:
    gen = np.random.default_rng(3)
    rel_onset = np.full(20_000, 1.0)
    t = generation_times(gen, rel_onset, 2.0, ModelParams(presymptomatic=0.3).alpha)
    assert (t >= 0).all()
    # truncation at 0 only removes mass below the onset: the share before onset shrinks
    assert 0.05 < (t < 1.0).mean() < 0.3


def test_generation_times_respect_the_latent_period() -> None:
    gen = np.random.default_rng(4)
    rel_onset = np.full(20_000, 4.0)
    t = generation_times(gen, rel_onset, 2.0, ModelParams(presymptomatic=0.3).alpha, latent=2.0)
    assert t.min() >= 2.0
    assert (t < 2.5).mean() > 0.01  # truncated, not shifted: mass piles up just after 2 d


@pytest.mark.parametrize(
    ("r0", "i"),
    [
        (2.5, 3),
        (1.5, 1),
        pytest.param(2.5, 2, marks=pytest.mark.slow),  # outbreaks that mostly reach the cap
        pytest.param(3.5, 4, marks=pytest.mark.slow),
    ],
)
def test_hellewell_2020_reproduces_figure_3a(r0: float, i: int) -> None:
    """``--model hellewell-2020`` at points of Figure 3A, within 3 combined binomial SEs."""
    params = ModelParams(r0=r0, traced=FIGURE_3A_TRACED[i], **ABLATION["hellewell-2020"])
    o = simulate(params, 1000, seed=7)
    assert within_3se(o.p_control, FIGURE_3A[r0][i] / 100, 1000)


@pytest.mark.slow  # 6,000 outbreaks, most growing to the 5,000-case cap (~30 s)
def test_shared_delay_is_what_lifts_p_control() -> None:
    """The 2020 code's shared delay raises p(control) over ringbp 1.0; the floor does not."""
    runs = 2000

    def p(**switches: bool | float) -> float:
        return simulate(ModelParams(r0=2.5, traced=0.4, **switches), runs, seed=11).p_control

    base = p(**ABLATION["ringbp-1.0"])
    assert p(**ABLATION["shared delay only"]) - base > 0.015
    assert abs(p(**ABLATION["day-1 floor only"]) - base) < 0.03


# Settings cheap enough for the test suite; the tolerance follows from the run counts.
@pytest.mark.parametrize(("name", "runs"), [("P4", 1000), ("P6", 1000), ("P8", 1000), ("P2", 400)])
def test_p_control_matches_ringbp(name: str, runs: int) -> None:
    o = simulate(SETTINGS[name], runs, seed=20240)
    ref = REFERENCE[name][0]
    assert abs(o.p_control - ref) <= tolerance(o.p_control, runs, ref)
    low, high = o.wilson()
    assert low <= o.p_control <= high


def test_same_seed_same_outcome_and_counts_are_consistent() -> None:
    p = ModelParams(r0=2.0, traced=0.5, initial_cases=5)
    a, b = simulate(p, 200, 7), simulate(p, 200, 7)
    assert (a.controlled == b.controlled).all() and (a.cases == b.cases).all()
    assert (a.cases >= 5).all()
    assert (a.weekly.sum(axis=1) <= a.cases).all()
    assert a.weekly.shape == (200, 51)
    assert simulate(p, 200, 8).cases.tolist() != a.cases.tolist()


def test_no_transmission_is_always_controlled_and_no_control_rarely() -> None:
    assert simulate(ModelParams(r0=0.0), 50, 1).p_control == 1.0
    hot = simulate(ModelParams(r0=3.5, k=10.0, traced=0.0, delay="long"), 50, 1)
    assert hot.p_control == 0.0
    assert (hot.cases >= 5000).all()


def test_tracing_helps_monotonically_in_expectation() -> None:
    ps = [simulate(ModelParams(r0=1.5, traced=t), 400, 2).p_control for t in (0.0, 0.5, 1.0)]
    assert ps[0] < ps[1] < ps[2]


def test_quarantine_isolates_asymptomatic_traced_cases() -> None:
    base = ModelParams(r0=2.5, traced=0.8, initial_cases=5, asymptomatic=0.3)
    without = simulate(base, 600, 4).p_control
    with_q = simulate(base.model_copy(update={"quarantine": True}), 600, 4).p_control
    assert with_q > without
