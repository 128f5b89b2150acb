"""Paths shared by the experiment tests, and the small scenarios they compare plans on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

from sim.scenario.source import load_yaml, overlay

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "jiangxian-returnee.yaml"
PLANS = ROOT / "scenarios" / "plans"
HERE = Path(__file__).resolve().parent


def scenario_with(directory: Path, plan: Path) -> Path:
    """Write the flagship with ``plan`` applied as a scenario file of its own.

    ``drill compare`` compares each plan with the scenario it is given; tests that
    need a smaller *baseline* write the overlaid flagship out as that scenario
    (the plans of ``scenarios/plans`` still apply to it).
    """
    merged = overlay(load_yaml(SCENARIO), load_yaml(plan))
    path = Path(directory) / f"jiangxian-{plan.stem}.yaml"
    text = yaml.safe_dump(merged.data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def stored(path: Path) -> int:
    """Replications in the results store at ``path`` so far (0 while it cannot be read)."""
    try:
        db = sqlite3.connect(path, timeout=1)
        try:
            return db.execute("SELECT COUNT(*) FROM replications").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0
