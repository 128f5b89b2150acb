"""The committed field reference matches the validator's models, every subject included."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from sim.language.model import ScenarioModel
from sim.language.reference import _models, render
from sim.subjects.registry import REGISTRY

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario-reference.md"


def test_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/scenario-reference.md is stale: run "
        "`python -m sim.language.reference > docs/scenario-reference.md`"
    )


def test_reference_lists_every_agent_field() -> None:
    text = render()
    for key in ("`staff`", "`duty`", "`layer`", "`responsible`", "`accountable`", "`standard_h`"):
        assert key in text


def _section(text: str, title: str) -> str:
    head = f"## {title}\n"
    assert head in text, f"no section for {title}"
    return text.split(head, 1)[1].split("\n## ", 1)[0]


def test_every_field_of_every_subject_is_documented() -> None:
    text = render()
    titles: dict[type[BaseModel], str] = {}
    _models(ScenarioModel, "Scenario", titles)
    for name, subject in REGISTRY.items():
        assert titles[subject.params] == f"subjects.{name}"
        reachable: dict[type[BaseModel], str] = {}
        _models(subject.params, "Scenario", reachable)
        for model in reachable:
            section = _section(text, titles[model])
            for field, info in model.model_fields.items():
                key = info.alias or field
                assert f"| `{key}` |" in section, f"{titles[model]}.{key} is not documented"
