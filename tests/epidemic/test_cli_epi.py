"""`drill epi`: the JSON contract, the plot, and bad parameters as exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _main(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch) -> tuple[int, str, str]:
    """Run ``drill epi ARGS`` in-process (the console entry point) → (exit, stdout, stderr)."""
    from sim.cli import main

    monkeypatch.setattr(sys, "argv", ["drill", "epi", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _drill(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", "epi", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.slow  # a subprocess
def test_json_has_p_control_interval_and_weeks() -> None:
    proc = _drill("--r0", "2.5", "--traced", "0.8", "--runs", "200", "--seed", "1", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert 0 <= doc["ci95"][0] <= doc["p_control"] <= doc["ci95"][1] <= 1
    assert doc["runs"] == 200 and doc["controlled"] == round(doc["p_control"] * 200)
    assert doc["mean_cumulative_cases"] >= 20
    assert len(doc["weekly_cases"]["mean"]) == 51


def test_several_traced_values_write_the_plot(tmp_path: Path, capsys, monkeypatch) -> None:
    args = ["--r0", "1.5", "--r0", "2.5", "--traced", "0", "--traced", "0.8", "--runs", "50"]
    code, out, err = _main([*args, "--out", str(tmp_path), "--json"], capsys, monkeypatch)
    assert code == 0, err
    doc = json.loads(out)
    assert len(doc["settings"]) == 4
    png = tmp_path / "p_control_vs_traced.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--k", "0"], "--k"),
        (["--k", "-1"], "--k"),
        (["--asymptomatic", "1.5"], "--asymptomatic"),
        (["--presymptomatic", "-0.1"], "--presymptomatic"),
        (["--traced", "2"], "--traced"),
        (["--runs", "0"], "--runs"),
        (["--delay", "medium"], "--delay"),
    ],
)
def test_bad_parameters_exit_2_with_one_line(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    code, _, err = _main(args if "--runs" in args else [*args, "--runs", "5"], capsys, monkeypatch)
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]


def test_model_hellewell_2020_switches_both_differences_on(capsys, monkeypatch) -> None:
    code, out, _ = _main(
        ["--model", "hellewell-2020", "--r0", "1.5", "--runs", "50", "--json"], capsys, monkeypatch
    )
    assert code == 0
    params = json.loads(out)["params"]
    assert params["shared_delay"] and params["floor_day1"] and params["cap_max_days"] == 365
    code, out, _ = _main(["--r0", "1.5", "--runs", "50", "--json"], capsys, monkeypatch)
    params = json.loads(out)["params"]
    assert not params["shared_delay"] and not params["floor_day1"]
    code, out, _ = _main(["--model", "hellewell-2020", "--runs", "20"], capsys, monkeypatch)
    assert code == 0 and out.startswith("hellewell-2020: R0=2.5")


def test_unknown_model_is_exit_2(capsys, monkeypatch) -> None:
    code, _, err = _main(["--model", "ringbp-2", "--runs", "5"], capsys, monkeypatch)
    assert code == 2
    assert "--model" in err and "hellewell-2020" in err and "Traceback" not in err
