"""Shared fixtures: the flagship scenario, and a helper to write broken variants."""

from __future__ import annotations

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
