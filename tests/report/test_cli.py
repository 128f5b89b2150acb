"""`drill run` writes the report by default; `drill report` rebuilds it; bad input exits 2."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _drill(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_run_writes_report_by_default_and_report_command(tmp_path):
    out = tmp_path / "run"
    r = _drill("run", "--seed", "4", "--out", str(out), "--json")
    assert r.returncode == 0, r.stderr
    assert (out / "report.html").exists() and (out / "report.md").exists()
    (out / "report.html").unlink()
    r = _drill("report", str(out), "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert '<html lang="en">' in (out / "report.html").read_text(encoding="utf-8")


def test_no_report_and_bad_directory(tmp_path):
    out = tmp_path / "run"
    r = _drill("run", "--seed", "4", "--out", str(out), "--no-report", "--json")
    assert r.returncode == 0, r.stderr
    assert (out / "summary.json").exists() and not (out / "report.html").exists()
    r = _drill("report", str(tmp_path / "nothing"))
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    r = _drill("report", str(out), "--lang", "fr")
    assert r.returncode == 2
