"""A flagship run with its report, made once for the report tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sim.api import run_drill, write_run
from sim.report import write_report

REPORT_DATE = date(2026, 12, 1)
"""Improvement-plan dates count from this fixed day, so that reports are reproducible."""


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory, flagship) -> Path:
    out = write_run(run_drill(flagship, seed=2), tmp_path_factory.mktemp("run") / "run")
    write_report(out, "zh", REPORT_DATE)
    return out
