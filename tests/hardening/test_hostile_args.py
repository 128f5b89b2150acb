"""Hostile command lines: huge counts, infinities and odd seeds are exit 2, before any work."""

from __future__ import annotations

import os

import pytest

from tests.hardening.common import FLAGSHIP, drill, one_line

BIG = str(10**8)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", FLAGSHIP, "--runs", BIG], "--runs must be within"),
        (["compare", FLAGSHIP, "--runs", "0"], "--runs must be within"),
        (["compare", FLAGSHIP, "--workers", "0"], "--workers must be within"),
        (["compare", FLAGSHIP, "--workers", BIG], "--workers must be within"),
        (["compare", FLAGSHIP, "--seed", str(2**64)], "--seed must be within"),
        (["sweep", FLAGSHIP, "--vary", "meta.seed=1,2", "--runs", BIG], "--runs"),
        (["run", "--seed", str(2**63)], "--seed must be within"),
        (["run", "--seed", "-1"], "--seed must be within"),
        (["epi", "--runs", BIG], "--runs must be within"),
        (["epi", "--initial-cases", BIG], "--initial-cases"),
        (["epi", "--r0", "inf"], "--r0"),
        (["epi", "--r0", "nan"], "--r0"),
        (["epi", "--r0", "1e308"], "--r0"),
        (["epi", "--k", "inf"], "--k"),
        (["epi", "--seed", str(2**64)], "--seed"),
    ],
)
def test_out_of_range_arguments(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = drill(monkeypatch, capsys, *args)
    assert code == 2, err
    assert message in one_line(err)
    assert os.listdir(tmp_path) == []  # nothing written


def test_sweep_values_go_through_the_same_checks(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = drill(
        monkeypatch, capsys, "sweep", FLAGSHIP, "--vary", "meta.duration_h=inf,2", "--runs", 1
    )
    assert code == 2 and "finite" in one_line(err)
    assert os.listdir(tmp_path) == []


def test_answer_file_bomb_is_bounded(tmp_path, monkeypatch, capsys):
    rows = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    answers = tmp_path / "answers.yaml"
    answers.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, _, err = drill(
        monkeypatch, capsys, "play", FLAGSHIP, "--answers", answers, "--out", tmp_path / "o"
    )
    assert code == 2 and "aliases" in one_line(err)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("content", [None, "{not json", "NaN"])
def test_report_of_a_directory_that_is_no_run(tmp_path, monkeypatch, capsys, content):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.md").write_text("mine")
    if content is not None:
        (target / "summary.json").write_text(content)
    code, _, err = drill(monkeypatch, capsys, "report", target)
    assert code == 2, err
    one_line(err)
    assert sorted(os.listdir(target)) == sorted(["notes.md", *(["summary.json"] * bool(content))])
