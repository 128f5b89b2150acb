"""Interrupting a comparison loses nothing finished; --resume completes it exactly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.experiment import compare
from sim.experiment.store import FILENAME, dump

from .common import PLANS, stored

pytestmark = pytest.mark.slow  # subprocess comparisons interrupted by signals

PLAN = PLANS / "more-investigators.yaml"
RUNS = 8
"""16 rows of the short scenario: enough left to interrupt after 4, few to resume."""


def _command(scenario: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sim.cli",
        "compare",
        str(scenario),
        "--plan",
        str(PLAN),
        "--runs",
        str(RUNS),
        "--workers",
        "2",
        "--out",
        str(out),
        "--json",
        *extra,
    ]


def _children(pid: int) -> list[int]:
    """The pool's worker processes (not multiprocessing's resource tracker)."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    workers = []
    for child in map(int, out.stdout.split()):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            workers.append(child)
    return workers


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, short: Path) -> list[tuple]:
    out = tmp_path_factory.mktemp("reference")
    compare(short, [PLAN], runs=RUNS, workers=1, out=out, quiet=True)
    return dump(out / FILENAME)


@pytest.mark.parametrize("how", ["sigint", "sigkill", "worker"])
def test_interrupt_then_resume_equals_uninterrupted(
    how: str, tmp_path: Path, short: Path, reference: list[tuple]
) -> None:
    out = tmp_path / "cmp"
    proc = subprocess.Popen(
        _command(short, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 90
    while stored(out / FILENAME) < 4 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _children(proc.pid)
    if how == "worker":  # one worker dies (e.g. out of memory) in the middle of a batch
        os.kill(workers[0], signal.SIGKILL)
    else:
        proc.send_signal(signal.SIGINT if how == "sigint" else signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    partial = stored(out / FILENAME)
    if proc.returncode == 0:
        pytest.skip("the comparison finished before it could be interrupted")
    assert 0 < partial < 2 * RUNS
    if how == "worker":
        assert proc.returncode == 1
        assert "worker process died" in err and "--resume" in err and "Traceback" not in err
    elif how == "sigkill":
        assert proc.returncode == -signal.SIGKILL
        deadline = time.monotonic() + 10  # orphaned workers notice and exit
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers)
    else:
        assert proc.returncode == 130, err
        assert "--resume" in err and "Traceback" not in err
    # finish in-process (the CLI's --resume is compare(resume=True)): the store must
    # not depend on how many workers wrote it
    compare(short, [PLAN], runs=RUNS, workers=1, out=out, quiet=True, resume=True)
    assert dump(out / FILENAME) == reference


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead but not yet reaped
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"
