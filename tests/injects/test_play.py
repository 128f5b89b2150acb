"""`drill play --answers`: parity with `drill run`, replay, saved sessions, bad answer files."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sim import cli
from sim.api import FLAGSHIP

ROOT = Path(__file__).resolve().parents[2]
PLAN = Path(__file__).parent / "data" / "decisions-plan.yaml"
# two days with one small quarantine site: every decision point comes, site-90 included
SHORT = Path(__file__).parent / "data" / "short-drill.yaml"


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def _drill(capsys, monkeypatch):
    """Run the ``drill`` entry point in-process (exit code, stdout, stderr)."""

    def call(*args: object) -> Done:
        monkeypatch.setattr(sys, "argv", ["drill", *map(str, args)])
        code = 0
        try:
            cli.main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Done(code, out.out, out.err)

    return call


def _answers(tmp_path: Path, data: dict, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _csv(out: Path) -> bytes:
    return (out / "events.csv").read_bytes()


@pytest.mark.slow  # four two-day flagship drills
def test_playing_a_plans_script_equals_running_the_plan(tmp_path, _drill) -> None:
    script = yaml.safe_load(PLAN.read_text(encoding="utf-8"))["decisions"]
    answers = _answers(tmp_path, {"answers": script})
    run = _drill(
        "run",
        FLAGSHIP,
        "--plan",
        SHORT,
        "--plan",
        PLAN,
        "--seed",
        5,
        "--out",
        tmp_path / "run",
        "--no-report",  # the report is not compared; it takes longer than the run
    )
    assert run.returncode == 0, run.stderr
    play = _drill(
        "play",
        "--no-report",  # drill play now writes the AAR, which these tests do not read
        FLAGSHIP,
        "--plan",
        SHORT,
        "--plan",
        PLAN,
        "--answers",
        answers,
        "--seed",
        5,
        "--out",
        tmp_path / "play",
        "--lang",
        "en",
    )
    assert play.returncode == 0, play.stderr
    assert _csv(tmp_path / "run") == _csv(tmp_path / "play")
    # the answers alone, without the decisions plan, make the same choices: only
    # run_start (which names the applied plans) differs
    bare = _drill(
        "play",
        "--no-report",  # drill play now writes the AAR, which these tests do not read
        FLAGSHIP,
        "--plan",
        SHORT,
        "--answers",
        answers,
        "--seed",
        5,
        "--out",
        tmp_path / "bare",
    )
    assert bare.returncode == 0, bare.stderr
    ran = _csv(tmp_path / "run").splitlines()
    played = _csv(tmp_path / "bare").splitlines()
    assert [r for r in ran if b"run_start" not in r] == [r for r in played if b"run_start" not in r]
    # the three scripted decisions, and site-90 (the rooms fill) with its default option
    made = [r for r in ran if b"decision_made" in r]
    expected = {**script, "site-90": "home_quarantine"}
    assert len(made) == len(expected)
    for inject, option in expected.items():
        [row] = [r for r in made if f"decision_made,{inject},".encode() in r]
        assert f'""option"": ""{option}""'.encode() in row
    # the room overriding the script changes the log
    other = _answers(tmp_path, {"answers": {**script, "venue-finding": "wait_full"}}, "o.yaml")
    changed = _drill(
        "play",
        "--no-report",  # drill play now writes the AAR, which these tests do not read
        FLAGSHIP,
        "--plan",
        SHORT,
        "--plan",
        PLAN,
        "--answers",
        other,
        "--seed",
        5,
        "--out",
        tmp_path / "o",
    )
    assert changed.returncode == 0, changed.stderr
    assert _csv(tmp_path / "o") != _csv(tmp_path / "run")


def test_saved_session_replays_to_the_same_log(tmp_path, _drill) -> None:
    example = ROOT / "scenarios" / "answers" / "example.yaml"
    first = _drill(
        "play",
        "--no-report",  # drill play now writes the AAR, which these tests do not read
        FLAGSHIP,
        "--plan",
        SHORT,
        "--answers",
        example,
        "--out",
        tmp_path / "a",
        "--save",
        tmp_path / "s.yaml",
    )
    assert first.returncode == 0, first.stderr
    saved = yaml.safe_load((tmp_path / "s.yaml").read_text(encoding="utf-8"))
    assert saved["seed"] == 20220331 and saved["answers"]["venue-finding"] == "reinterview"
    again = _drill(
        "play",
        "--no-report",
        FLAGSHIP,
        "--plan",
        SHORT,
        "--answers",
        tmp_path / "s.yaml",
        "--out",
        tmp_path / "b",
    )
    assert again.returncode == 0, again.stderr
    assert _csv(tmp_path / "a") == _csv(tmp_path / "b")
    # the session covered every decision, the rooms one (a new site opened) included
    assert b"site_opened,hotel_c" in _csv(tmp_path / "a")


def test_unknown_option_is_one_located_line_exit_2(tmp_path, _drill) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("answers:\n  zone-seal: police\n  venue-finding: later\n", encoding="utf-8")
    result = _drill("play", FLAGSHIP, "--answers", path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"{path}:3: answers.venue-finding: 'later' is not an option of 'venue-finding' "
        "(reinterview, wait_full)"
    ]


def test_answer_for_a_missing_inject_is_one_located_line_exit_2(tmp_path, _drill) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "answers:\n  venue-findings: reinterview\n"
        "ad_hoc:\n  - {at: nowhere, question: q, answer: a}\n",
        encoding="utf-8",
    )
    result = _drill("play", FLAGSHIP, "--answers", path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (
        f"{path}:2: answers.venue-findings: no inject 'venue-findings' in the scenario "
        "(did you mean 'venue-finding'?)"
    )
    assert lines[1].startswith(f"{path}:4: ad_hoc[0].at: no inject 'nowhere'")
    assert "Traceback" not in result.stderr


def test_live_play_without_a_terminal_is_refused(tmp_path, _drill, monkeypatch) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    result = _drill("play", FLAGSHIP, "--out", tmp_path / "x")
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr
