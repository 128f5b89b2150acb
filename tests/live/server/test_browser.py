"""The room in real browsers: one facilitated session, killed mid-way and resumed.

Headless Chromium (Debian's ``chromium`` with ``chromium-driver``, installed by
.ci/run) opens the control, room, one task-force and the eval views at once.  The
room view never shows an expected action; the task force answers from its view;
the controller pauses, fires one inject early and skips one; the server is killed
(SIGKILL) at an open pause and ``--resume`` finishes the session; the final
``events.csv`` equals that of an uninterrupted replay of the same journal.

Screenshots of each view go to ``$DRILL_ROOM_SHOTS`` when set (the docs' pictures).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.api import FLAGSHIP
from sim.language import load_scenario

pytestmark = pytest.mark.slow  # a web server, headless Chromium and three two-day drills

ROOT = Path(__file__).resolve().parents[3]
SHORT = ROOT / "tests" / "injects" / "data" / "short-drill.yaml"
TF = "data_verification_tf"  # the target of the first inject (push-list)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


def _driver_paths() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    if os.environ.get("CI"):
        pytest.fail("chromium and chromium-driver are missing in CI (.ci/run installs them)")
    pytest.skip("apt-get install -y chromium chromium-driver")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``drill play --serve`` in a subprocess; reads the control link and the PIN it prints."""

    def __init__(self, args: list[str], log: Path):
        self.port = _free_port()
        self.log = log
        self.fh = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sim.cli", "play", *args, "--serve", "--port", str(self.port)],
            cwd=ROOT,
            stdout=self.fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180
        text = ""
        while time.monotonic() < deadline:
            text = log.read_text(encoding="utf-8")
            key = re.search(r"/control\?key=(\S+)", text)
            pin = re.search(r"(?:PIN|推演码（PIN）)[:：]\s*(\d{6})", text)
            if key and pin and self._listening():
                self.key, self.pin = key.group(1), pin.group(1)
                self.base = f"http://127.0.0.1:{self.port}"
                return
            assert self.proc.poll() is None, text
            time.sleep(0.3)
        raise AssertionError(f"the server never printed its link:\n{text}")

    def _listening(self) -> bool:
        """The link is printed before uvicorn binds: wait until the port accepts."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # a crash: nothing gets to clean up
        self.proc.wait(timeout=30)
        self.fh.close()


class Room:
    """One headless Chromium with a tab per view."""

    def __init__(self, tmp: Path, shots: Path | None):
        chromium, driver = _driver_paths()
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"):
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={tmp / 'profile'}")
        self.d = webdriver.Chrome(options=options, service=webdriver.ChromeService(driver))
        self.tabs: dict[str, str] = {"control": self.d.current_window_handle}
        self.shots = shots

    def tab(self, name: str) -> None:
        if name not in self.tabs:
            self.d.switch_to.new_window("tab")
            self.tabs[name] = self.d.current_window_handle
        self.d.switch_to.window(self.tabs[name])

    def wait(self, predicate, timeout: float = 120.0):
        def safe(d):
            try:
                return predicate(d)
            except StaleElementReferenceException:
                return False

        return WebDriverWait(self.d, timeout, poll_frequency=0.2).until(safe)

    def shot(self, name: str) -> None:
        """The whole page (up to 2400 px tall) as ``name``.png, when pictures are wanted."""
        if self.shots is None:
            return
        self.shots.mkdir(parents=True, exist_ok=True)
        height = self.d.execute_script("return document.documentElement.scrollHeight")
        self.d.set_window_size(1280, min(2400, max(800, int(height))))
        self.d.execute_script("window.scrollTo(0, 0)")
        # the web font swaps in late: a picture taken before shows missing glyphs
        self.d.execute_async_script("document.fonts.ready.then(() => arguments[0](true))")
        self.d.save_screenshot(str(self.shots / f"{name}.png"))
        self.d.set_window_size(1280, 1000)

    def pause_index(self) -> int:
        return int(self.d.find_element(By.CSS_SELECTOR, "#state main").get_attribute("data-pause"))

    def form(self, do: str):
        return self.wait(
            lambda d: d.find_element(
                By.XPATH, f"//div[@id='form']//form[input[@name='do' and @value='{do}']]"
            )
        )

    def act(self, do: str, expect_error: bool = False, **fields: str) -> str:
        """Fill and send the ``do`` form of the current tab; return its error line."""
        form = self.form(do)
        for name, value in fields.items():
            field = form.find_element(By.NAME, name)
            if field.tag_name == "select":
                Select(field).select_by_value(value)
            elif field.get_attribute("type") == "radio":
                form.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']").click()
            else:
                field.send_keys(value)
        form.find_element(By.CSS_SELECTOR, "button").click()
        if expect_error:
            return self.wait(lambda d: form.find_element(By.CLASS_NAME, "err").text)
        time.sleep(0.3)
        return ""

    def join(self, server: Server, role: str, name: str) -> None:
        """Join ``role`` from its tab, approve it from the control tab, land on the view."""
        self.tab(role)
        self.d.get(f"{server.base}/join")
        self.d.find_element(By.NAME, "pin").send_keys(server.pin)
        Select(self.d.find_element(By.NAME, "role")).select_by_value(role)
        self.d.find_element(By.NAME, "name").send_keys(name)
        self.d.find_element(By.CSS_SELECTOR, "button").click()
        self.wait(lambda d: d.find_elements(By.ID, "wait"))
        self.tab("control")
        self.wait(lambda d: name in d.find_element(By.ID, "devices").text)
        row = self.d.find_element(By.XPATH, f"//section[@id='devices']//tr[td[1]='{name}']")
        row.find_element(By.XPATH, ".//form[input[@value='approve']]//button").click()
        self.tab(role)
        self.wait(lambda d: d.current_url.endswith(f"/v/{role}"))
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#state main"))

    def next_pause(self, after: int) -> int | None:
        """In the control tab: the index of the next open pause, None at the end."""
        self.tab("control")
        self.wait(lambda d: d.find_elements(By.ID, "finished") or self.pause_index() > after, 300)
        if self.d.find_elements(By.ID, "finished"):
            return None
        return self.pause_index()

    def answer_and_release(self) -> None:
        """The controller records the room's response (a decision: the first option)."""
        kind = self.d.find_element(By.ID, "inject").get_attribute("data-type")
        if kind == "decision":
            first = self.form("choose").find_element(By.CSS_SELECTOR, "input[type=radio]")
            self.act("choose", option=first.get_attribute("value"))
        else:
            self.act("answer", text="收到，按预案处置。")
        self.act("release")

    def close(self) -> None:
        self.d.quit()


def _expected_texts() -> list[str]:
    scn = load_scenario(FLAGSHIP, [SHORT])
    return [i.expected_action("zh") for i in scn.injects if i.expected_action is not None]


def test_a_facilitated_session_killed_and_resumed(tmp_path: Path) -> None:
    shots_env = os.environ.get("DRILL_ROOM_SHOTS")
    shots = Path(shots_env) if shots_env else None
    out, journal = tmp_path / "session", tmp_path / "session.journal.yaml"
    args = [str(FLAGSHIP), "--plan", str(SHORT), "--out", str(out), "--journal", str(journal)]
    args += ["--fan-runs", "0"]  # the fan has its own measurement; keep the cores for this
    expected = _expected_texts()
    room = Room(tmp_path, shots)
    server = Server(args, tmp_path / "server-1.log")
    try:
        room.d.get(f"{server.base}/control?key={server.key}")
        room.wait(lambda d: d.find_elements(By.ID, "devices"))
        room.join(server, "room", "投影仪")
        room.join(server, f"tf-{TF}", "数据核查专班手机")
        room.join(server, "eval", "评估组平板")
        first = room.next_pause(-1)
        assert first == 0
        room.tab("control")
        assert room.d.find_element(By.ID, "inject").get_attribute("data-inject") == "push-list"
        assert "导演组备注" in room.d.find_element(By.ID, "inject").text  # the controller sees it

        # the task force answers from its own view
        room.tab(f"tf-{TF}")
        room.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#inject[data-inject='push-list']"))
        room.act("answer", text="两小时内下发新城社区，网格员逐一电话核查并安排采样。")
        room.wait(lambda d: "两小时内下发新城社区" in d.find_element(By.ID, "entries").text)
        room.shot("taskforce")
        room.tab("control")
        room.wait(lambda d: "两小时内下发新城社区" in d.find_element(By.ID, "entries").text)

        # the evaluators judge the expected action
        room.tab("eval")
        room.wait(lambda d: d.find_elements(By.ID, "checklist"))
        room.act("evaluate", rating="partly", note="名单下发用时偏长")
        room.wait(lambda d: "名单下发用时偏长" in d.find_element(By.ID, "checklist").text)
        room.shot("eval")

        # the controller pauses: the release waits; then resumes, fires one, skips one
        room.tab("control")
        room.act("hold")
        room.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "header .badge"))
        assert room.act("release", expect_error=True)  # refused while the clock holds
        room.act("resume")
        room.act("fire", inject="rumour-online")
        room.act("skip", inject="ambulance-down", reason="救护车已提前修复")
        room.wait(lambda d: "救护车已提前修复" in d.find_element(By.ID, "entries").text)
        room.shot("control")
        room.tab("room")
        room.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#inject[data-inject='push-list']"))
        room.shot("room")
        room.tab("control")
        room.act("release")
        # the inject fired early comes next, at the same simulated time
        second = room.next_pause(first)
        assert room.d.find_element(By.ID, "inject").get_attribute("data-inject") == "rumour-online"
        room.answer_and_release()
        index = room.next_pause(second)
        while index is not None and index < 4:
            room.tab("room")
            page = room.d.page_source
            assert not [e for e in expected if e in page], "the room saw an expected action"
            room.tab("control")
            room.answer_and_release()
            index = room.next_pause(index)
        assert index is not None
        # an answer recorded at the open pause, then the laptop dies
        room.act("ask", question="谁负责调取场所码？", answer="公安大数据中心")
        room.wait(lambda d: "公安大数据中心" in d.find_element(By.ID, "entries").text)
    finally:
        server.kill()

    text = journal.read_text(encoding="utf-8")
    assert '"do": "skip"' in text and '"do": "fire"' in text and '"do": "evaluate"' in text
    server = Server(["--resume", str(journal), "--fan-runs", "0"], tmp_path / "server-2.log")
    try:
        room.tab("control")
        room.d.get(f"{server.base}/control?key={server.key}")
        # the old room link is dead: the projector joins again and is approved again
        room.tab("room")
        room.d.get(f"{server.base}/v/room")
        room.wait(lambda d: d.find_elements(By.NAME, "pin"))
        room.join(server, "room", "投影仪（重连）")
        room.tab("control")
        resumed = room.next_pause(index - 1)
        assert resumed == index  # the open pause, with what was recorded there
        assert "公安大数据中心" in room.d.find_element(By.ID, "entries").text
        while resumed is not None:
            room.tab("room")
            page = room.d.page_source
            assert not [e for e in expected if e in page], "the room saw an expected action"
            room.tab("control")
            if room.d.find_element(By.ID, "inject").get_attribute("data-type") == "decision":
                room.tab("room")
                room.shot("room-decision")
                room.tab("control")
            room.answer_and_release()
            resumed = room.next_pause(resumed)
        room.wait(lambda d: d.find_elements(By.ID, "finished"))
        room.wait(lambda d: "report" in d.page_source or "评估报告" in d.page_source, 300)
        room.d.get(f"{server.base}/v/control/debrief")
        scrub = room.wait(lambda d: d.find_element(By.ID, "scrub"))
        room.d.execute_script(
            "arguments[0].value = 1; arguments[0].dispatchEvent(new Event('input'))", scrub
        )
        room.wait(lambda d: d.find_element(By.ID, "pos").text.startswith("2 /"))
        assert (
            room.d.find_element(By.CSS_SELECTOR, "#chart .mark.on").get_attribute("data-i") == "1"
        )
        room.shot("debrief")
    finally:
        server.kill()
        room.close()

    assert (out / "report.html").is_file() and (out / "session.json").is_file()
    record = json.loads((out / "session.json").read_text(encoding="utf-8"))
    assert record["evaluations"][0]["note"] == "名单下发用时偏长"
    # an uninterrupted replay of the same journal gives the same event log
    replay = tmp_path / "replay"
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "play", str(FLAGSHIP), "--plan", str(SHORT),
         "--answers", str(journal), "--out", str(replay), "--no-report"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (replay / "events.csv").read_bytes() == (out / "events.csv").read_bytes()
    # the report shows the room's play: the answer, the ad-hoc question, the verdict
    report = (out / "report.md").read_text(encoding="utf-8")
    room_part = report[report.index("推演现场表现") :]
    for text in ("两小时内下发新城社区", "谁负责调取场所码", "部分达到", "名单下发用时偏长"):
        assert text in room_part, text
    events = (out / "events.csv").read_text(encoding="utf-8")
    assert "inject_skipped,ambulance-down" in events
    assert "两小时内下发新城社区" in events  # the task force's answer is in the log
