"""Golden regression: one whole small run against baselines committed beside this file.

The run is the flagship's first three days (``three_days.yaml``, the MSEL with
its default choices included), seed 7: all nine subjects act in it.  Its
``summary.json`` must equal ``baseline/summary.json`` byte for byte, and its
``events.csv`` must hash to the SHA-256 in ``baseline/events.json`` (which also
keeps the number of events of each kind, to show where a changed log differs).

Any change to what the simulation does — an event more or less, a time, a count,
a random draw taken from another stream — fails here.  When the change is
deliberate, rewrite the baselines and commit them with it::

    DRILL_UPDATE_GOLDEN=1 python -m pytest tests/golden

then read ``git diff tests/golden`` to check that the summary moved as intended
(see ``tests/golden/README.md``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from sim import load_scenario, run_drill
from sim.api import FLAGSHIP, write_run

HERE = Path(__file__).resolve().parent
PLAN = HERE / "three_days.yaml"
BASELINE = HERE / "baseline"
SEED = 7
UPDATE = os.environ.get("DRILL_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def golden_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden run, written as ``drill run`` writes it."""
    result = run_drill(load_scenario(FLAGSHIP, [PLAN]), SEED)
    return write_run(result, tmp_path_factory.mktemp("golden") / "run")


def _events_record(events_csv: Path) -> dict:
    data = events_csv.read_bytes()
    kinds = Counter(line.split(b",", 5)[4].decode() for line in data.splitlines()[1:])
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "events": sum(kinds.values()),
        "kinds": dict(sorted(kinds.items())),
    }


def _update(name: str, text: str) -> None:
    BASELINE.mkdir(exist_ok=True)
    (BASELINE / name).write_text(text, encoding="utf-8")
    pytest.skip(f"DRILL_UPDATE_GOLDEN=1: rewrote {BASELINE / name}; review and commit it")


def test_summary_equals_the_baseline(golden_run: Path) -> None:
    got = (golden_run / "summary.json").read_text(encoding="utf-8")
    if UPDATE:
        _update("summary.json", got)
    want = (BASELINE / "summary.json").read_text(encoding="utf-8")
    assert json.loads(got) == json.loads(want)  # a readable diff of what moved
    assert got == want  # and the very bytes drill writes


def test_event_log_hashes_to_the_baseline(golden_run: Path) -> None:
    got = _events_record(golden_run / "events.csv")
    if UPDATE:
        _update("events.json", json.dumps(got, indent=2) + "\n")
    want = json.loads((BASELINE / "events.json").read_text(encoding="utf-8"))
    assert got["kinds"] == want["kinds"]  # which kinds of event changed, if any
    assert got == want
