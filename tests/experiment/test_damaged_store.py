"""A damaged results store is named as damaged; comparison.json is strict JSON."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sim.experiment import ExperimentError, compare, parse_precision
from sim.experiment.store import FILENAME, StoreDamaged
from tests.hardening.common import drill, one_line


@pytest.fixture
def stored(small: Path, tmp_path: Path) -> Path:
    out = tmp_path / "cmp"
    compare(small, [], runs=2, workers=1, out=out, quiet=True)
    return out


def _garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # header fields and the first page's b-tree
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    ["garbled", "not-sqlite", "empty-json"],
)
def test_resume_of_a_damaged_store_is_exit_2_with_what_to_do(
    stored, small, monkeypatch, capsys, damage
):
    path = stored / FILENAME
    if damage == "garbled":
        _garble(path)
    elif damage == "not-sqlite":
        path.write_text("these are my notes, not a database\n")
    else:
        db = sqlite3.connect(path)
        with db:
            db.execute("UPDATE replications SET metrics = '{not json'")
        db.close()
    code, _, err = drill(
        monkeypatch,
        capsys,
        "compare",
        small,
        *("--runs", "2", "--workers", "1"),
        *("--out", str(stored), "--resume", "--json"),
    )
    assert code == 2, err
    line = one_line(err.replace("drill: note", "").strip())
    assert "damaged" in line and str(path) in line
    assert "changed" not in line  # not the misleading "the scenario changed"


def test_without_resume_a_damaged_store_is_replaced(stored, small, capsys):
    _garble(stored / FILENAME)
    doc, _ = compare(small, [], runs=2, workers=1, out=stored, quiet=True)
    assert "damaged" in capsys.readouterr().err
    assert len(doc["plans"]) == 1
    with pytest.raises(StoreDamaged):  # unchanged API: still an ExperimentError (exit 2)
        raise StoreDamaged("x")
    assert issubclass(StoreDamaged, ExperimentError)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1", "x", "m=nan"])
def test_precision_must_be_finite_and_positive(value):
    with pytest.raises(ExperimentError):
        parse_precision([value])


def test_comparison_json_is_strict(stored):
    def strict(token: str) -> None:
        raise AssertionError(f"non-standard JSON token {token}")

    json.loads((stored / "comparison.json").read_text(encoding="utf-8"), parse_constant=strict)


def test_comparison_files_follow_the_umask(small, tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = tmp_path / "cmp"
        compare(small, [], runs=1, workers=1, out=out, quiet=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    for name in ("comparison.json", FILENAME, ".drill-output.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o644, name


def test_a_statistic_that_is_not_finite_is_written_as_null(tmp_path):
    from sim.experiment import write_comparison
    from sim.outdir import prepare

    prepare(tmp_path / "c", "compare")
    path = write_comparison({"x": float("nan"), "y": [1.0, float("inf")]}, tmp_path / "c")
    assert json.loads(path.read_text(encoding="utf-8")) == {"x": None, "y": [1.0, None]}
