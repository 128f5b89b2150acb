"""The report is staged and moved into place: a failure leaves the directory as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sim.report.build
from sim.outdir import MANIFEST, manifest
from sim.report import write_report


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def run_copy(report_dir, tmp_path) -> Path:
    out = tmp_path / "run"
    shutil.copytree(report_dir, out)
    return out


@pytest.mark.slow  # renders a whole report (≈ 3 s of CPU)
def test_report_files_join_the_manifest(run_copy):
    write_report(run_copy, "en")
    kind, files = manifest(run_copy)
    assert kind == "run"
    for name in ("report.html", "report.md", "improvement_plan.csv", "findings.json"):
        assert name in files
    assert any(f.startswith("plots/") and f.endswith(".png") for f in files)
    assert all((run_copy / f).is_file() for f in files)


@pytest.mark.slow  # renders a whole report (≈ 3 s of CPU)
def test_a_failing_report_leaves_the_previous_state(run_copy, monkeypatch):
    write_report(run_copy, "zh")
    before = _tree(run_copy)

    def boom(report, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sim.report.build, "render_markdown", boom)  # the name write_report calls
    with pytest.raises(OSError):
        write_report(run_copy, "en")
    assert _tree(run_copy) == before
    assert not [p for p in run_copy.iterdir() if p.name.startswith(".drill-staging")]


@pytest.mark.slow  # renders a whole report (≈ 3 s of CPU)
def test_a_failing_write_leaves_no_empty_png(run_copy, monkeypatch):
    write_report(run_copy, "zh")
    before = _tree(run_copy)
    real = Path.write_bytes

    def full_disk(self, data):
        if self.suffix == ".png":
            real(self, b"")
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(OSError):
        write_report(run_copy, "en")
    assert _tree(run_copy) == before
    assert MANIFEST in before


@pytest.mark.slow  # renders a whole report (≈ 3 s of CPU)
def test_a_link_out_of_the_directory_is_not_followed(run_copy, tmp_path):
    from sim.outdir import OutputDirError

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(run_copy / "plots")
    (run_copy / "plots").symlink_to(elsewhere)
    before = _tree(run_copy)
    with pytest.raises(OutputDirError, match="link out of the output directory"):
        write_report(run_copy, "en")
    assert list(elsewhere.iterdir()) == []
    assert _tree(run_copy) == before
