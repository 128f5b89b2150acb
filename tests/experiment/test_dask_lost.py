"""Losing the Dask workers or the scheduler: one line with the --resume hint, no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.experiment.store import FILENAME

from .common import stored

pytest.importorskip("dask.distributed")
DASK = Path(sys.executable).with_name("dask")
pytestmark = pytest.mark.slow


def _wait(predicate, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.2)


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and one worker on the loopback interface, as separate processes."""
    info = tmp_path / "scheduler.json"
    common = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": tmp_path}
    scheduler = subprocess.Popen(
        [
            DASK,
            "scheduler",
            *("--host", "127.0.0.1", "--port", "0", "--no-dashboard"),
            *(
                "--scheduler-file",
                str(info),
            ),
        ],
        **common,
    )
    _wait(info.exists)
    worker = subprocess.Popen(
        [
            DASK,
            "worker",
            "--scheduler-file",
            str(info),
            "--nthreads",
            "1",
            "--no-nanny",
            *("--no-dashboard",),
        ],
        **common,
    )
    address = json.loads(info.read_text())["address"]
    yield {"address": address, "scheduler": scheduler, "worker": worker}
    for proc in (worker, scheduler):
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


@pytest.mark.parametrize("lost", ["worker", "scheduler"])
def test_lost_cluster_is_one_line_with_the_resume_hint(cluster, short, tmp_path, lost):
    out = tmp_path / "cmp"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "compare",
            str(short),
            "--runs",
            "60",
            *(
                "--scheduler",
                cluster["address"],
                "--out",
                str(out),
                "--json",
            ),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait(lambda: stored(out / FILENAME) >= 2, timeout=120)
        os.kill(cluster[lost].pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Dask cluster was lost" in lines[0] and "--resume" in lines[0]
    assert "Traceback" not in err


def test_unreachable_scheduler_is_bad_input(short, tmp_path, monkeypatch, capsys):
    from tests.hardening.common import drill, one_line

    code, _, err = drill(
        monkeypatch,
        capsys,
        "compare",
        short,
        "--runs",
        "1",
        "--scheduler",
        "tcp://127.0.0.1:9",
        "--out",
        tmp_path / "c",
        "--json",  # no progress lines while it tries
    )
    assert code == 2
    assert "cannot reach the Dask scheduler" in one_line(err)
    assert not (tmp_path / "c").exists()  # refused before anything was written
