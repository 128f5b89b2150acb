"""The ``epidemic:`` section of a scenario: bad values are located problems (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import ScenarioError, load_scenario
from tests.conftest import line_of


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("  preset: omicron_ba2", "  preset: omicron_ba2\n  k: 0", "epidemic.k"),
        ("  preset: omicron_ba2", "  preset: omicron_ba2\n  asymptomatic: 1.2", "asymptomatic"),
        ("  preset: omicron_ba2", "  preset: alpha", "epidemic.preset"),
        ("    household: 0.35", "    household: 0.5", "sum to 1"),
        ("  max_cases: 300", "  max_cases: 0", "epidemic.max_cases"),
    ],
)
def test_bad_epidemic_values_are_located(tmp_path, flagship_text, old, new, needle) -> None:
    assert old in flagship_text
    problems = _problems(tmp_path, flagship_text.replace(old, new, 1))
    assert len(problems) == 1
    assert needle in problems[0]
    line = int(problems[0].split(":")[1])
    assert abs(line - line_of(flagship_text, old.strip())) <= 8
