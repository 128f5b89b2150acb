"""Long runs whose stderr is no terminal print a progress line every few seconds."""

from __future__ import annotations

import logging
import threading

from sim import heartbeat


def test_lines_come_every_interval_while_the_block_runs(monkeypatch, capsys):
    monkeypatch.setattr(heartbeat, "INTERVAL_S", 0.01)
    beats = threading.Event()
    calls = []

    def status() -> str:
        calls.append(1)
        if len(calls) >= 3:
            beats.set()
        return f"{len(calls)} of 9 replications"

    with heartbeat.heartbeat(status, enabled=True):
        assert beats.wait(10)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) >= 3
    assert lines[0].startswith("drill: 1 of 9 replications (") and lines[0].endswith(" s)")


def test_disabled_prints_nothing(monkeypatch, capsys):
    monkeypatch.setattr(heartbeat, "INTERVAL_S", 0.001)
    with heartbeat.heartbeat(lambda: "x", enabled=False):
        threading.Event().wait(0.05)
    assert capsys.readouterr().err == ""


def test_wanted_only_off_a_terminal_and_not_when_quiet(monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
    assert heartbeat.wanted(quiet=False)
    assert not heartbeat.wanted(quiet=True)
    logger = logging.getLogger("sim")
    old = logger.level
    logger.setLevel(logging.ERROR)  # drill --quiet
    try:
        assert not heartbeat.wanted(quiet=False)
    finally:
        logger.setLevel(old)
