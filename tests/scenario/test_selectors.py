"""A plan or an option overlay changes one element of a list, picked by id (or position)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import ScenarioError, load_scenario
from sim.api import FLAGSHIP
from sim.language.overlay import OverlayError, overlaid, overlay_problems

HEAD = "plan:\n  id: p\n  title: {zh: p, en: p}\nsubjects:\n  testing:\n    mass:\n"


def _plan(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _labs(scn) -> dict[str, int]:
    return {lab.agent: lab.machines for lab in scn.subject_params("testing").mass.labs}


def test_a_plan_changes_one_lab_by_id_and_keeps_the_other(tmp_path, flagship) -> None:
    plan = _plan(tmp_path, "      labs[city_lab]:\n        machines: 24\n")
    scn = load_scenario(FLAGSHIP, [plan])
    assert _labs(scn) == _labs(flagship) | {"city_lab": 24}
    by_position = _plan(tmp_path, "      labs[0]:\n        machines: 2\n")
    assert _labs(load_scenario(FLAGSHIP, [by_position]))["county_lab"] == 2


def test_an_unknown_id_or_a_bad_value_is_located_in_the_plan(tmp_path) -> None:
    plan = _plan(tmp_path, "      labs[city_lb]:\n        machines: 24\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(FLAGSHIP, [plan])
    [problem] = err.value.problems
    assert (problem.file, problem.line) == (str(plan), 7)
    assert problem.path == "subjects.testing.mass.labs[city_lb]"
    assert "no element 'city_lb' (there are: county_lab, city_lab)" in problem.message
    assert "did you mean 'city_lab'?" in problem.message
    plan = _plan(tmp_path, "      labs[city_lab]:\n        machines: -3\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(FLAGSHIP, [plan])
    [problem] = err.value.problems
    assert (problem.line, problem.path) == (8, "subjects.testing.mass.labs[1].machines")


def test_an_option_overlay_picks_a_lab_by_id(flagship) -> None:
    pick = {"subjects": {"testing": {"mass": {"labs[county_lab]": {"machines": 10}}}}}
    assert _labs(overlaid(flagship, pick))["county_lab"] == 10
    bad = {"subjects": {"testing": {"mass": {"labs[county_lab]": {"machines": -1}}}}}
    [(path, message)] = list(overlay_problems(flagship, bad))
    assert path == ("subjects", "testing", "mass", "labs[county_lab]", "machines")
    assert "greater than 0" in message
    with pytest.raises(OverlayError):
        overlaid(flagship, bad)
