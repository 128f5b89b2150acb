"""Cached runs shared by the subject tests: full flagship runs (~0.5 s each, slow tier)
and the flagship's first three days (the golden run's plan, a few tenths of a second)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sim import Scenario, load_scenario
from sim.api import FLAGSHIP, RunResult, run_drill

TESTS = Path(__file__).resolve().parents[1]
PLANS = TESTS.parent / "scenarios" / "plans"
THREE_DAYS = TESTS / "golden" / "three_days.yaml"
"""The flagship cut to its first three days: every subject acts in them."""


@cache
def scenario(*plans: str) -> Scenario:
    return load_scenario(FLAGSHIP, [PLANS / f"{p}.yaml" for p in plans])


@cache
def run(seed: int, *plans: str) -> RunResult:
    return run_drill(scenario(*plans), seed)


@cache
def short_scenario(*plans: str) -> Scenario:
    return load_scenario(FLAGSHIP, [THREE_DAYS, *(PLANS / f"{p}.yaml" for p in plans)])


@cache
def short_run(seed: int, *plans: str) -> RunResult:
    return run_drill(short_scenario(*plans), seed)


def runs(length: str, seeds: tuple[int, ...], *plans: str) -> list[RunResult]:
    """The cached runs of ``seeds``: ``length`` is "three-days" or "flagship"."""
    get = short_run if length == "three-days" else run
    return [get(seed, *plans) for seed in seeds]


def short_and_full(short: tuple[int, ...], full: tuple[int, ...]) -> list[Any]:
    """Parameters ``(length, seeds)`` for :func:`runs`: the three-day runs of ``short``
    in the fast tier, the full flagship runs of ``full`` in the slow one."""
    return [
        pytest.param("three-days", short, id="three-days"),
        pytest.param("flagship", full, id="flagship", marks=pytest.mark.slow),
    ]


def plan_file(tmp: Path, name: str, body: str) -> Path:
    """A plan overlay written to ``tmp`` (``body`` is the YAML after the plan header)."""
    path = tmp / f"{name}.yaml"
    path.write_text(f"plan: {{id: {name}, title: {name}}}\n{body}", encoding="utf-8")
    return path
