"""A run that would not fit in memory is refused before it starts."""

from __future__ import annotations

import pytest

from sim import budget, load_scenario, run_drill
from sim.api import FLAGSHIP
from sim.budget import BudgetError, check_memory, estimate_bytes
from sim.experiment import compare


@pytest.fixture(scope="module")
def flagship():
    return load_scenario(FLAGSHIP)


def test_estimate_grows_with_residents_and_staff(flagship):
    base = estimate_bytes(flagship)
    bigger = flagship.model_copy(
        update={"region": flagship.region.model_copy(update={"population": 10_000_000})}
    )
    assert estimate_bytes(bigger) - base == budget.BYTES_PER_RESIDENT * (10_000_000 - 240_000)
    assert 100 * 2**20 < base < 1 * 2**30  # the flagship peaks at about 140 MB


def test_flagship_fits_this_machine(flagship):
    check_memory(flagship)


def test_a_run_too_big_for_the_machine_is_refused_first(flagship, monkeypatch):
    monkeypatch.setattr(budget, "available_bytes", lambda: 50 * 2**20)
    with pytest.raises(BudgetError, match=r"needs about 0\.\d GB .* 240,000 residents"):
        run_drill(flagship, seed=1)


def test_parallel_replications_multiply_the_need(flagship, monkeypatch, tmp_path):
    one = estimate_bytes(flagship)
    monkeypatch.setattr(budget, "available_bytes", lambda: int(one * 2.5))
    check_memory(flagship, copies=2)
    with pytest.raises(BudgetError, match="3 replications at once"):
        check_memory(flagship, copies=3)
    with pytest.raises(BudgetError, match="fewer parallel workers"):
        compare(FLAGSHIP, [], runs=4, workers=4, out=tmp_path / "c", quiet=True)
    assert not (tmp_path / "c").exists()  # refused before anything was written
