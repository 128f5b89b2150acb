"""Output directories: drill replaces only what it wrote and refuses everything else."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from sim import load_scenario, run_drill, write_run
from sim.api import FLAGSHIP
from sim.outdir import MANIFEST, OutputDirError, check_target, manifest, prepare, record

TWO_DAYS = Path(__file__).resolve().parent / "report" / "two_days.yaml"


@pytest.fixture(scope="module")
def result():
    return run_drill(load_scenario(FLAGSHIP, [TWO_DAYS]), seed=1)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_new_run_directory_has_a_manifest_of_its_files(result, tmp_path):
    out = write_run(result, tmp_path / "run")
    kind, files = manifest(out)
    assert kind == "run"
    assert files == ["events.csv", "events.jsonl", "scenario.json", "summary.json"]
    assert json.loads((out / MANIFEST).read_text())["files"] == files


@pytest.mark.parametrize("target", [".", "", "..", "/"])
def test_cwd_its_ancestors_and_root_are_refused(result, tmp_path, monkeypatch, target):
    work = tmp_path / "work"
    work.mkdir()
    (work / "thesis.tex").write_text("years of work")
    monkeypatch.chdir(work)
    with pytest.raises(OutputDirError, match=r"refusing|empty"):
        write_run(result, Path(target) if target else target)
    assert (work / "thesis.tex").read_text() == "years of work"
    assert sorted(os.listdir(work)) == ["thesis.tex"]
    assert sorted(os.listdir(tmp_path)) == ["work"]


def test_home_is_refused_even_when_empty(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(OutputDirError, match="home directory"):
        check_target(home)


def test_a_directory_drill_did_not_write_is_refused_untouched(result, tmp_path):
    target = tmp_path / "photos"
    target.mkdir()
    (target / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(OutputDirError, match="did not write"):
        write_run(result, target)
    assert _tree(target) == {"cat.jpg": b"\xff\xd8"}
    assert sorted(os.listdir(tmp_path)) == ["photos"]  # no staging directory left


def test_an_existing_file_is_refused(result, tmp_path):
    (tmp_path / "notes").write_text("mine")
    with pytest.raises(OutputDirError, match="not a directory"):
        write_run(result, tmp_path / "notes")
    assert (tmp_path / "notes").read_text() == "mine"


def test_an_empty_directory_is_used(result, tmp_path):
    (tmp_path / "run").mkdir()
    write_run(result, tmp_path / "run")
    assert (tmp_path / "run" / "events.jsonl").is_file()


def test_replacing_a_run_removes_only_the_files_drill_wrote(result, tmp_path):
    out = write_run(result, tmp_path / "run")
    (out / "old-only.txt").write_text("x")
    record(out, "run", ["stale.json"])  # a file the old output had and the new one lacks
    (out / "stale.json").write_text("{}")
    (out / "notes.md").write_text("what we learnt")
    (out / "report-en.html").write_text("<p>kept</p>")
    (out / "plots").mkdir()
    (out / "plots" / "mine.png").write_bytes(b"png")
    other = run_drill(result.scenario, seed=2)
    write_run(other, out)
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == sorted(
        [
            MANIFEST,
            "events.csv",
            "events.jsonl",
            "notes.md",
            "old-only.txt",
            "plots/mine.png",
            "report-en.html",
            "scenario.json",
            "summary.json",
        ]
    )
    assert json.loads((out / "summary.json").read_text())["seed"] == 2
    assert manifest(out)[1] == ["events.csv", "events.jsonl", "scenario.json", "summary.json"]


def test_a_legacy_run_directory_is_replaced_keeping_user_files(result, tmp_path):
    out = tmp_path / "legacy"
    out.mkdir()
    for name in ("events.jsonl", "summary.json", "report.md"):
        (out / name).write_text("old")
    (out / "notes.md").write_text("mine")
    write_run(result, out)
    assert (out / "notes.md").read_text() == "mine"
    assert not (out / "report.md").exists()  # the old run's report no longer applies
    assert (out / "summary.json").read_text() != "old"


def test_a_hostile_manifest_cannot_remove_files_outside(result, tmp_path):
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.png").write_text("keep")
    out = write_run(result, tmp_path / "run")
    (out / "plots").symlink_to(elsewhere)
    doc = {"drill": 1, "kind": "run", "files": ["../precious.txt", str(outside), "plots/x.png"]}
    (out / MANIFEST).write_text(json.dumps(doc))
    write_run(result, out)
    assert outside.read_text() == "keep"
    assert (elsewhere / "x.png").read_text() == "keep"


def test_a_damaged_manifest_is_refused(result, tmp_path):
    out = write_run(result, tmp_path / "run")
    (out / MANIFEST).write_text("{not json")
    with pytest.raises(OutputDirError, match="damaged"):
        write_run(result, out)


def test_outputs_follow_the_umask(result, tmp_path):
    old = os.umask(0o022)
    try:
        out = write_run(result, tmp_path / "run")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    for name in ("events.csv", "summary.json", MANIFEST):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o644, name


def test_prepare_clears_another_kind_but_keeps_user_files(result, tmp_path):
    out = write_run(result, tmp_path / "run")
    (out / "notes.md").write_text("mine")
    prepare(out, "compare")
    assert sorted(os.listdir(out)) == [MANIFEST, "notes.md"]
    assert manifest(out) == ("compare", [])


def test_write_atomic_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    from sim import outdir

    target = tmp_path / "network.png"
    outdir.write_atomic(target, b"old")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~outdir.umask()

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outdir.os, "replace", full)
    with pytest.raises(OSError):
        outdir.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["network.png"]
