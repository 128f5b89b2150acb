"""What each view of a live session shows, read from the paused World as plain data.

Computed in the simulation's thread while it is stopped at a pause, so the web
server and the console read a snapshot and never the running World.  Names are
the scenario's (agents, injects, options) in the session's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.live.play import situation
from sim.report.locale import subject as subject_name
from sim.report.locale import task

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World
    from sim.scenario.injects import Inject
    from sim.scenario.model import Scenario

CHANGE_KINDS = (
    "decision_made",
    "decision_effective",
    "staff_changed",
    "machines_changed",
    "handoff_delay_changed",
    "finding_revealed",
    "site_opened",
    "vehicles_added",
    "inject_skipped",
)
"""Event kinds the room is told about as "what changed"."""


def agent_name(scn: Scenario, aid: str | None, lang: str) -> str:
    if not aid:
        return ""
    agent = scn.agents.get(aid)
    return agent.name(lang) if agent is not None else aid


def inject_title(inj: Inject, lang: str) -> str:
    return inj.title(lang) if inj.title else inj.message(lang)[:24]


def inject_view(scn: Scenario, inj: Inject, called: str | None, lang: str) -> dict[str, Any]:
    """The inject as the room sees it, plus ``expected`` (for the controller's eyes only)."""
    return {
        "id": inj.id,
        "title": inject_title(inj, lang),
        "type": inj.type,
        "subject": inj.subject,
        "subject_name": subject_name(inj.subject, lang),
        "target": inj.target or "",
        "target_name": agent_name(scn, inj.target, lang),
        "called": called or "",
        "called_name": agent_name(scn, called, lang),
        "message": inj.message(lang),
        "options": [
            {"id": o.id, "label": o.label(lang), "delay_h": o.delay_h} for o in inj.options
        ],
        "expected": inj.expected_action(lang) if inj.expected_action is not None else "",
    }


def situation_view(world: World, lang: str) -> dict[str, Any]:
    s = situation(world)
    scn = world.scenario
    return {
        "t": s.t,
        "clock": s.clock.replace("T", " "),
        "cases": s.cases,
        "contacts_identified": s.contacts_identified,
        "contacts_isolated": s.contacts_isolated,
        "rooms_left": s.rooms_left,
        "queues": [(agent_name(scn, a, lang), n) for a, n in sorted(s.queues.items())],
        "at_risk": [
            {
                "title": r["title"](lang),
                "elapsed_h": r["elapsed_h"],
                "standard_h": r["standard_h"],
                "status": r["status"],
            }
            for r in s.at_risk
        ],
    }


def change_line(world: World, e: Event, lang: str) -> str | None:
    """One event of :data:`CHANGE_KINDS` as a sentence for the room (None: not shown)."""
    scn = world.scenario
    zh = lang == "zh"
    who = agent_name(scn, e.agent, lang)
    d = e.details
    inj = next((i for i in scn.injects if i.id == e.entity), None)
    if e.kind == "decision_made" and inj is not None:
        label = inj.option(str(d["option"])).label(lang)
        later = float(d.get("effective_in_h") or 0)
        when = (
            (f"，{later:g} 小时后生效" if zh else f", in effect in {later:g} h")
            if later
            else ("，立即生效" if zh else ", in effect at once")
        )
        return f"决策：{label}{when}" if zh else f"Decision: {label}{when}"
    if e.kind == "decision_effective" and inj is not None:
        label = inj.option(str(d["option"])).label(lang)
        parts = [_changed(scn, c, lang) for c in d.get("changed") or []]
        extra = (
            ("（" + "、".join(parts) + "）" if zh else " (" + ", ".join(parts) + ")")
            if parts
            else ""
        )
        return f"已生效：{label}{extra}" if zh else f"In effect: {label}{extra}"
    if e.kind == "staff_changed":
        return (
            f"{who} 人员 {d['before']} → {d['staff']} 人"
            if zh
            else f"{who}: staff {d['before']} → {d['staff']}"
        )
    if e.kind == "machines_changed":
        return (
            f"{who} 检测设备 {d['before']} → {d['machines']} 台"
            if zh
            else f"{who}: machines {d['before']} → {d['machines']}"
        )
    if e.kind == "handoff_delay_changed":
        src = agent_name(scn, str(d.get("source", "")), lang)
        mean = float(d.get("mean_h", 0))
        return (
            f"{src}→{who} 交接平均 {mean:.1f} 小时"
            if zh
            else f"{src}→{who}: handoff takes {mean:.1f} h on average"
        )
    if e.kind == "finding_revealed":
        n = d.get("people", d.get("contacts", 0))
        return f"新发现：{n} 人需核查" if zh else f"New finding: {n} people to follow up"
    if e.kind in ("site_opened", "vehicles_added"):
        return f"{who}：{task(e.kind, lang)}" if zh else f"{who}: {task(e.kind, lang)}"
    if e.kind == "inject_skipped" and str(d.get("reason", "")).startswith("controller"):
        title = inject_title(inj, lang) if inj is not None else e.entity
        return f"跳过：{title}" if zh else f"Skipped: {title}"
    return None


def _changed(scn: Scenario, item: str, lang: str) -> str:
    """A ``decision_effective`` change (``agents.X.staff``, ``subjects.Y``) in words."""
    zh = lang == "zh"
    if item.startswith("agents."):
        return agent_name(scn, item.split(".")[1], lang) + (" 人员" if zh else " staff")
    if item.startswith("subjects."):
        return subject_name(item.split(".", 1)[1], lang)
    if item == "responsibilities":
        return "职责分工" if zh else "who does what"
    if item == "handoffs":
        return "交接流程" if zh else "handoffs"
    return item


def changes(world: World, since: int, lang: str) -> list[dict[str, Any]]:
    """What changed in the log from index ``since`` on: ``{clock, text}`` per change."""
    out = []
    for e in world.log.events[since:]:
        if e.kind not in CHANGE_KINDS:
            continue
        text = change_line(world, e, lang)
        if text:
            out.append({"t": e.t, "clock": world.clock(e.t).replace("T", " "), "text": text})
    return out


def msel_ahead(world: World, withdrawn_due: dict[str, float], lang: str) -> list[dict[str, Any]]:
    """Injects not delivered yet: timed ones by due time (a deferred one at its new
    time), then the triggered ones, which come when their trigger holds."""
    msel = world.msel
    fired: set[str] = msel.fired
    withdrawn: set[str] = msel.withdrawn
    scn = world.scenario
    out = []
    for inj in scn.injects:
        due = withdrawn_due.get(inj.id)
        if inj.id in fired or (inj.id in withdrawn and due is None):
            continue
        if due is None and inj.at_h is not None:
            due = inj.at_h
        out.append(
            {
                "id": inj.id,
                "title": inject_title(inj, lang),
                "target_name": agent_name(scn, inj.target, lang)
                or "、".join(agent_name(scn, a, lang) for a in inj.draw_from),
                "due_h": due,
                "clock": world.clock(due).replace("T", " ") if due is not None else "",
                "timed": due is not None,
                "type": inj.type,
            }
        )
    return sorted(out, key=lambda r: (r["due_h"] is None, r["due_h"] or 0.0))
