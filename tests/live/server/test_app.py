"""The session's web app without a browser: joining, roles, escaping, the fan's hook.

The app is served by uvicorn in a thread and read with the standard library's HTTP
client (cookies kept per client, like one device each), against a live session of
the flagship's first 14 hours (the simulation thread waits at its first inject).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from typing import Any

import pytest
import uvicorn

from sim.live.journal import NullWriter
from sim.live.server import pages
from sim.live.server.app import cookie_name, create_app
from sim.live.session import Session

pytestmark = pytest.mark.slow  # a web server and three simulation threads

HOURS = 14
HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture
def half_day(flagship):
    return flagship.model_copy(
        update={
            "meta": flagship.meta.model_copy(update={"duration_h": HOURS}),
            "injects": [i for i in flagship.injects if i.at_h is None or i.at_h < HOURS],
        }
    )


class Served:
    """The app on a free local port, in a daemon thread."""

    def __init__(self, app: Any):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{port}"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


class Device:
    """One browser: its own cookies; follows redirects like one."""

    def __init__(self, served: Served):
        self.base = served.base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = None if data is None else urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=30) as r:
                return r.status, r.url.removeprefix(self.base), r.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, path, err.read().decode()

    def act(self, role: str, **data: str) -> dict[str, Any]:
        return json.loads(self.open(f"/v/{role}/act", data)[2])

    def token(self, role: str) -> str | None:
        return next((c.value for c in self.jar if c.name == cookie_name(role)), None)


def _wait_stop(session: Session, after: int = -1) -> Any:
    with session.cond:
        session.cond.wait_for(
            lambda: session.finished or (session.stop is not None and session.stop.index > after),
            timeout=120,
        )
        return session.stop


def _finish(session: Session, thread: Any) -> None:
    last = -1
    while (stop := _wait_stop(session, last)) is not None and not session.finished:
        last = stop.index
        if stop.inject is not None and stop.inject["type"] == "decision":
            session.act("choose", option=stop.inject["options"][0]["id"])
        session.act("release")
    thread.join(timeout=120)


def test_devices_join_by_pin_and_wait_for_the_controller(half_day) -> None:
    session = Session(half_day, 7, NullWriter())
    app, access = create_app(session)
    thread = session.start()
    served = Served(app)
    try:
        _wait_stop(session)
        phone, laptop = Device(served), Device(served)
        # no token, no view; a wrong PIN is refused
        assert phone.open("/v/control")[1] == "/join"
        wrong = "000000" if access.pin != "000000" else "111111"
        assert phone.open("/join", {"pin": wrong, "role": "room", "name": "x"})[0] == 403
        # the right PIN: the device waits until the controller approves it
        _, where, text = phone.open("/join", {"pin": access.pin, "role": "room", "name": "投影仪"})
        assert where == "/wait" and "等待导演组批准" in text
        assert phone.open("/v/room")[1] == "/join"
        (device,) = session.devices
        assert laptop.open(f"/control?key={access.tokens['control']}")[1] == "/v/control"
        assert "投影仪" in laptop.open("/v/control")[2]
        assert laptop.act("control", do="approve", device=device) == {"ok": True}
        _, where, text = phone.open("/wait")
        assert where == "/v/room" and 'data-inject="push-list"' in text
        # the room's cookie is its own: it opens no other role's view, and cannot act
        assert phone.token("room") == access.tokens["room"]
        assert phone.open("/v/control")[1] == "/join"
        assert "error" in phone.act("room", do="release")
        # nobody joins as the controller
        assert phone.open("/join", {"pin": access.pin, "role": "control", "name": "x"})[0] == 403
        # a device the controller denies stays outside
        stranger = Device(served)
        stranger.open("/join", {"pin": access.pin, "role": "eval", "name": "陌生设备"})
        other = next(d for d, v in session.devices.items() if v["name"] == "陌生设备")
        assert laptop.act("control", do="deny", device=other) == {"ok": True}
        assert "未批准" in stranger.open("/wait")[2]
        assert stranger.open("/v/eval")[1] == "/join"
    finally:
        served.close()
        _finish(session, thread)


def test_text_is_escaped_and_the_room_never_sees_the_expected_action(half_day) -> None:
    session = Session(half_day, 7, NullWriter())
    thread = session.start()
    try:
        stop = _wait_stop(session)
        session.act("ask", question=HOSTILE, answer=HOSTILE)
        session.act("answer", text=HOSTILE, by="data_verification_tf")
        with session.cond:
            control = pages.state_html(session, "control") + pages.form_html(session, "control")
            room = pages.state_html(session, "room") + pages.form_html(session, "room")
            tf = pages.state_html(session, "tf-data_verification_tf")
        assert HOSTILE not in control and "&lt;img src=x onerror=&quot;" in control
        expected = stop.inject["expected"]
        assert expected and expected in control
        assert expected not in room and expected not in tf
        assert "导演组备注" not in room and "后续注入" not in room  # no notes, no MSEL ahead
    finally:
        _finish(session, thread)


def test_a_decisions_fan_starts_when_it_is_delivered_and_is_revealed(half_day) -> None:
    asked: list[tuple[str, dict[str, str]]] = []

    def fan(iid: str, premises: dict[str, str], progress: Any) -> dict[str, Any]:
        asked.append((iid, premises))
        progress(1, 1)
        return {"inject": iid, "runs": 20, "options": []}

    session = Session(half_day, 7, NullWriter())
    app, access = create_app(session, fan)
    thread = session.start()
    served = Served(app)
    laptop = Device(served)
    laptop.open(f"/control?key={access.tokens['control']}")
    try:
        last = -1
        while (stop := _wait_stop(session, last)) is not None:
            last = stop.index
            if stop.inject is not None and stop.inject["type"] == "decision":
                break
            session.act("release")
        assert stop is not None
        iid = stop.inject["id"]
        with session.cond:
            session.cond.wait_for(lambda: session.fans.get(iid, {}).get("status") == "done", 30)
        assert asked == [(iid, {})]
        assert laptop.act("control", do="reveal", inject=iid) == {"ok": True}
        assert session.fans[iid]["revealed"]
        with session.cond:
            assert re.search(r'id="fans"', pages.state_html(session, "room"))
    finally:
        served.close()
        _finish(session, thread)


def test_fans_run_one_at_a_time_the_latest_decision_first(half_day) -> None:
    gate, order = threading.Event(), []

    def fan(iid: str, premises: dict[str, str], progress: Any) -> dict[str, Any]:
        order.append(iid)
        if len(order) == 1:
            gate.wait(60)  # the first fan is still running when the next decisions come
        return {"inject": iid, "runs": 20, "options": []}

    session = Session(half_day, 7, NullWriter())
    create_app(session, fan)
    thread = session.start()
    decisions: list[str] = []
    try:
        _finish_recording(session, decisions, lambda: bool(order))
        assert len(decisions) == 3
        with session.cond:
            states = [session.fans[d]["status"] for d in decisions]
        assert states == ["running", "queued", "queued"]
    finally:
        gate.set()
        thread.join(timeout=120)
    with session.cond:
        session.cond.wait_for(
            lambda: all(session.fans[d]["status"] == "done" for d in decisions), 30
        )
    assert order == [decisions[0], decisions[2], decisions[1]]


def _finish_recording(session: Session, decisions: list[str], started: Any) -> None:
    """Play to the end choosing the first option; the first decision is released only
    once its fan has started."""
    last = -1
    while (stop := _wait_stop(session, last)) is not None and not session.finished:
        last = stop.index
        if stop.inject is not None and stop.inject["type"] == "decision":
            decisions.append(stop.inject["id"])
            session.act("choose", option=stop.inject["options"][0]["id"])
            deadline = time.monotonic() + 30
            while not started() and time.monotonic() < deadline:
                time.sleep(0.05)
        session.act("release")
