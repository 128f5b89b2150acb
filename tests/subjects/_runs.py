"""Cached flagship runs shared by the subject tests (each run is ~0.5 s)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sim import Scenario, load_scenario
from sim.api import FLAGSHIP, RunResult, run_drill

PLANS = Path(__file__).resolve().parents[2] / "scenarios" / "plans"


@cache
def scenario(*plans: str) -> Scenario:
    return load_scenario(FLAGSHIP, [PLANS / f"{p}.yaml" for p in plans])


@cache
def run(seed: int, *plans: str) -> RunResult:
    return run_drill(scenario(*plans), seed)


def plan_file(tmp: Path, name: str, body: str) -> Path:
    """A plan overlay written to ``tmp`` (``body`` is the YAML after the plan header)."""
    path = tmp / f"{name}.yaml"
    path.write_text(f"plan: {{id: {name}, title: {name}}}\n{body}", encoding="utf-8")
    return path
