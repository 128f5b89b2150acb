"""drill installs like any package: a non-editable install runs from anywhere."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source") / "drill"  # pip builds in the tree it is given
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".*", "build", "dist", "*.egg-info", "reports", "__pycache__", "benchmarks"
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (found,) = out.glob("drill-*.whl")
    return found


def test_wheel_carries_scenarios_license_and_typing_marker(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for source in (ROOT / "scenarios").rglob("*.yaml"):
        assert f"sim/scenarios/{source.relative_to(ROOT / 'scenarios').as_posix()}" in names
    assert "sim/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith("/LICENSE") for n in names)
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    assert f"Version: {sim.__version__}" in text
    assert "Classifier: Typing :: Typed" in text


def test_installed_drill_runs_the_bundled_flagship_from_elsewhere(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, timeout=300
    )
    # the dependencies come from this environment; drill itself only from the wheel
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    drill = env_dir / "bin" / "drill"
    version = subprocess.run([drill, "--version"], capture_output=True, text=True, cwd=work)
    assert version.stdout.strip() == f"drill {sim.__version__}"
    where = subprocess.run(
        [python, "-c", "import sim.api; print(sim.api.FLAGSHIP)"],
        capture_output=True,
        text=True,
        cwd=work,
        check=True,
    ).stdout.strip()
    assert where.startswith(site), where  # the wheel's copy, not this checkout's
    proc = subprocess.run(
        [drill, "run", "--seed", "1", "--no-report", "--json", "--out", "run"],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (work / "run" / "events.jsonl").is_file()
