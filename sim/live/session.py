"""A live session: the simulation as the single authority, the room and controller around it.

The simulation runs in its own thread and stops at every inject (and at the stop
of a time jump): :meth:`Session.pause` is the :class:`~sim.injects.msel.Facilitator`
it calls.  While it is stopped, the web views and the console read a snapshot of
the World (:mod:`sim.live.state`) and act through :meth:`Session.act`, which
checks the action, appends it to the journal (:mod:`sim.live.journal`) and wakes
the waiting simulation when the controller releases the pause.

Controller actions that change the simulation — fire an inject now, skip one with
a reason, defer one, fire one from the deck, type an ad-hoc inject, jump the clock —
take effect when the pause is released, in journal order.  That is what makes a
journal replayable: a resumed session applies the same entries at the same pauses
and yields the same event log as the session that was never interrupted.

Pausing the exercise clock (:meth:`hold`) stops the answer countdown and refuses
answers and the release, so nothing is delivered while it holds; after
:meth:`resume` the next inject comes only when this one is released, at its own
simulated time — never late and never in a burst.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.injects.answers import AnswerSheet
from sim.injects.msel import Facilitator, Response, Scripted
from sim.live.journal import (
    HOLD,
    RATINGS,
    Journal,
    JournalError,
    JournalWriter,
    evaluated_pause,
)
from sim.live.play import play_drill
from sim.live.state import (
    agent_name,
    changes,
    inject_title,
    inject_view,
    msel_ahead,
    situation_view,
)
from sim.scenario.injects import Inject
from sim.scenario.schema import Text
from sim.scenario.source import Problem

if TYPE_CHECKING:
    from sim.api import RunResult
    from sim.engine.world import World
    from sim.scenario.model import Scenario


class ActionRefused(Exception):
    """An action that does not apply now; the message says why, in the session's language."""


@dataclass
class Stop:
    """The pause the simulation is waiting at."""

    index: int
    at: str
    inject: dict[str, Any] | None
    view: dict[str, Any]
    entries: list[dict[str, Any]] = field(default_factory=list)
    opened: float = 0.0
    held: float = 0.0
    released: bool = False


@dataclass
class SimSide:
    """Bookkeeping owned by the simulation thread (rebuilt identically on replay)."""

    index: int = 0
    versions: dict[str, int] = field(default_factory=dict)
    due: dict[str, float] = field(default_factory=dict)
    ad_hoc: int = 0
    log_at_last_stop: int = 0


class Session:
    """One played drill: the simulation thread, its journal and what every view reads."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        writer: JournalWriter,
        recorded: Journal | None = None,
        lang: str = "zh",
        answer_minutes: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        driver: Facilitator | None = None,
        live: bool = True,
    ):
        """``driver`` answers live pauses itself (the terminal console); without it
        the pauses wait for :meth:`act` (the web views).  ``live=False`` replays
        ``recorded`` and lets the scripted choices answer past its end."""
        self.scenario = scenario
        self.seed = seed
        self.writer = writer
        self.lang = lang
        self.answer_s = answer_minutes * 60
        self.clock = clock
        self.driver = driver
        self.live = live
        self.recorded = recorded.pauses() if recorded is not None else {}
        sheet = recorded.sheet if recorded is not None else None
        self.scripted = Scripted(sheet.answers, sheet.ad_hoc) if sheet is not None else Scripted()
        self.cond = threading.Condition()
        self.version = 0
        self.stop: Stop | None = None
        self.held_since: float | None = None
        self.history: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.evaluations: dict[int, dict[str, Any]] = {}
        self.fans: dict[str, Any] = {}
        """What-if fans by inject id (``status``: running, done, error)."""
        self.fan_runs = 0
        self.can_fan = False
        self.on_decision: Callable[[str], None] | None = None
        """Called with a decision's inject id when the simulation stops at it (the fan)."""
        self.pin = ""
        self.devices: dict[str, dict[str, str]] = {}
        """Devices that asked to join (web views): ``{name, role, status}`` by device id."""
        self.result: RunResult | None = None
        self.outputs: dict[str, str] = {}
        self.error: BaseException | None = None
        self.finished = False
        self.sim = SimSide()
        self.task_forces = sorted(
            {i.target for i in scenario.injects if i.target}
            | {a for i in scenario.injects for a in i.draw_from}
        )
        if recorded is not None:
            for e in recorded.entries:
                if e["do"] == "evaluate":
                    self.evaluations[evaluated_pause(e)] = e

    # -- the simulation thread ----------------------------------------------------------
    def run(self, on_finish: Callable[[Session], None] | None = None) -> RunResult:
        """Play the drill to its end (blocking); then ``on_finish`` writes the outputs."""
        try:
            result = play_drill(self.scenario, self.seed, facilitator=self)
            with self.cond:
                self.result = result
            if on_finish is not None:
                on_finish(self)
            self.writer.append({"pause": self.sim.index, "at": "", "do": "end"})
            return result
        except BaseException as exc:
            with self.cond:
                self.error = exc
            raise
        finally:
            with self.cond:
                self.finished = True
                self._bump()

    def start(self, on_finish: Callable[[Session], None] | None = None) -> threading.Thread:
        """Run the drill in a daemon thread (the web server's way)."""

        def target() -> None:
            with contextlib.suppress(BaseException):  # kept in self.error for the views
                self.run(on_finish)

        thread = threading.Thread(target=target, name="drill-session", daemon=True)
        thread.start()
        return thread

    def pause(self, world: World, inject: Inject, called: str | None) -> Response:
        """The Facilitator protocol: stop at ``inject`` until the pause is released."""
        return self._stop(world, inject, called)

    def _stop(self, world: World, inj: Inject | None, called: str | None) -> Response:
        k = self.sim.index
        self.sim.index += 1
        at = inj.id if inj is not None else HOLD
        rec = self.recorded.get(k, [])
        if rec and rec[0]["at"] != at:
            raise JournalError(
                [
                    Problem(
                        str(self.writer.path),
                        0,
                        f"journal.pause {k}",
                        f"recorded at '{rec[0]['at']}' but the simulation stopped at '{at}': "
                        "the scenario, plans or seed differ from the session's",
                    )
                ]
            )
        new = changes(world, self.sim.log_at_last_stop, self.lang)
        self.sim.log_at_last_stop = len(world.log)
        with self.cond:
            self.changes.extend(new)
        view = {
            "situation": situation_view(world, self.lang),
            "ahead": msel_ahead(world, self.sim.due, self.lang),
            "changes": new,
            "duration_h": self.scenario.meta.duration_h,
        }
        info = inject_view(world.scenario, inj, called, self.lang) if inj is not None else None
        closed = any(e["do"] == "release" for e in rec)
        response: Response | None = None
        if closed or (rec and not self.live):
            entries = rec
        elif not self.live:
            entries = []
            if inj is not None:
                response = self.scripted.pause(world, inj, called)
        elif self.driver is not None and inj is not None:
            entries = self._journal_response(k, at, inj, self.driver.pause(world, inj, called))
        else:
            entries = self._wait(Stop(k, at, info, view, list(rec)))
        with self.cond:
            self.history.append(
                {"pause": k, "at": at, "inject": info, "view": view, "entries": entries}
            )
            self._bump()
        applied = self._apply(world, inj, entries)
        return response if response is not None else applied

    def _journal_response(self, k: int, at: str, inj: Inject, r: Response) -> list[dict[str, Any]]:
        entries = [
            {"pause": k, "at": at, "do": "ask", "question": q, "answer": a} for q, a in r.ad_hoc
        ]
        if inj.type == "decision" and r.choice:
            entries.append({"pause": k, "at": at, "do": "choose", "option": r.choice})
        elif r.answer:
            entries.append({"pause": k, "at": at, "do": "answer", "text": r.answer})
        entries.append({"pause": k, "at": at, "do": "release"})
        return [self.writer.append(e) for e in entries]

    def _wait(self, stop: Stop) -> list[dict[str, Any]]:
        with self.cond:
            stop.opened = self.clock()
            self.stop = stop
            self._bump()
            if self.on_decision is not None and stop.inject and stop.inject["type"] == "decision":
                self.on_decision(stop.inject["id"])
            while not stop.released:
                self.cond.wait()
            self.stop = None
            self._bump()
            return stop.entries

    def _apply(self, world: World, inj: Inject | None, entries: list[dict[str, Any]]) -> Response:
        """The response and the controller's actions recorded at this pause, in order."""
        r = Response()
        for e in entries:
            do = e["do"]
            if do == "choose" and inj is not None:
                r.choice = str(e["option"])
            elif do == "answer":
                r.answer = str(e["text"])
            elif do == "ask":
                r.ad_hoc.append((str(e["question"]), str(e["answer"])))
            elif do == "fire":
                self._fire(world, _inject(world, e["inject"]))
            elif do == "skip":
                self._skip(world, _inject(world, e["inject"]), f"controller: {e['reason']}")
            elif do == "defer":
                self._defer(world, _inject(world, e["inject"]), float(e["hours"]))
            elif do == "adhoc":
                self._adhoc(world, e)
            elif do == "jump":
                self._jump(world, float(e["to_h"]))
            elif do == "evaluate":
                evaluated = _inject(world, e["inject"])
                world.emit(
                    "action_evaluated",
                    evaluated.subject,
                    str(e.get("agent") or evaluated.target or ""),
                    evaluated.id,
                    rating=e["rating"],
                    note=e["note"],
                )
        return r

    # -- controller actions, applied in the simulation thread ---------------------------
    def _withdraw(self, world: World, inj: Inject) -> int:
        msel = world.msel
        msel.withdrawn.add(inj.id)
        self.sim.due.pop(inj.id, None)
        token = self.sim.versions.get(inj.id, 0) + 1
        self.sim.versions[inj.id] = token
        return token

    def _deliver_at(
        self, world: World, inj: Inject, due: float, token: int | None
    ) -> Generator[Any, Any, None]:
        yield world.env.timeout(max(0.0, due - world.now))
        if token is not None and self.sim.versions.get(inj.id) != token:
            return  # fired, skipped or deferred again since
        self.sim.due.pop(inj.id, None)
        world.msel.deliver(inj)

    def _fire(self, world: World, inj: Inject) -> None:
        token = self._withdraw(world, inj)
        world.spawn(self._deliver_at(world, inj, world.now, token))

    def _skip(self, world: World, inj: Inject, reason: str) -> None:
        msel = world.msel
        if inj.id in msel.fired and inj.id not in self.sim.due:
            return  # delivered already: nothing left to skip
        self._withdraw(world, inj)
        msel.fired.add(inj.id)
        world.emit("inject_skipped", inj.subject, inj.target or "", inj.id, reason=reason)

    def _defer(self, world: World, inj: Inject, hours: float) -> None:
        msel = world.msel
        if inj.id in msel.fired and inj.id not in self.sim.due:
            return
        base = self.sim.due.get(inj.id, inj.at_h if inj.at_h is not None else world.now)
        due = max(base, world.now) + hours
        token = self._withdraw(world, inj)
        self.sim.due[inj.id] = due
        world.spawn(self._deliver_at(world, inj, due, token))

    def _adhoc(self, world: World, e: dict[str, Any]) -> None:
        self.sim.ad_hoc += 1
        inj = Inject(
            id=f"ad-hoc-{self.sim.ad_hoc}",
            title=Text(zh="临时注入", en="Ad-hoc inject"),
            at_h=world.now,
            target=str(e["target"]),
            type="information",
            subject=str(e["subject"]),
            delivery="verbal",
            message=Text(zh=str(e["text"]), en=str(e["text"])),
        )
        world.spawn(self._deliver_at(world, inj, world.now, None))

    def _jump(self, world: World, to_h: float) -> None:
        """Skip what is due before ``to_h`` and stop there (triggered injects still come)."""
        reason = f"controller: time jump to {world.clock(to_h)}"
        for inj in world.scenario.injects:
            due = self.sim.due.get(inj.id, inj.at_h)
            if due is not None and due < to_h:
                self._skip(world, inj, reason)
        world.spawn(self._hold_at(world, to_h))

    def _hold_at(self, world: World, t: float) -> Generator[Any, Any, None]:
        yield world.env.timeout(max(0.0, t - world.now))
        self._stop(world, None, None)

    # -- what the views call ------------------------------------------------------------
    def _bump(self) -> None:
        self.version += 1
        self.cond.notify_all()

    def touch(self) -> None:
        """Tell every view that the state moved (after a change made outside :meth:`act`)."""
        with self.cond:
            self._bump()

    def wait_change(self, version: int, timeout: float) -> int:
        """Block until the state moves past ``version`` (or ``timeout`` seconds)."""
        with self.cond:
            self.cond.wait_for(lambda: self.version != version, timeout)
            return self.version

    def record(self, do: str, **fields: Any) -> dict[str, Any]:
        """Journal an entry that does not change the simulation (devices, the fan)."""
        with self.cond:
            pause = self.stop.index if self.stop is not None else self.sim.index
            entry = self.writer.append({"pause": pause, "at": "", "do": do, **fields})
            self._bump()
            return entry

    def hold(self) -> None:
        """Pause the exercise clock: the countdown stops; answers and release wait."""
        with self.cond:
            if self.held_since is None:
                self.held_since = self.clock()
                self._record_locked("hold")

    def resume(self) -> None:
        """Restart the exercise clock where it stopped."""
        with self.cond:
            if self.held_since is not None:
                if self.stop is not None:
                    self.stop.held += self.clock() - self.held_since
                self.held_since = None
                self._record_locked("resume")

    def _record_locked(self, do: str, **fields: Any) -> None:
        pause = self.stop.index if self.stop is not None else self.sim.index
        self.writer.append({"pause": pause, "at": "", "do": do, **fields})
        self._bump()

    def remaining_s(self) -> float | None:
        """Seconds left to answer the open inject (frozen while the clock holds)."""
        with self.cond:
            stop = self.stop
            if stop is None or stop.inject is None:
                return None
            now = self.held_since if self.held_since is not None else self.clock()
            return self.answer_s - (now - stop.opened - stop.held)

    def act(self, do: str, by: str = "control", **fields: Any) -> dict[str, Any]:
        """Check and journal one action by ``by`` (``control``, ``eval`` or an agent id of a
        task force) at the open pause; raise :class:`ActionRefused` when it does not apply."""
        zh = self.lang == "zh"
        with self.cond:
            if do == "evaluate":
                return self._evaluate(by, fields)
            stop = self.stop
            if stop is None or stop.released:
                raise ActionRefused("推演未暂停在注入事件" if zh else "the drill is not at a pause")
            inj = stop.inject
            if by != "control":
                allowed = inj is not None and by in (inj["target"], inj["called"])
                if do not in ("choose", "answer") or not allowed:
                    raise ActionRefused("无权执行此操作" if zh else "not allowed from this view")
            if do in ("choose", "answer", "release") and self.held_since is not None:
                raise ActionRefused("推演已暂停" if zh else "the exercise clock is paused")
            entry = {"pause": stop.index, "at": stop.at, "do": do, **self._check(stop, do, fields)}
            if by != "control":
                entry["by"] = by
            entry = self.writer.append(entry)
            stop.entries.append(entry)
            if do == "release":
                stop.released = True
            self._bump()
            return entry

    def _check(self, stop: Stop, do: str, f: dict[str, Any]) -> dict[str, Any]:
        zh = self.lang == "zh"
        inj = stop.inject
        ids = {i.id: i for i in self.scenario.injects}
        ahead = {r["id"]: r for r in stop.view["ahead"]}

        def need(text: Any, what_zh: str, what_en: str) -> str:
            text = str(text or "").strip()
            if not text:
                raise ActionRefused(f"请填写{what_zh}" if zh else f"{what_en} is missing")
            return text

        if do == "choose":
            options = [o["id"] for o in (inj or {}).get("options", [])]
            if f.get("option") not in options:
                raise ActionRefused("请选择一个选项" if zh else "choose one of the options")
            return {"option": f["option"]}
        if do == "answer":
            return {"text": need(f.get("text"), "应答", "the answer")}
        if do == "ask":
            return {
                "question": need(f.get("question"), "问题", "the question"),
                "answer": need(f.get("answer"), "应答", "the answer"),
            }
        if do == "release":
            chosen = any(e["do"] == "choose" for e in stop.entries)
            if inj is not None and inj["type"] == "decision" and not chosen:
                raise ActionRefused(
                    "决策点需要明确选择，不设默认" if zh else "a decision needs an explicit choice"
                )
            return {}
        if do == "fire":
            if f.get("inject") not in ids:
                raise ActionRefused("没有这个注入事件" if zh else "no such inject")
            return {"inject": f["inject"]}
        if do in ("skip", "defer"):
            iid = f.get("inject")
            if iid not in ahead:
                raise ActionRefused(
                    "该注入事件不在待发列表中" if zh else "that inject is not ahead"
                )
            if do == "skip":
                return {"inject": iid, "reason": need(f.get("reason"), "跳过原因", "the reason")}
            try:
                hours = float(f.get("hours") or 0)
            except ValueError:
                hours = 0.0
            if not 0 < hours <= stop.view["duration_h"] or not ahead[iid]["timed"]:
                raise ActionRefused(
                    "推迟小时数无效" if zh else "give the hours to defer a timed inject by"
                )
            return {"inject": iid, "hours": hours}
        if do == "adhoc":
            target = f.get("target")
            if target not in self.scenario.agents:
                raise ActionRefused("请选择对象" if zh else "choose whom it goes to")
            subject = f.get("subject") or (
                inj["subject"] if inj else self.scenario.injects[0].subject
            )
            return {
                "text": need(f.get("text"), "注入内容", "the text"),
                "target": target,
                "subject": subject,
            }
        if do == "jump":
            try:
                to_h = float(f.get("to_h") or 0)
            except ValueError:
                to_h = 0.0
            if not stop.view["situation"]["t"] < to_h <= stop.view["duration_h"]:
                raise ActionRefused(
                    "只能向后跳到推演结束前" if zh else "jump forward, within the drill's duration"
                )
            return {"to_h": to_h}
        raise ActionRefused(f"unknown action {do}")

    def _evaluate(self, by: str, f: dict[str, Any]) -> dict[str, Any]:
        zh = self.lang == "zh"
        if by not in ("eval", "control"):
            raise ActionRefused("无权执行此操作" if zh else "not allowed from this view")
        try:
            pause = int(f.get("pause", -1))
        except ValueError:
            pause = -1
        stops = {h["pause"]: h for h in self.history}
        if self.stop is not None:
            stops[self.stop.index] = {"pause": self.stop.index, "inject": self.stop.inject}
        target = stops.get(pause)
        if target is None or target["inject"] is None or not target["inject"]["expected"]:
            raise ActionRefused("没有可评估的期望行动" if zh else "no expected action to evaluate")
        if f.get("rating") not in RATINGS:
            raise ActionRefused("请选择评估结果" if zh else "choose met, partly or not met")
        inj = target["inject"]
        entry: dict[str, Any] = {"pause": pause, "at": inj["id"], "do": "evaluate"}
        open_stop = self.stop if self.stop is not None and not self.stop.released else None
        if open_stop is not None:  # logged when this pause is released: triggers see it
            entry = {"pause": open_stop.index, "at": open_stop.at, "do": "evaluate", "of": pause}
        entry = self.writer.append(
            {
                **entry,
                "inject": inj["id"],
                "agent": inj["target"] or inj["called"] or "",
                "rating": f["rating"],
                "note": str(f.get("note") or "").strip(),
                "by": by,
            }
        )
        if open_stop is not None:
            open_stop.entries.append(entry)
        self.evaluations[pause] = entry
        self._bump()
        return entry

    # -- read-outs ----------------------------------------------------------------------
    def premises(self) -> dict[str, str]:
        """The decisions the room has made so far, by inject id (the fan's premises)."""
        with self.cond:
            out: dict[str, str] = {}
            for h in self.history:
                for e in h["entries"]:
                    if e["do"] == "choose":
                        out[h["at"]] = str(e["option"])
            return out

    def checklist(self) -> list[dict[str, Any]]:
        """Expected actions delivered so far, each with its evaluation (the eval view)."""
        with self.cond:
            stops = [h for h in self.history if h["inject"] is not None]
            if self.stop is not None and self.stop.inject is not None:
                stops.append(
                    {
                        "pause": self.stop.index,
                        "inject": self.stop.inject,
                        "view": self.stop.view,
                        "entries": self.stop.entries,
                    }
                )
            return [
                {
                    "pause": h["pause"],
                    "inject": h["inject"],
                    "clock": h["view"]["situation"]["clock"],
                    "evaluation": self.evaluations.get(h["pause"]),
                }
                for h in stops
                if h["inject"]["expected"]
            ]

    def rollup(self) -> dict[str, dict[str, int]]:
        """Evaluations counted per task force: ``{agent name: {met, partly, not_met}}``."""
        out: dict[str, dict[str, int]] = {}
        for row in self.checklist():
            ev = row["evaluation"]
            if ev is None:
                continue
            inj = row["inject"]
            who = inj["target_name"] or inj["called_name"]
            counts = out.setdefault(who, dict.fromkeys(RATINGS, 0))
            counts[ev["rating"]] += 1
        return out

    def sheet(self) -> AnswerSheet:
        """The session as an answer file: the last choice or answer per inject, the
        ad-hoc questions (``--save``)."""
        out = AnswerSheet(scenario=self.scenario.meta.id, seed=self.seed)
        ids = {i.id for i in self.scenario.injects}
        with self.cond:
            for h in self.history:
                for e in h["entries"]:
                    if h["at"] not in ids:
                        continue
                    if e["do"] in ("choose", "answer"):
                        out.answers[h["at"]] = str(e.get("option", e.get("text")))
                    elif e["do"] == "ask":
                        out.ad_hoc.setdefault(h["at"], []).append((e["question"], e["answer"]))
        return out

    def record_of(self) -> dict[str, Any]:
        """What the after-action report reads besides the event log (``session.json``):
        the evaluations, the ad-hoc injects and the controller's actions per pause."""
        with self.cond:
            pauses = []
            for h in self.history:
                actions = [
                    {k: v for k, v in e.items() if k not in ("n", "wall", "pause", "at")}
                    for e in h["entries"]
                    if e["do"] in ("fire", "skip", "defer", "adhoc", "jump")
                ]
                pauses.append(
                    {
                        "pause": h["pause"],
                        "at": h["at"],
                        "t": h["view"]["situation"]["t"],
                        "target": (h["inject"] or {}).get("target") or "",
                        "called": (h["inject"] or {}).get("called") or "",
                        "subject": (h["inject"] or {}).get("subject") or "",
                        "message": (h["inject"] or {}).get("message") or "",
                        "actions": actions,
                    }
                )
            evaluations = [
                {
                    **{k: v for k, v in e.items() if k not in ("n", "wall", "do", "of", "agent")},
                    "pause": pause,
                    "at": e["inject"],
                }
                for pause, e in sorted(self.evaluations.items())
            ]
            return {
                "journal": str(self.writer.path),
                "lang": self.lang,
                "pauses": pauses,
                "evaluations": evaluations,
            }

    def agent(self, aid: str) -> str:
        return agent_name(self.scenario, aid, self.lang)

    def inject_title(self, iid: str) -> str:
        inj = next((i for i in self.scenario.injects if i.id == iid), None)
        return inject_title(inj, self.lang) if inj is not None else iid


def _inject(world: World, iid: str) -> Inject:
    return next(i for i in world.scenario.injects if i.id == iid)
