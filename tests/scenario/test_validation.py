"""Broken scenarios give one located line per problem, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim import ScenarioError, load_scenario
from tests.conftest import line_of


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _problems(path: Path, plans: tuple[Path, ...] = ()) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, plans)
    return [str(p) for p in info.value.problems]


def test_flagship_is_valid(flagship) -> None:
    assert len(flagship.agents) >= 13
    assert {"leading_group", "coordination"} <= set(flagship.agents)
    assert sum(a.kind == "task_force" for a in flagship.agents.values()) == 11


def test_yaml_syntax_error_names_its_line(tmp_path, flagship_text) -> None:
    line = line_of(flagship_text, "  duration_h:")
    broken = flagship_text.replace("  duration_h: 336", "  duration_h: [336", 1)
    [problem] = _problems(_write(tmp_path, broken))
    assert problem.startswith(f"{tmp_path / 's.yaml'}:")
    assert "YAML syntax error" in problem
    reported = int(problem.split(":")[1])
    assert line <= reported <= line + 2


def test_unknown_key_suggests_the_right_one(tmp_path, flagship_text) -> None:
    broken = flagship_text.replace("    staff: 12\n", "    staf: 12\n", 1)
    line = line_of(broken, "    staf: 12")
    problems = _problems(_write(tmp_path, broken))
    assert (
        f"s.yaml:{line}: agents.tracing_tf.staf: unknown key (did you mean 'staff'?)"
        in "\n".join(problems)
    )


def test_negative_staff_is_rejected_at_its_line(tmp_path, flagship_text) -> None:
    broken = flagship_text.replace("    staff: 12\n", "    staff: -3\n", 1)
    line = line_of(broken, "    staff: -3")
    [problem] = _problems(_write(tmp_path, broken))
    assert problem.split(": ", 1)[0].endswith(f"s.yaml:{line}")
    assert "agents.tracing_tf.staff" in problem
    assert "greater than 0" in problem


def test_responsibility_naming_unknown_agent(tmp_path, flagship_text) -> None:
    broken = flagship_text.replace(
        "    responsible: [tracing_tf, cdc]", "    responsible: [tracing_tf, cdcc]", 1
    )
    line = line_of(broken, "[tracing_tf, cdcc]")
    [problem] = _problems(_write(tmp_path, broken))
    assert (
        f"s.yaml:{line}: responsibilities.tracing.responsible[1]: unknown agent 'cdcc'" in problem
    )
    assert "did you mean 'cdc'" in problem


def test_subject_without_responsible_agent(tmp_path, flagship_text) -> None:
    broken = flagship_text.replace(
        "    responsible: [traffic_tf, traffic_police, townships]\n", "    responsible: []\n", 1
    )
    line = line_of(broken, "    responsible: []")
    [problem] = _problems(_write(tmp_path, broken))
    assert f"s.yaml:{line}: responsibilities.traffic_control.responsible:" in problem


def test_subject_missing_from_responsibilities(tmp_path, flagship_text) -> None:
    start = flagship_text.index("  routine_prevention:\n    responsible")
    end = flagship_text.index("\n\n", start)
    broken = flagship_text[:start] + flagship_text[end + 1 :]
    [problem] = _problems(_write(tmp_path, broken))
    assert "subject 'routine_prevention' has no responsible agent" in problem


def test_impossible_distribution(tmp_path, flagship_text) -> None:
    broken = flagship_text.replace(
        "core_interview: {dist: lognormal, median: 2.5, p95: 5}",
        "core_interview: {dist: lognormal, median: 2.5, p95: 1}",
    )
    line = line_of(broken, "core_interview:")
    [problem] = _problems(_write(tmp_path, broken))
    assert (
        f"s.yaml:{line}: subjects.tracing.core_interview: lognormal needs p95 > median" in problem
    )


def test_several_problems_are_all_reported(tmp_path, flagship_text) -> None:
    broken = flagship_text.replace("    staff: 12\n", "    staff: 0\n", 1).replace(
        "    staff: 20          #", "    stuff: 20          #", 1
    )
    problems = _problems(_write(tmp_path, broken))
    assert len(problems) >= 2


def test_plan_problem_points_into_the_plan(tmp_path, flagship) -> None:
    from sim.api import FLAGSHIP

    plan = _write(
        tmp_path,
        "plan:\n  id: bad\n  title: bad plan\nsubjects:\n  transfer_isolation:\n    vehicles: 0\n",
        "plan.yaml",
    )
    [problem] = _problems(FLAGSHIP, (plan,))
    assert problem.startswith(f"{plan}:6: subjects.transfer_isolation.vehicles:")


def test_plan_without_header(tmp_path) -> None:
    from sim.api import FLAGSHIP

    plan = _write(tmp_path, "subjects: {}\n", "plan.yaml")
    [problem] = _problems(FLAGSHIP, (plan,))
    assert "plan" in problem and str(plan) in problem


@pytest.mark.parametrize(
    "old,new",
    [
        ("  duration_h: 336", "  duration_h: -1"),
        ("    staff: 12\n", "    staff: -3\n"),
        ("    responsible: [tracing_tf, cdc]", "    responsible: [tracing_tf, nobody]"),
        ("  seed: 20220331", "  seed: 20220331\n  colour: blue"),
    ],
)
def test_cli_validate_exit_2_one_line(tmp_path, flagship_text, old, new, monkeypatch, capsys):
    from sim import cli

    path = _write(tmp_path, flagship_text.replace(old, new, 1))
    monkeypatch.setattr(sys, "argv", ["drill", "validate", str(path)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:")


@pytest.mark.slow  # a subprocess
def test_cli_validate_no_traceback_in_a_real_process(tmp_path, flagship_text) -> None:
    path = _write(tmp_path, flagship_text.replace("    staff: 12\n", "    staff: -3\n", 1))
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


@pytest.mark.slow  # a subprocess
def test_cli_validate_ok() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", "scenarios/jiangxian-returnee.yaml"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow  # two full flagship runs
def test_a_retired_contact_setting_is_a_located_deprecation_warning(tmp_path) -> None:
    """'school' and 'other' were accepted but never drawn: they warn, change nothing."""
    import warnings

    from sim import run_drill
    from sim.api import FLAGSHIP
    from sim.scenario.source import ScenarioWarning

    plan = tmp_path / "school.yaml"
    plan.write_text(
        "plan: {id: school, title: school}\n"
        "subjects:\n  zone_control:\n    contact_factor:\n"
        "      sealed: {work: 0, venue: 0, transport: 0, community: 0, school: 0}\n",
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with_school = load_scenario(FLAGSHIP, [plan])
    notes = [w.message for w in caught if isinstance(w.message, ScenarioWarning)]
    assert [n.problem.path for n in notes] == ["subjects.zone_control.contact_factor.sealed.school"]
    assert notes[0].problem.file == str(plan) and notes[0].problem.line == 5
    assert "deprecated" in notes[0].problem.message
    base = load_scenario(FLAGSHIP)
    assert run_drill(with_school, 1).summary == run_drill(base, 1).summary | {"plans": ["school"]}


def test_a_subject_left_out_needs_no_responsible_agent(tmp_path) -> None:
    """Only simulated subjects need an owner, so registering a new subject keeps every
    existing scenario valid; leaving one out drops its section and its RACI together."""
    from sim.api import FLAGSHIP

    plan = tmp_path / "no-routine.yaml"
    plan.write_text(
        "plan: {id: no-routine, title: no routine prevention}\n"
        "subjects: {routine_prevention: null}\nresponsibilities: {routine_prevention: null}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(FLAGSHIP, [plan])
    assert scenario.subject_params("routine_prevention") is None
    assert "routine_prevention" not in scenario.responsibilities


def test_a_valid_key_in_the_wrong_place_is_not_suggested_to_itself(tmp_path) -> None:
    """'did you mean' suggests from the keys valid where the key was written."""
    from sim.api import FLAGSHIP

    plan = tmp_path / "misplaced.yaml"
    plan.write_text(
        "plan: {id: misplaced, title: misplaced}\nmeta: {vehicles: 3, seeed: 2}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(FLAGSHIP, [plan])
    lines = {str(p) for p in err.value.problems}
    assert f"{plan}:2: meta.vehicles: unknown key" in lines  # no "(did you mean 'vehicles'?)"
    assert f"{plan}:2: meta.seeed: unknown key (did you mean 'seed'?)" in lines
