"""The report in a real browser: headless Chromium screenshots it and loads every plot.

CI installs Chromium (see .ci/run), so there the test fails rather than skips
when the browser is missing; elsewhere it skips with the install hint.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

pytestmark = pytest.mark.slow  # headless Chromium, on the report of a full flagship run

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _chromium() -> str:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is missing in CI (.ci/run installs it)")
    pytest.skip("chromium not installed: apt-get install -y chromium")


def _run(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_chromium(), *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_report_screenshot_is_not_blank(report_dir, tmp_path):
    shot = tmp_path / "report.png"
    url = (report_dir / "report.html").resolve().as_uri()
    r = _run([f"--screenshot={shot}", "--window-size=1280,4000", url], tmp_path)
    assert shot.exists(), r.stderr[-2000:]
    pixels = image.imread(shot)[..., :3]
    assert pixels.shape[:2] == (4000, 1280)
    assert pixels.std() > 0.05  # text, tables and plots, not a blank page
    # the plots area (coloured bars) is there: many pixels are far from grey
    saturation = pixels.max(axis=2) - pixels.min(axis=2)
    assert np.mean(saturation > 0.3) > 0.005


def test_every_plot_image_loads(report_dir, tmp_path):
    url = (report_dir / "report.html").resolve().as_uri()
    r = _run(["--virtual-time-budget=10000", "--dump-dom", url], tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    found = re.search(r'id="img-check" data-loaded="(\d+)/(\d+)"', r.stdout)
    assert found, r.stdout[-500:]
    loaded, total = map(int, found.groups())
    assert total == 5 and loaded == total


def test_a_three_plan_comparison_prints_on_a_few_a4_pages(three_plans, tmp_path):
    pdf = tmp_path / "comparison.pdf"
    url = (three_plans / "report.html").resolve().as_uri()
    r = _run([f"--print-to-pdf={pdf}", "--no-pdf-header-footer", url], tmp_path)
    assert pdf.exists(), r.stderr[-2000:]
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert 1 <= pages <= 6, pages
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert sizes and all(abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2 for w, h in sizes)
