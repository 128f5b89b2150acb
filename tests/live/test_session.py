"""A live session: controller actions, the exercise clock, resume and replay from the journal.

The flagship cut to its first 14 hours (five injects, two decisions) keeps each run
short.  A "controller" script acts at each pause through :meth:`Session.act`,
exactly as the web views do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sim.api import FLAGSHIP
from sim.live.journal import JournalWriter, NullWriter, load_journal
from sim.live.session import ActionRefused, Session

HOURS = 14


@pytest.fixture(scope="module")
def half_day(flagship):
    scn = flagship
    return scn.model_copy(
        update={
            "meta": scn.meta.model_copy(update={"duration_h": HOURS}),
            "injects": [i for i in scn.injects if i.at_h is None or i.at_h < HOURS],
        }
    )


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# what the controller does, by pause: (action, fields); every pause then answers and releases
SCRIPT: dict[int, list[tuple[str, dict[str, Any]]]] = {
    0: [
        ("ask", {"question": "名单谁来核？", "answer": "网格员"}),
        ("fire", {"inject": "lab-machine-fails"}),
        ("adhoc", {"text": "请报告采样点开放情况", "target": "testing_tf"}),
        ("skip", {"inject": "zone-seal", "reason": "另行处置"}),
    ],
    2: [
        ("defer", {"inject": "direct-report-outage", "hours": 2}),
        ("fire", {"inject": "push-list"}),  # from the deck: delivered a second time
    ],
}


def _stop_after(session: Session, last: int):
    with session.cond:
        session.cond.wait_for(
            lambda: session.finished or (session.stop is not None and session.stop.index > last),
            timeout=120,
        )
        return None if session.stop is None or session.stop.index <= last else session.stop


def _respond(session: Session, stop: Any) -> None:
    inj = stop.inject
    if inj is None:
        return
    if inj["type"] == "decision":
        session.act("choose", option=inj["options"][-1]["id"], by=inj["target"])
    else:
        session.act("answer", text=f"收到：{inj['title']}", by=inj["target"] or inj["called"])


def drive(session: Session, only_release: int | None = None) -> list[str]:
    """Play the session to its end with :data:`SCRIPT`; return the pauses' injects."""
    thread = session.start()
    seen, last = [], -1
    while (stop := _stop_after(session, last)) is not None:
        last = stop.index
        seen.append(stop.at)
        if stop.index != only_release:
            for do, fields in SCRIPT.get(stop.index, []):
                session.act(do, **fields)
            _respond(session, stop)
        session.act("release")
    thread.join(timeout=120)
    assert session.error is None and session.result is not None
    return seen


def _rows(session: Session) -> list[dict[str, Any]]:
    assert session.result is not None
    return [e.row() for e in session.result.log]


@pytest.mark.slow  # three drills, and an fsync per journal entry (seconds on a busy disk)
def test_controller_actions_resume_and_replay_give_one_event_log(half_day, tmp_path: Path):
    path = tmp_path / "j.yaml"
    header = {"scenario": half_day.meta.id, "seed": 7, "session": {"file": str(FLAGSHIP)}}
    live = Session(half_day, 7, JournalWriter(path, header))
    seen = drive(live)
    # fired now, it comes right after the first inject; the ad-hoc inject after it
    assert seen[:4] == ["push-list", "lab-machine-fails", "ad-hoc-1", "push-list"]
    assert seen.count("lab-machine-fails") == 1  # its own time (11 h) no longer fires it
    assert "zone-seal" not in seen
    log = live.result.log
    outage = log.first("inject", entity="direct-report-outage")
    assert outage is not None
    assert outage.t == pytest.approx(6 + 2)  # deferred by two hours from 06:00
    assert log.first("ad_hoc_question").details["answer"] == "网格员"
    skipped = log.first("inject_skipped", entity="zone-seal")
    assert skipped is not None and skipped.details["reason"] == "controller: 另行处置"
    # what changed is told to the room: the failed machines, the skipped inject
    told = [c["text"] for c in live.changes]
    assert "县核酸检测实验室 检测设备 6 → 2 台" in told
    assert any(text.startswith("跳过：") for text in told)
    assert any(text.startswith("决策：") for text in told)  # and each decision, with its delay
    full = path.read_text(encoding="utf-8")

    # the laptop dies at a pause whose actions are journalled but not yet released
    lines = full.splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if '"do": "release"' in line)
    path.write_text("".join(lines[:cut]) + lines[cut][:20], encoding="utf-8")  # torn write
    journal = load_journal(path, half_day)
    resumed = Session(half_day, 7, JournalWriter(path), recorded=journal)
    assert drive(resumed, only_release=0) == seen
    assert _rows(resumed) == _rows(live)

    # an uninterrupted replay of the finished journal (drill play --answers JOURNAL)
    replay = Session(half_day, 7, NullWriter(), recorded=load_journal(path, half_day), live=False)
    replay.run()
    assert _rows(replay) == _rows(live)


@pytest.mark.slow  # one drill played to a time jump and beyond
def test_a_time_jump_skips_what_is_due_and_stops_there(half_day) -> None:
    session = Session(half_day, 7, NullWriter())
    thread = session.start()
    try:
        stop = _stop_after(session, -1)
        assert stop is not None and stop.at == "push-list"
        session.act("jump", to_h=10)
        session.act("release")
        seen = []
        while (stop := _stop_after(session, stop.index)) is not None:
            seen.append((stop.at, stop.view["situation"]["t"]))
            if stop.at == "@hold":
                break
            _respond(session, stop)
            session.act("release")
        assert stop is not None and stop.view["situation"]["t"] == pytest.approx(10)
        assert "direct-report-outage" not in [at for at, _ in seen]  # due at 6 h: skipped
        assert all(t < 10 for at, t in seen if at != "@hold")  # triggered injects still came
    finally:
        _finish(session)
        thread.join(timeout=120)
    skipped = session.result.log.first("inject_skipped", entity="direct-report-outage")
    assert skipped.details["reason"].startswith("controller: time jump to")


def test_the_clock_holds_the_countdown_and_the_room(half_day, tmp_path: Path):
    clock = Clock()
    session = Session(half_day, 7, NullWriter(), answer_minutes=10, clock=clock)
    thread = session.start()
    try:
        stop = _stop_after(session, -1)
        assert stop is not None and stop.at == "push-list"
        clock.now += 60
        assert session.remaining_s() == pytest.approx(540)
        session.hold()
        clock.now += 3600  # an hour's break: the countdown does not move
        assert session.remaining_s() == pytest.approx(540)
        with pytest.raises(ActionRefused):
            session.act("answer", text="收到", by="data_verification_tf")
        with pytest.raises(ActionRefused):
            session.act("release")
        session.resume()
        clock.now += 30
        assert session.remaining_s() == pytest.approx(510)
        with pytest.raises(ActionRefused):  # only the targeted task force answers from its view
            session.act("answer", text="收到", by="tracing_tf")
        session.act("release")
        # nothing was delivered while the clock held, and after it only the next inject
        nxt = _stop_after(session, stop.index)
        assert nxt is not None and nxt.index == stop.index + 1
        while nxt is not None and nxt.inject["type"] != "decision":
            session.act("release")
            nxt = _stop_after(session, nxt.index)
        assert nxt is not None
        with pytest.raises(ActionRefused):  # a decision has no silent default
            session.act("release")
    finally:
        _finish(session)
        thread.join(timeout=120)


def _finish(session: Session) -> None:
    last = -1
    while (stop := _stop_after(session, last)) is not None:
        last = stop.index
        if session.held_since is not None:
            session.resume()
        if stop.inject is not None and stop.inject["type"] == "decision":
            session.act("choose", option=stop.inject["options"][0]["id"])
        session.act("release")


@pytest.mark.slow  # two drills of 14 hours
def test_an_inject_can_follow_the_rooms_decision(half_day) -> None:
    from sim.api import run_drill
    from sim.injects.msel import Scripted
    from sim.scenario.injects import Inject

    follow = Inject.model_validate(
        {
            "id": "why-wait",
            "trigger": {"on": "decision_made", "where": {"option": "wait_full"}},
            "target": "tracing_tf",
            "type": "information",
            "subject": "tracing",
            "message": "指挥部追问：为何不立即再次流调？",
        }
    )
    scn = half_day.model_copy(update={"injects": [*half_day.injects, follow]})
    for choice, comes in (("wait_full", True), ("reinterview", False)):
        log = run_drill(scn, 7, Scripted({"venue-finding": choice})).log
        assert (log.first("inject", entity="why-wait") is not None) is comes


@pytest.mark.slow  # one played drill of 14 hours and its replay
def test_an_inject_can_follow_an_evaluation(half_day, tmp_path: Path) -> None:
    from sim.scenario.injects import Inject

    follow = Inject.model_validate(
        {
            "id": "redo-list",
            "trigger": {
                "on": "action_evaluated",
                "where": {"entity": "push-list", "rating": "not_met"},
            },
            "target": "data_verification_tf",
            "type": "information",
            "subject": "data_verification",
            "message": "指挥部要求：重新核查推送名单",
        }
    )
    scn = half_day.model_copy(update={"injects": [*half_day.injects, follow]})
    path = tmp_path / "j.yaml"
    header = {"scenario": scn.meta.id, "seed": 7, "session": {"file": str(FLAGSHIP)}}
    session = Session(scn, 7, JournalWriter(path, header))
    thread = session.start()
    seen, last = [], -1
    while (stop := _stop_after(session, last)) is not None:
        last = stop.index
        seen.append(stop.at)
        if stop.at == "push-list" and stop.index == 0:
            session.act("evaluate", by="eval", pause=0, rating="not_met", note="未核对")
        _respond(session, stop)
        session.act("release")
    thread.join(timeout=120)
    assert session.error is None and session.result is not None
    assert seen[:2] == ["push-list", "redo-list"]  # it follows the verdict at once
    logged = session.result.log.first("action_evaluated")
    assert logged is not None and logged.entity == "push-list"
    assert logged.details == {"rating": "not_met", "note": "未核对"}
    assert logged.agent == "data_verification_tf"
    assert session.record_of()["evaluations"][0]["pause"] == 0

    replay = Session(scn, 7, NullWriter(), recorded=load_journal(path, scn), live=False)
    replay.run()
    assert _rows(replay) == _rows(session)
    # a verdict given when no pause is open (after the end) is the record only
    entry = session.act("evaluate", by="eval", pause=0, rating="met", note="")
    assert "of" not in entry and entry["pause"] == 0
    assert len(session.result.log.of("action_evaluated")) == 1
