"""Helpers for the hostile-input suite: run ``drill`` in-process, check the exit-2 promise."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import drill  # noqa: F401  (the hostile suite calls the CLI in-process)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FLAGSHIP = ROOT / "scenarios" / "jiangxian-returnee.yaml"
TWO_DAYS = ROOT / "tests" / "report" / "two_days.yaml"
LOCATED = re.compile(r"^[^\n]+:\d+: [^\n]*: [^\n]+$")
"""``FILE:LINE: path: message`` (the line of a located scenario problem)."""


def one_line(err: str) -> str:
    """The single line on stderr (fails on a traceback or several lines)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]
