"""The committed field reference matches the validator's models."""

from __future__ import annotations

from pathlib import Path

from sim.scenario.reference import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario-reference.md"


def test_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/scenario-reference.md is stale: run "
        "`python -m sim.scenario.reference > docs/scenario-reference.md`"
    )


def test_reference_lists_every_agent_field() -> None:
    text = render()
    for key in ("`staff`", "`duty`", "`layer`", "`responsible`", "`accountable`", "`standard_h`"):
        assert key in text
