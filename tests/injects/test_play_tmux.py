"""Live play in a real terminal: `drill play` under tmux, driven with send-keys.

The console must show the inject, take an ad-hoc question, refuse a wrong
choice, accept a right one, and the choice must change what the simulation
does.  The saved session must replay to the very same event log.  CI installs
tmux (see .ci/run), so there this test runs rather than skips.
"""

from __future__ import annotations

import math
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim import load_scenario
from sim.api import FLAGSHIP, run_drill, write_run
from sim.injects.answers import load_answers
from sim.injects.msel import Scripted
from sim.live.play import play_drill

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
# the venue premise (a busy supermarket before a 12-h result, seed 5), then one inject
PLANS = [DATA / "venue-premise.yaml", DATA / "one-decision.yaml"]
TMUX = shutil.which("tmux")

pytestmark = [
    pytest.mark.slow,  # a real terminal and a subprocess running the drill
    pytest.mark.skipif(
        TMUX is None and not os.environ.get("CI"), reason="tmux not installed (CI installs it)"
    ),
]


class Pane:
    """A detached tmux session on a private server socket, with bounded polling."""

    def __init__(self, socket: str, command: str):
        assert TMUX is not None, "tmux is required in CI"
        self.base = [TMUX, "-L", socket]
        self.run("new-session", "-d", "-s", "drill", "-x", "150", "-y", "50", command)

    def run(self, *args: str) -> str:
        return subprocess.run(
            [*self.base, *args], capture_output=True, text=True, check=True, timeout=10
        ).stdout

    def text(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-S", "-2000", "-t", "drill")

    def wait(self, needle: str, count: int = 1, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.text()
            if screen.count(needle) >= count:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} (x{count}) never appeared; screen:\n{self.text()}")

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "drill", "-l", text)
        self.run("send-keys", "-t", "drill", "Enter")

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True, check=False, timeout=10)


def test_live_console_shows_the_inject_and_the_choice_changes_the_outcome(tmp_path) -> None:
    out, save = tmp_path / "live", tmp_path / "session.yaml"
    command = " ".join(
        shlex.quote(str(a))
        for a in (
            sys.executable,
            "-m",
            "sim.cli",
            "play",
            "--no-report",  # the AAR is written after the session; not read here
            FLAGSHIP,
            "--plan",
            PLANS[0],
            "--plan",
            PLANS[1],
            "--lang",
            "en",
            "--out",
            out,
            "--save",
            save,
        )
    )
    pane = Pane(
        f"drill-test-{os.getpid()}",
        f"cd {shlex.quote(str(ROOT))} && {command}; echo DRILL-EXIT=$?; sleep 60",
    )
    try:
        screen = pane.wait("Choose (")
        assert "venue-finding" in screen and "supermarket" in screen
        assert "Tracing task force" in screen  # the target role
        assert "Confirmed cases" in screen and "Quarantine rooms left" in screen
        pane.type("?")
        pane.wait("Ad-hoc question")
        pane.type("Who pulls the venue codes?")
        pane.wait("Answer on the spot")
        pane.type("The police big-data team")
        pane.wait("Choose (", count=2)
        pane.type("")  # Enter alone takes no default: the room must choose
        pane.wait("there is no default")
        pane.type("later")
        pane.wait("not an option: later")
        pane.type("1")
        pane.wait("chosen: reinterview")
        screen = pane.wait("DRILL-EXIT=", timeout=30)
        assert "DRILL-EXIT=0" in screen, screen
    finally:
        pane.close()

    scenario = load_scenario(FLAGSHIP, PLANS)
    live = (out / "events.csv").read_text(encoding="utf-8")
    assert "decision_made,venue-finding" in live and '""option"": ""reinterview""' in live
    assert "ad_hoc_question,venue-finding" in live and "Who pulls the venue codes?" in live
    # the saved session replays, without a terminal, to the same log byte for byte
    sheet = load_answers(save, scenario)
    replayed = play_drill(scenario, answers=sheet)
    replay = write_run(replayed, tmp_path / "replay")
    assert (replay / "events.csv").read_bytes() == (out / "events.csv").read_bytes()
    # the other choice gives another outcome: the venue contacts the re-interview
    # revealed are isolated later (or not at all) when the room waits
    other = run_drill(scenario, facilitator=Scripted({"venue-finding": "wait_full"})).log
    revealed = [e.entity for e in replayed.log.of("contact_identified", stage="inject")]
    assert revealed
    iso_live = {e.entity: e.t for e in reversed(replayed.log.of("isolated"))}
    iso_other = {e.entity: e.t for e in reversed(other.of("isolated"))}
    for person in revealed:
        assert iso_live[person] < iso_other.get(person, math.inf)
