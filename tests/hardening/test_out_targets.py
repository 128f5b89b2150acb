"""Dangerous ``--out`` targets: exit 2, one line, nothing touched, nothing run."""

from __future__ import annotations

import os

import pytest

from tests.hardening.common import FLAGSHIP, TWO_DAYS, drill, one_line

SHORT = ("--plan", TWO_DAYS, "--no-report", "--json")


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A working directory holding a user's file, as the current directory."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "budget.xlsx").write_bytes(b"PK\x03\x04")
    monkeypatch.chdir(work)
    return work


@pytest.mark.parametrize("target", [".", "./", "..", "/", ""])
def test_run_refuses_cwd_ancestors_and_root(work, monkeypatch, capsys, target):
    code, _, err = drill(monkeypatch, capsys, "run", *SHORT, "--out", target)
    assert code == 2, err
    assert "refusing" in one_line(err) or "empty" in err
    assert sorted(os.listdir(work)) == ["budget.xlsx"]
    assert sorted(os.listdir(work.parent)) == ["work"]


def test_run_refuses_home(work, monkeypatch, capsys):
    home = work.parent / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    code, _, err = drill(monkeypatch, capsys, "run", *SHORT, "--out", home)
    assert code == 2 and "home directory" in one_line(err)
    assert os.listdir(home) == []


@pytest.mark.parametrize("command", ["run", "play"])
def test_run_and_play_refuse_a_user_directory(work, monkeypatch, capsys, command):
    photos = work / "photos"
    photos.mkdir()
    (photos / "cat.jpg").write_bytes(b"\xff\xd8")
    args = [command, FLAGSHIP, "--plan", TWO_DAYS, "--out", photos]
    if command == "play":
        answers = work / "a.yaml"
        answers.write_text("answers: []\n", encoding="utf-8")
        args += ["--answers", answers]
    code, _, err = drill(monkeypatch, capsys, *args)
    assert code == 2, err
    assert "did not write" in one_line(err)
    assert os.listdir(photos) == ["cat.jpg"]


def test_compare_refuses_a_user_directory_before_running(work, monkeypatch, capsys):
    (work / "mine").mkdir()
    (work / "mine" / "notes.md").write_text("x")
    code, _, err = drill(
        monkeypatch, capsys, "compare", FLAGSHIP, "--runs", 1, "--workers", 1, "--out", "mine"
    )
    assert code == 2, err
    assert "did not write" in one_line(err)
    assert os.listdir(work / "mine") == ["notes.md"]


def test_run_replaces_its_own_output_and_keeps_notes(work, monkeypatch, capsys):
    code, _, err = drill(monkeypatch, capsys, "run", *SHORT, "--seed", 1, "--out", "r")
    assert code == 0, err
    (work / "r" / "notes.md").write_text("debrief")
    code, _, err = drill(monkeypatch, capsys, "run", *SHORT, "--seed", 2, "--out", "r")
    assert code == 0, err
    assert (work / "r" / "notes.md").read_text() == "debrief"


@pytest.mark.parametrize(
    "args",
    [
        ["network", FLAGSHIP, "--lang", "en"],
        ["epi", "--runs", "2", "--traced", "0", "--traced", "0.5"],
    ],
    ids=["network", "epi"],
)
def test_drawings_never_replace_a_users_file(work, monkeypatch, capsys, args):
    photos = work / "photos"
    photos.mkdir()
    (photos / "network.png").write_bytes(b"my own drawing")
    (photos / "p_control_vs_traced.png").write_bytes(b"my own plot")
    code, _, err = drill(monkeypatch, capsys, *args, "--out", photos)
    assert code == 2 and "was not written by drill" in one_line(err)
    assert (photos / "network.png").read_bytes() == b"my own drawing"
    assert (photos / "p_control_vs_traced.png").read_bytes() == b"my own plot"
    for _ in range(2):  # into the current directory, then again over drill's own drawing
        code, _, err = drill(monkeypatch, capsys, *args, "--out", ".")
        assert code == 0, err
    from sim.outdir import manifest

    _, files = manifest(work)
    assert len(files) == 1 and (work / files[0]).stat().st_size > 0
    assert (work / "budget.xlsx").read_bytes() == b"PK\x03\x04"
