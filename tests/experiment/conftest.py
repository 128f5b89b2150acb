"""Shared fixtures for the experiment tests: small scenarios and one comparison."""

from __future__ import annotations

from pathlib import Path

import pytest

from .common import HERE, PLANS, scenario_with


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagship limited to the index case's contacts over two days (~0.05 s a run)."""
    return scenario_with(tmp_path_factory.mktemp("small"), HERE / "few_contacts.yaml")


@pytest.fixture(scope="session")
def short(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagship's first three days, every subject on (a few tenths of a second a run)."""
    return scenario_with(tmp_path_factory.mktemp("short"), HERE / "short.yaml")


@pytest.fixture(scope="session")
def investigators_comparison(tmp_path_factory: pytest.TempPathFactory, small: Path) -> dict:
    """Baseline vs more-investigators, 30 paired replications, serial."""
    from sim.experiment import compare

    out = tmp_path_factory.mktemp("crn")
    doc, _ = compare(
        small, [PLANS / "more-investigators.yaml"], runs=30, workers=1, out=out, quiet=True
    )
    return doc
