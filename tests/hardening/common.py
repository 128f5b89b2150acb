"""Helpers for the hostile-input suite: run ``drill`` in-process, check the exit-2 promise."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sim.cli import main

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FLAGSHIP = ROOT / "scenarios" / "jiangxian-returnee.yaml"
TWO_DAYS = ROOT / "tests" / "report" / "two_days.yaml"
LOCATED = re.compile(r"^[^\n]+:\d+: [^\n]*: [^\n]+$")
"""``FILE:LINE: path: message`` (the line of a located scenario problem)."""


def drill(monkeypatch, capsys, *args: object) -> tuple[int, str, str]:
    """Run ``drill ARGS`` through the console entry point; (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["drill", *map(str, args)])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line(err: str) -> str:
    """The single line on stderr (fails on a traceback or several lines)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]
