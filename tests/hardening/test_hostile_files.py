"""Hostile scenario and plan files: exit 2 with one located line each, in bounded time.

Every case is a plan overlaid on the flagship (or a whole file), checked with
``drill validate``; the loader must refuse it before building anything big.
"""

from __future__ import annotations

import os

import pytest

from tests.hardening.common import FLAGSHIP, LOCATED, drill, one_line

HEAD = "plan: {id: hostile, title: hostile}\n"

# (case id, plan body (the bad value on its last line), text in the message, located?)
PLANS = [
    ("staff-billion", "agents:\n  cdc:\n    staff: 1000000000\n", "less than or equal", 3),
    ("staff-true", "agents:\n  cdc:\n    staff: true\n", "valid integer", 3),
    ("staff-yes", "agents:\n  cdc:\n    staff: yes\n", "valid integer", 3),
    ("staff-sexagesimal", "agents:\n  cdc:\n    staff: 1:30\n", "base-60", 3),
    ("staff-inf", "agents:\n  cdc:\n    staff: .inf\n", "finite", 3),
    ("off-duty-huge", "agents:\n  cdc:\n    duty: {off_duty_staff: 99999999}\n", "less than", 3),
    ("duration-million", "meta:\n  duration_h: 1000000\n", "less than or equal", 3),
    ("duration-nan", "meta:\n  duration_h: .nan\n", "finite", 3),
    ("duration-true", "meta:\n  duration_h: true\n", "valid number", 3),
    ("seed-2-64", "meta:\n  seed: 18446744073709551616\n", "2^63", 3),
    ("seed-negative", "meta:\n  seed: -1\n", "seed", 3),
    ("household-1e308", "region:\n  household_size: 1.0e+308\n", "out of range", 3),
    ("household-50", "region:\n  household_size: 50\n", "household size", 2),
    ("vehicles-billion", "subjects:\n  transfer_isolation:\n    vehicles: 1000000000\n", "less", 4),
    (
        "sampling-hours-negative",
        "subjects:\n  testing:\n    mass:\n      sampling:\n        hours: [-1, 22]\n",
        "clock hours",
        0,  # located at the sampling mapping, a line above
    ),
    ("rounds-nan", "subjects:\n  testing:\n    mass:\n      rounds_h: [0, .nan]\n", "finite", 5),
    ("r0-1e308", "epidemic:\n  r0: 1.0e+308\n", "out of range", 3),
    ("r0-100", "epidemic:\n  r0: 100\n", "less than or equal", 3),
    ("max-cases-huge", "epidemic:\n  max_cases: 100000000\n", "less than", 3),
    ("population-huge", "region:\n  population: 60000000\n", "less than or equal", 3),
    (
        "community-population-huge",
        "region:\n  townships:\n    gujiang:\n      communities:\n        xincheng:\n"
        "          population: 60000000\n",
        "less than or equal",
        7,
    ),
    (
        "grid-workers-huge",
        "region:\n  townships:\n    gujiang:\n      communities:\n        xincheng:\n"
        "          grid_workers: 200000\n",
        "less than or equal",
        7,
    ),
    ("beds-huge", "subjects:\n  treatment:\n    beds: 2000000\n", "less than or equal", 4),
    ("ambulances-true", "subjects:\n  treatment:\n    ambulances: on\n", "valid integer", 4),
    (
        "checkpoint-traffic-huge",
        "subjects:\n  traffic_control:\n    roads:\n      checkpoints:\n        g108_north:\n"
        "          vehicles_per_day: 2000000\n",
        "less than or equal",
        7,
    ),
    (
        "duty-hours-overnight",
        "agents:\n  cdc:\n    duty: {hours: [22, 6]}\n",
        "clock hours",
        3,
    ),
    ("tag-include", "meta: !include other.yaml\n", "tags", 2),
    ("tag-python", "meta: !!python/object:os.system {}\n", "tags", 2),
    ("deep-nesting", "x: " + "[" * 600 + "]" * 600 + "\n", "nested", 2),
    ("deep-mapping", "x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 80)), "nested", 0),
]


def _plan(tmp_path, body: str | bytes):
    path = tmp_path / "plan.yaml"
    if isinstance(body, bytes):
        path.write_bytes(HEAD.encode() + body)
    else:
        path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("case", "body", "message", "line"), PLANS, ids=[p[0] for p in PLANS])
def test_hostile_plan_is_one_located_line(tmp_path, monkeypatch, capsys, case, body, message, line):
    plan = _plan(tmp_path, body)
    code, out, err = drill(monkeypatch, capsys, "validate", FLAGSHIP, "--plan", plan)
    assert code == 2, (out, err)
    text = one_line(err)
    assert LOCATED.match(text), text
    assert text.startswith(f"{plan}:"), text
    assert message in text, text
    if line:  # the offending value is on the body's last line, after the plan's head
        assert text.startswith(f"{plan}:{1 + body.count(chr(10))}:"), text


def test_billion_laughs_is_bounded(tmp_path, monkeypatch, capsys):
    rows = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    plan = _plan(tmp_path, "\n".join(rows) + "\n")
    code, _, err = drill(monkeypatch, capsys, "validate", FLAGSHIP, "--plan", plan)
    assert code == 2
    assert "aliases" in one_line(err)


@pytest.mark.parametrize(
    ("case", "data", "message", "line"),
    [
        ("nul", b"meta:\n  id: a\x00b\n", "U+0000", 3),
        ("escape", b"meta:\n  title: \x1b[2J\n", "U+001B", 3),
        ("c1", "meta:\n  title: \x9b31m\n".encode(), "U+009B", 3),
        ("gbk", "meta:\n  title: 江县\n".encode("gbk"), "GBK", 3),
        ("latin1", "meta:\n  title: caf\xe9 \xe9t\xe9 \x80\n".encode("latin-1"), "not UTF-8", 3),
    ],
)
def test_bad_bytes_name_the_line(tmp_path, monkeypatch, capsys, case, data, message, line):
    plan = _plan(tmp_path, data)
    code, _, err = drill(monkeypatch, capsys, "validate", FLAGSHIP, "--plan", plan)
    assert code == 2
    text = one_line(err)
    assert text.startswith(f"{plan}:{line}: "), text
    assert message in text, text


def test_utf16_file_is_named(tmp_path, monkeypatch, capsys):
    path = tmp_path / "s.yaml"
    path.write_bytes(FLAGSHIP.read_text(encoding="utf-8").encode("utf-16"))
    code, _, err = drill(monkeypatch, capsys, "validate", path)
    assert code == 2 and "UTF-16" in one_line(err)


def test_utf8_bom_is_accepted(tmp_path, monkeypatch, capsys):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + FLAGSHIP.read_bytes())
    code, _, err = drill(monkeypatch, capsys, "validate", path)
    assert code == 0, err


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory", "too-large", "missing"])
def test_files_that_are_not_scenarios(tmp_path, monkeypatch, capsys, kind):
    path = tmp_path / "x.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path = "/dev/zero"
    elif kind == "directory":
        path.mkdir()
    elif kind == "too-large":
        with path.open("wb") as fh:
            fh.truncate(5 * 1024 * 1024)
    code, _, err = drill(monkeypatch, capsys, "validate", path)
    assert code == 2
    assert one_line(err).startswith(f"{path}: ")


def test_bounds_do_not_refuse_the_bundled_scenarios(monkeypatch, capsys):
    for path in sorted(FLAGSHIP.parent.glob("*.yaml")):
        code, _, err = drill(monkeypatch, capsys, "validate", path)
        assert code == 0, err


@pytest.mark.parametrize("effect", [{"add": 999_999}, {"add": -999_999}, {"set": 999_999}])
def test_inject_staff_effects_are_bounded(effect):
    from pydantic import ValidationError

    from sim.scenario.injects import StaffEffect

    with pytest.raises(ValidationError, match="100000"):
        StaffEffect(kind="staff", agent="cdc", **effect)


@pytest.mark.slow
def test_values_at_the_limits_run_to_the_end(tmp_path, monkeypatch, capsys):
    """The staff limit on two rostered agents, with their duty rosters: a bounded run."""
    plan = _plan(
        tmp_path,
        "meta: {duration_h: 48}\ninjects: null\nagents:\n"
        "  cdc: {staff: 100000, duty: {hours: [8, 18], off_duty_staff: 0}}\n"
        "  communities: {staff: 100000, duty: {hours: [8, 18], off_duty_staff: 0}}\n",
    )
    out = tmp_path / "run"
    code, _, err = drill(
        monkeypatch, capsys, "run", FLAGSHIP, "--plan", plan, "--out", out, "--no-report", "--json"
    )
    assert code == 0, err
    assert (out / "summary.json").is_file()
