"""Paths shared by the experiment tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "jiangxian-returnee.yaml"
PLANS = ROOT / "scenarios" / "plans"
HERE = Path(__file__).resolve().parent
