"""`drill run` writes the report by default; `drill report` rebuilds it; bad input exits 2.

Run in-process through the console entry point (``sim.cli.main``) to keep the
suite fast; the exit-code mapping is the one the installed command uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import drill as _drill

TWO_DAYS = str(Path(__file__).resolve().parent / "two_days.yaml")


@pytest.mark.slow  # renders a report (plots and a font subset, ~3 s)
def test_run_writes_report_by_default(tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    code, _, err = _drill(
        monkeypatch, capsys, "run", "--plan", TWO_DAYS, "--seed", "4", "--out", str(out), "--json"
    )
    assert code == 0, err
    assert (out / "report.html").exists() and (out / "report.md").exists()
    assert (out / "improvement_plan.csv").exists()
    assert '<html lang="zh">' in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [["report", "{tmp}/nothing"], ["report", "{tmp}", "--lang", "fr"], ["report", "{tmp}"]],
)
def test_bad_report_input_exits_2_with_one_line(tmp_path, monkeypatch, capsys, args):
    code, _, err = _drill(monkeypatch, capsys, *(a.format(tmp=tmp_path) for a in args))
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err


def test_no_report(tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    code, _, err = _drill(
        monkeypatch,
        capsys,
        *("run", "--plan", TWO_DAYS, "--seed", "4", "--out", str(out), "--no-report", "--json"),
    )
    assert code == 0, err
    assert (out / "summary.json").exists() and not (out / "report.html").exists()
