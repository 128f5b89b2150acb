"""Helpers for the county-scale subject tests: plan overlays written on the fly."""

from __future__ import annotations

from pathlib import Path

from sim import Scenario, load_scenario
from sim.api import FLAGSHIP


def with_plan(tmp_path: Path, name: str, body: str) -> Scenario:
    """The flagship with a plan whose overlay is ``body`` (YAML, top-level keys)."""
    plan = tmp_path / f"{name}.yaml"
    plan.write_text(f"plan:\n  id: '{name}'\n  title: '{name}'\n{body}", encoding="utf-8")
    return load_scenario(FLAGSHIP, [plan])
