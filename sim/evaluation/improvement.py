"""The improvement plan: one corrective action per finding, with owners and deadlines.

Each finding's cause selects a templated action (add staff, add vehicles, add
rooms, shorten a handoff, change the duty roster, ...) and a POETE element
(Planning, Organization, Equipment, Training, Exercises — the HSEEP
classification of corrective actions).  Owners come from the responsibility
network: the blamed agent is *responsible* when it holds a responsible role for
the subject of the work that took the time (else the objective's subject's first
responsible agent), and the subject's *accountable* agent answers for it.
Deadlines follow HSEEP practice: the drill's end date + 30 days for planning and
training items, + 60 days for organisation and equipment.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sim import csvsafe

ACTIONS: dict[str, dict[str, str]] = {
    "queue": {
        "poete": "Organization",
        "zh": "为{agent}增加在岗人员（现有{staff}人）或调整排班，消除“{label}”任务排队",
        "en": "Add on-duty staff to {agent} (now {staff}) or re-plan shifts to clear the "
        "queue for '{label}'",
    },
    "roster": {
        "poete": "Planning",
        "zh": "调整{agent}的值班排班（在岗时段{duty}），夜间保留足够值守人员处理“{label}”",
        "en": "Change {agent}'s duty roster (on post {duty}) so that enough staff stay on "
        "duty at night for '{label}'",
    },
    "work": {
        "poete": "Training",
        "zh": "压缩{agent}“{label}”作业时间：优化流程、预置模板、开展专项培训",
        "en": "Shorten {agent}'s '{label}' work: streamline the procedure, prepare "
        "templates and train the team",
    },
    "handoff": {
        "poete": "Planning",
        "zh": "缩短交接“{label}”时延：明确交接渠道与时限，建立直通机制",
        "en": "Shorten the handoff '{label}': fix the channel and its time limit, set up a "
        "direct line",
    },
    "vehicle_queue": {
        "poete": "Equipment",
        "zh": "为{agent}增加转运车辆（现有{vehicles}辆）并预置备用车辆与驾驶员",
        "en": "Add transfer vehicles to {agent} (now {vehicles}) and pre-arrange standby "
        "vehicles and drivers",
    },
    "rooms_full": {
        "poete": "Equipment",
        "zh": "增加集中隔离房间（{site}已满，{rooms}间），储备后备隔离点",
        "en": "Add centralized quarantine rooms ({site} full at {rooms} rooms) and hold a "
        "reserve site",
    },
    "gap": {
        "poete": "Planning",
        "zh": "明确“{label}”前的等待环节由{agent}牵头，制定衔接时限",
        "en": "Make {agent} own the wait before '{label}' and set a time limit for it",
    },
    "not_completed": {
        "poete": "Planning",
        "zh": "查明“{label}”未按时完成的原因，明确牵头单位与完成时限",
        "en": "Find out why '{label}' was not reached in time; name its owner and deadline",
    },
    "not_started": {
        "poete": "Planning",
        "zh": "完善预案：确保“{label}”环节在推演中被触发并落实到责任单位",
        "en": "Complete the plan so that '{label}' is triggered and assigned to an owner",
    },
}
DAYS = {"Planning": 30, "Training": 30, "Exercises": 30, "Organization": 60, "Equipment": 60}
COLUMNS = (
    "finding",
    "objective",
    "subject",
    "cause",
    "action",
    "poete",
    "responsible",
    "accountable",
    "deadline",
)


def _roster_bound(finding: dict[str, Any], agent: dict[str, Any] | None) -> bool:
    """True when a queue wait ended at the agent's duty start (work waited for the morning)."""
    if finding["cause"] != "queue" or not agent:
        return False
    duty = agent.get("duty") or {}
    hours = duty.get("hours") or [0, 24]
    ended = finding.get("evidence", {}).get("queue_ended_clock_h")
    if tuple(hours) == (0, 24) or ended is None:
        return False
    return abs(float(ended) - float(hours[0])) < 1e-3


def owners(scenario: dict[str, Any], finding: dict[str, Any]) -> tuple[str, str]:
    """(responsible, accountable) agent ids for ``finding`` from the scenario's RACI.

    The blamed agent is responsible when the RACI of the work's subject (or the
    objective's) names it responsible; an agent that did the work without such a
    role (a publicity team releasing information) still owns its own fix; with no
    agent blamed, the subject's first responsible agent does.  The accountable
    agent is the RACI's for the subject whose rule applied.
    """
    raci = scenario.get("responsibilities", {})
    agent = finding.get("agent", "")
    path_subject = finding.get("evidence", {}).get("path_subject") or finding["subject"]
    for subject in (path_subject, finding["subject"]):
        r = raci.get(subject)
        if r and agent in r.get("responsible", []):
            return agent, r["accountable"]
    r = raci.get(path_subject) or raci.get(finding["subject"])
    if agent in scenario.get("agents", {}):
        return agent, r["accountable"] if r else ""
    if r:
        return r["responsible"][0], r["accountable"]
    return agent, ""


def build_plan(
    scenario: dict[str, Any],
    findings: list[dict[str, Any]],
    lang: str = "zh",
    label: Callable[[str], str] = str,
) -> list[dict[str, Any]]:
    """One improvement-plan row per finding, in ``lang`` (zh or en).

    ``label`` turns a task or event name into the words a reader sees.
    """
    agents = scenario.get("agents", {})
    start = datetime.fromisoformat(str(scenario["meta"]["start"]))
    drill_end: date = (start + timedelta(hours=float(scenario["meta"]["duration_h"]))).date()
    rows = []
    for i, f in enumerate(findings, start=1):
        spec = agents.get(f["agent"])
        cause = "roster" if _roster_bound(f, spec) else f["cause"]
        template = ACTIONS.get(cause, ACTIONS["gap"])
        ev = f.get("evidence", {})
        name = spec["name"][lang] if spec else f["agent"]
        duty = (spec or {}).get("duty") or {}
        hours = duty.get("hours") or [0, 24]
        action = template[lang].format(
            agent=name,
            staff=(spec or {}).get("staff", "?"),
            duty=f"{hours[0]:g}–{hours[1]:g}",
            label=label(str(ev.get("label", ev.get("start", "")))),
            vehicles=ev.get("vehicles", "?"),
            site=ev.get("site", ""),
            rooms=ev.get("rooms", "?"),
        )
        responsible, accountable = owners(scenario, f)
        poete = template["poete"]
        rows.append(
            {
                "finding": i,
                "objective": f.get("objective") or "",
                "subject": f["subject"],
                "cause": cause,
                "action": action,
                "poete": poete,
                "responsible": responsible,
                "accountable": accountable,
                "deadline": (drill_end + timedelta(days=DAYS[poete])).isoformat(),
            }
        )
    return rows


def plan_csv(rows: list[dict[str, Any]]) -> str:
    """The improvement plan as CSV text (UTF-8, header row, one row per finding).

    Text cells cannot become spreadsheet formulas (:mod:`sim.csvsafe`).
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: csvsafe.cell(r[k]) for k in COLUMNS})
    return buf.getvalue()
