"""Property tests of the scenario language: any mutation gives a located error or a
valid scenario — never a crash, never an unlocated message."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import ScenarioError, load_scenario
from sim.api import FLAGSHIP
from sim.scenario.source import load_yaml, overlay

BASE = yaml.safe_load(FLAGSHIP.read_text(encoding="utf-8"))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


PATHS = [p for p in _paths(BASE) if p]
JUNK = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(min_size=1, max_size=4), st.integers(), max_size=2),
)


def _set(data, path, value, delete):
    node = data
    for part in path[:-1]:
        node = node[part]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value


@pytest.mark.slow  # 25 loads of the flagship
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(PATHS), value=JUNK, delete=st.booleans())
def test_any_mutation_is_valid_or_located(tmp_path_factory, path, value, delete) -> None:
    data = copy.deepcopy(BASE)
    _set(data, path, value, delete)
    f = Path(tmp_path_factory.mktemp("m")) / "s.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_scenario(f)
    except ScenarioError as err:
        assert err.problems
        for p in err.problems:
            assert p.file == str(f)
            assert p.line >= 1
            assert str(p).startswith(f"{f}:{p.line}: ")


def test_overlay_merges_replaces_and_deletes(tmp_path) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "plan: {id: p, title: t}\n"
        "subjects:\n"
        "  transfer_isolation:\n"
        "    vehicles: 3\n"
        "    sites: {hotel_b: null}\n",
        encoding="utf-8",
    )
    merged = overlay(load_yaml(FLAGSHIP), load_yaml(plan))
    ti = merged.data["subjects"]["transfer_isolation"]
    assert ti["vehicles"] == 3
    assert list(ti["sites"]) == ["hotel_a"]
    assert ti["seats"] == BASE["subjects"]["transfer_isolation"]["seats"]
    assert merged.where(("subjects", "transfer_isolation", "vehicles")) == (str(plan), 4)
    assert merged.where(("subjects", "transfer_isolation", "seats"))[0] == str(FLAGSHIP)
    scn = load_scenario(FLAGSHIP, [plan])
    assert scn.subjects.transfer_isolation.vehicles == 3
    assert [p.id for p in scn.applied_plans] == ["p"]


def test_plans_apply_in_order(tmp_path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("plan: {id: a, title: a}\nsubjects: {transfer_isolation: {vehicles: 3}}\n")
    b.write_text("plan: {id: b, title: b}\nsubjects: {transfer_isolation: {vehicles: 7}}\n")
    assert load_scenario(FLAGSHIP, [a, b]).subjects.transfer_isolation.vehicles == 7
    assert load_scenario(FLAGSHIP, [b, a]).subjects.transfer_isolation.vehicles == 3


def test_duplicate_key_is_an_error(tmp_path, flagship_text) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(flagship_text.replace("  duration_h: 336", "  duration_h: 336\n  duration_h: 24"))
    try:
        load_scenario(f)
    except ScenarioError as err:
        [p] = err.problems
        assert p.path == "meta.duration_h" and p.message == "duplicate key"
    else:
        raise AssertionError("duplicate key accepted")
