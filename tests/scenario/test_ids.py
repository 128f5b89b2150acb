"""Ids follow one pattern; old ids that fail it warn, ids that would be ambiguous are errors."""

from __future__ import annotations

import warnings

import pytest

from sim import ScenarioError, load_scenario
from sim.api import FLAGSHIP
from sim.scenario.ids import valid_id
from sim.scenario.source import ScenarioWarning
from tests.hardening.common import drill

HEAD = "plan: {id: ids, title: ids}\n"


def _plan(tmp_path, townships: str, population: int = 240_010):
    path = tmp_path / "ids.yaml"
    path.write_text(
        HEAD + f"region:\n  population: {population}\n  townships:\n{townships}", encoding="utf-8"
    )
    return path


@pytest.mark.parametrize("name", ["cdc", "county_lab", "hotel-a", "社区一", "Ünterdorf", "x2"])
def test_valid_ids(name):
    assert valid_id(name)


@pytest.mark.parametrize("name", ["", "a b", "a/b", "a.b", "a:b", "=1+1", "a\tb", "[/x]"])
def test_invalid_ids(name):
    assert not valid_id(name)


def test_community_ids_with_separators_cannot_collide(tmp_path):
    plan = _plan(
        tmp_path,
        '    "a/b": {name: x, communities: {c: {name: c, population: 5}}}\n'
        '    a: {name: y, communities: {"b/c": {name: c, population: 5}}}\n',
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(FLAGSHIP, [plan])
    lines = err.value.lines()
    assert lines[0].startswith(f"{plan}:5: region.townships.a/b: id 'a/b' holds '/'")
    assert lines[1].startswith(f"{plan}:6: region.townships.a.communities.b/c: id 'b/c' holds")


def test_full_width_twins_are_an_error(tmp_path):
    plan = _plan(
        tmp_path,
        "    abc: {name: x, communities: {c: {name: c, population: 5}}}\n"
        "    ａｂｃ: {name: y, communities: {c: {name: c, population: 5}}}\n",
    )
    with pytest.raises(ScenarioError, match="looks the same as"):
        load_scenario(FLAGSHIP, [plan])


def test_old_ids_that_fail_the_pattern_warn_and_still_load(tmp_path):
    plan = _plan(
        tmp_path, '    "old town": {name: x, communities: {"c+d": {name: c, population: 10}}}\n'
    )
    with pytest.warns(ScenarioWarning) as caught:
        scn = load_scenario(FLAGSHIP, [plan])
    assert "old town" in scn.region.townships
    messages = [str(w.message) for w in caught if isinstance(w.message, ScenarioWarning)]
    assert messages == [
        f"{plan}:5: region.townships.old town: deprecated id 'old town': ids are letters, "
        "digits, _ and - only; this one will stop working in a later version",
        f"{plan}:5: region.townships.old town.communities.c+d: deprecated id 'c+d': ids are "
        "letters, digits, _ and - only; this one will stop working in a later version",
    ]


def test_deprecated_id_is_exit_0_with_a_located_warning(tmp_path, monkeypatch, capsys):
    plan = _plan(
        tmp_path, '    "old town": {name: x, communities: {c: {name: c, population: 10}}}\n'
    )
    code, out, err = drill(monkeypatch, capsys, "validate", FLAGSHIP, "--plan", plan)
    assert code == 0, err
    assert "valid" in out
    assert err.strip() == (
        f"{plan}:5: region.townships.old town: deprecated id 'old town': ids are letters, "
        "digits, _ and - only; this one will stop working in a later version"
    )


def test_bundled_scenarios_have_no_deprecated_ids():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        for path in sorted(FLAGSHIP.parent.glob("*.yaml")):
            load_scenario(path)


def test_quiet_silences_the_warning(tmp_path, monkeypatch, capsys):
    plan = _plan(
        tmp_path, '    "old town": {name: x, communities: {c: {name: c, population: 10}}}\n'
    )
    code, _, err = drill(monkeypatch, capsys, "-q", "validate", FLAGSHIP, "--plan", plan)
    assert code == 0 and err == ""
    code, _, err = drill(monkeypatch, capsys, "validate", FLAGSHIP, "--plan", plan)
    assert "deprecated id" in err  # and the next command warns again
