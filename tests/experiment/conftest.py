"""Shared helpers for the experiment tests: paths and small comparisons."""

from __future__ import annotations

import pytest

from .common import PLANS, SCENARIO


@pytest.fixture(scope="session")
def investigators_comparison(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Baseline vs more-investigators, 30 paired replications, serial."""
    from sim.experiment import compare

    out = tmp_path_factory.mktemp("crn")
    doc, _ = compare(
        SCENARIO, [PLANS / "more-investigators.yaml"], runs=30, workers=1, out=out, quiet=True
    )
    return doc
