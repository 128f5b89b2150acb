"""`drill play` in the terminal and with `--serve`: where it listens, where the journal
goes, and Ctrl-C, which saves rather than loses the session."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.api import FLAGSHIP
from sim.live.console import LiveConsole
from tests.conftest import drill


def _play(monkeypatch, capsys, *args: object) -> tuple[int, str, str]:
    """``drill play ARGS`` in-process (exit code, stdout, stderr)."""
    return drill(monkeypatch, capsys, "play", *args)


def test_serve_binds_to_this_machine_unless_told(monkeypatch, capsys, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    def serve(session, host, port, fan, on_finish, say) -> None:
        calls.append({"host": host, "port": port, "fan": fan, "runs": session.fan_runs})

    monkeypatch.setattr("sim.live.server.serve", serve)
    code, out, err = _play(monkeypatch, capsys, FLAGSHIP, "--serve", "--out", tmp_path / "s")
    assert calls == [{"host": "127.0.0.1", "port": 8765, "fan": calls[0]["fan"], "runs": 20}]
    assert calls[0]["fan"] is not None
    # the journal is beside the output directory, its header names what to resume
    journal = tmp_path / "s.journal.yaml"
    assert str(journal) in out
    head = yaml.safe_load(journal.read_text(encoding="utf-8"))
    assert head["session"]["file"] == str(FLAGSHIP.resolve()) and head["journal"] is None
    # the server stopped before the drill ended: exit 130 and how to continue
    assert code == 130 and f"drill play --resume {journal}" in err


def test_ctrl_c_in_the_console_keeps_the_session(monkeypatch, capsys, tmp_path: Path) -> None:
    answers = iter(["名单已下发"])

    def pause(self, world, inject, called):
        from sim.injects.msel import Response

        try:
            return Response(answer=next(answers))
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(LiveConsole, "pause", pause)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    code, _, err = _play(monkeypatch, capsys, FLAGSHIP, "--out", tmp_path / "s", "--lang", "en")
    journal = tmp_path / "s.journal.yaml"
    assert code == 130 and f"continue with: drill play --resume {journal}" in err
    entries = yaml.safe_load(journal.read_text(encoding="utf-8"))["journal"]
    assert [(e["at"], e["do"]) for e in entries] == [
        ("push-list", "answer"),
        ("push-list", "release"),
    ]
    assert not (tmp_path / "s").exists()  # no half-written run directory


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--answers", "a.yaml", "--resume", "j.yaml"], "not both"),
        (["--serve", "--answer-minutes", "0"], "--answer-minutes"),
        (["--serve", "--port", "70000"], "--port"),
        (["--serve", "--fan-runs", "5"], "--fan-runs"),
    ],
)
def test_bad_arguments_are_one_line_exit_2(monkeypatch, capsys, tmp_path, args, says) -> None:
    code, _, err = _play(monkeypatch, capsys, FLAGSHIP, "--out", tmp_path / "o", *args)
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # nothing written, no journal either


def test_resume_takes_the_sessions_scenario_language_and_place(monkeypatch, capsys, tmp_path):
    seen: list[tuple[str, str, int]] = []

    def serve(session, host, port, fan, on_finish, say) -> None:
        seen.append((session.lang, session.scenario.meta.id, session.seed))

    monkeypatch.setattr("sim.live.server.serve", serve)
    first = _play(monkeypatch, capsys, FLAGSHIP, "--serve", "--lang", "en", "--seed", "5",
                  "--out", tmp_path / "s")  # fmt: skip
    journal = tmp_path / "s.journal.yaml"
    again = _play(monkeypatch, capsys, "--resume", journal, "--serve")
    assert first[0] == again[0] == 130
    assert seen == [("en", "jiangxian-returnee", 5)] * 2
    assert "continue with" in again[2]  # still in English
