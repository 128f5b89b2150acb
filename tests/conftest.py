"""Shared fixtures: the flagship scenario, and a helper to write broken variants."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sim import Scenario, load_scenario
from sim.api import FLAGSHIP

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def flagship() -> Scenario:
    return load_scenario(FLAGSHIP)


@pytest.fixture
def flagship_text() -> str:
    return FLAGSHIP.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based line number of the first line containing ``needle``."""
    for i, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in text")


@pytest.fixture(scope="session")
def three_plans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three sample plans against the flagship's first three days, 4 paired
    replications each, serial, with its zh report: a real three-plan comparison
    with every key outcome in it (the domain and print tests read it)."""
    from sim.experiment import compare
    from sim.report import write_report
    from tests.experiment.common import HERE, PLANS, scenario_with

    short = scenario_with(tmp_path_factory.mktemp("short"), HERE / "short.yaml")
    out = tmp_path_factory.mktemp("three-plans")
    plans = ("half-vehicles", "pool-20-mobile-lab", "double-fleet")
    compare(short, [PLANS / f"{p}.yaml" for p in plans], runs=4, workers=1, out=out, quiet=True)
    write_report(out, "zh")
    return out


def drill(monkeypatch, capsys, *args: object) -> tuple[int, str, str]:
    """Run ``drill ARGS`` through the console entry point; (exit code, stdout, stderr)."""
    from sim.cli import main

    monkeypatch.setattr(sys, "argv", ["drill", *map(str, args)])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err
