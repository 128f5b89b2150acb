# ruff: noqa: E501 -- a string table reads best one entry per line
"""The improvement plan: one corrective action per finding, with owners and deadlines.

Each finding's cause selects a templated action (add staff, add vehicles, add
rooms, shorten a handoff, change the duty roster, ...) and a POETE element
(Planning, Organization, Equipment, Training, Exercises — the HSEEP
classification of corrective actions).  Owners come from the responsibility
network: the blamed agent is *responsible* when it holds a responsible role for
the subject of the work that took the time (else the objective's subject's first
responsible agent), and the subject's *accountable* agent answers for it.
Dates count from the report date (fixed with ``--report-date`` or
``SOURCE_DATE_EPOCH`` so that a committed report does not change from day to
day), after HSEEP practice: + 30 days for planning and training items, + 60 days
for organisation and equipment.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sim import csvsafe
from sim.errors import DrillInputError

ACTIONS: dict[str, dict[str, str]] = {
    "queue": {
        "poete": "Organization",
        "zh": "为{agent}增加在岗人员：现有 {staff} 人，“{label}”最多 {queue} 项同时排队、最长等候 {wait} 小时；"
        "增至约 {staff_needed} 人可使观察到的最长队列即时开工",
        "en": "Add on-duty staff to {agent}: {staff} now, with up to {queue} '{label}' tasks waiting "
        "(longest wait {wait} h); about {staff_needed} would have started the longest queue at once",
    },
    "roster": {
        "poete": "Planning",
        "zh": "调整{agent}的值班排班（现在岗时段 {duty} 时），夜间保留足够值守人员处理“{label}”，"
        "避免工作等到早班",
        "en": "Change {agent}'s duty roster (on post {duty} h) so that enough staff stay on duty at "
        "night for '{label}' instead of it waiting for the morning shift",
    },
    "work": {
        "poete": "Training",
        "zh": "缩短{agent}的“{label}”作业（本次耗时 {hours} 小时）：预置模板与分工并专项培训，"
        "目标 {target} 小时以内",
        "en": "Shorten {agent}'s '{label}' (took {hours} h): prepared templates, a division of "
        "labour and training, aiming at {target} h or less",
    },
    "handoff": {
        "poete": "Planning",
        "zh": "缩短{label}的交接（本次 {hours} 小时）：明确交接渠道与时限，建立直通机制，目标 {target} 小时以内",
        "en": "Shorten the handoff {label} (took {hours} h): fix the channel and its time limit, set "
        "up a direct line, aiming at {target} h or less",
    },
    "vehicle_queue": {
        "poete": "Equipment",
        "zh": "为{agent}增加转运车辆：现有 {vehicles} 辆，{waited} 人等车、最长 {wait} 小时；"
        "增至约 {vehicles_needed} 辆并预置备用驾驶员",
        "en": "Add transfer vehicles to {agent}: {vehicles} now, {waited} people waited (longest "
        "{wait} h); about {vehicles_needed} vehicles with standby drivers",
    },
    "rooms_full": {
        "poete": "Equipment",
        "zh": "增加集中隔离房间：{site}（{rooms} 间）于 {when} 住满，储备后备隔离点",
        "en": "Add centralized quarantine rooms: {site} ({rooms} rooms) was full at {when}; hold a "
        "reserve site",
    },
    "gap": {
        "poete": "Planning",
        "zh": "明确“{label}”之前的 {hours} 小时等待由{agent}牵头跟进，并规定衔接时限",
        "en": "Make {agent} follow up the {hours} h wait before '{label}' and set a time limit for it",
    },
    "not_completed": {
        "poete": "Planning",
        "zh": "在预案中为“{label}”指定牵头单位与完成时限",
        "en": "Name an owner and a deadline for '{label}' in the plan",
    },
    "not_started": {
        "poete": "Planning",
        "zh": "完善预案：确保“{label}”环节有触发条件并落实到责任单位",
        "en": "Complete the plan so that '{label}' has a trigger and an owner",
    },
    "count_over": {
        "poete": "Training",
        "zh": "{agent}复盘“{label}”：本次 {count} {unit}，标准不超过 {standard} {unit}；查明每一起的环节并专项培训",
        "en": "Have {agent} review every '{label}': {count} {unit} against a standard of at most "
        "{standard} {unit}; find the step each slipped through and train on it",
    },
    "max_over": {
        "poete": "Planning",
        "zh": "缩短{agent}的“{label}”：本次最长 {count} {unit}，标准不超过 {standard} {unit}；查明最慢的环节并设定时限",
        "en": "Shorten {agent}'s '{label}': the longest was {count} {unit} against a standard of at "
        "most {standard} {unit}; find the slowest step and set a time limit for it",
    },
    "round_schedule": {
        "poete": "Planning",
        "zh": "提前安排筛查：本轮开始前等待排期 {hours} 小时",
        "en": "Schedule the screening earlier: the round waited {hours} h for its slot",
    },
    "round_setup": {
        "poete": "Planning",
        "zh": "预置采样点与物资，缩短开点准备（本轮 {hours} 小时）",
        "en": "Pre-position sampling points and supplies to shorten set-up (took {hours} h)",
    },
    "round_sampling": {
        "poete": "Organization",
        "zh": "增加采样组：现有 {groups} 组、每组每小时约 {rate} 人，采样 {sampled} 人用时 {hours} 小时；"
        "增至约 {groups_needed} 组",
        "en": "Add sampling groups: {groups} groups at about {rate} people an hour each took {hours} h "
        "for {sampled} people; about {groups_needed} groups",
    },
    "round_closed": {
        "poete": "Planning",
        "zh": "延长采样点开放时间（现 {open} 时）或设夜间采样点：本轮因闭点停采 {hours} 小时",
        "en": "Keep sampling points open longer than {open} h or add night points: sampling stopped "
        "for {hours} h while they were closed",
    },
    "round_transport": {
        "poete": "Planning",
        "zh": "缩短送检与上机：最快一批从采样到出结果也需 {hours} 小时",
        "en": "Shorten transport to the lab and the run: even the fastest batch took {hours} h from "
        "swab to result",
    },
    "round_lab_queue": {
        "poete": "Equipment",
        "zh": "提升检测能力：采样结束时积压 {backlog} 管，实验室约每小时 {lab_rate} 管（每天约 {lab_day} 管）；"
        "需每天约 {lab_needed} 管（调移动实验室或第三方实验室）",
        "en": "Raise laboratory capacity: {backlog} tubes were waiting when sampling ended and the labs "
        "ran about {lab_rate} an hour ({lab_day} a day); about {lab_needed} a day is needed "
        "(mobile or third-party labs)",
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
    "start",
    "completion",
)
"""The id-level columns of a plan row (``findings.json``); the report adds display names."""


def report_date(explicit: date | None = None) -> date:
    """The date an improvement plan counts from: ``explicit``, else ``SOURCE_DATE_EPOCH``
    (reproducible builds), else today."""
    if explicit is not None:
        return explicit
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except ValueError:
            raise PlanDateError(f"SOURCE_DATE_EPOCH={epoch!r}: not a number of seconds") from None
    return date.today()


class PlanDateError(DrillInputError, ValueError):
    """An unusable report date (bad input, exit 2)."""


def _excess(f: dict[str, Any]) -> float:
    """Hours the objective ran over its standard (0 when unknown)."""
    ev = f.get("evidence", {})
    achieved = ev.get("achieved_h")
    span = ev.get("span_h") if achieved is None else achieved
    return max(0.0, float(span or 0) - float(ev.get("standard_h") or 0))


def _scale(f: dict[str, Any]) -> float:
    """How much faster the cause's stage must run for the objective to meet its standard:
    the stage alone absorbs the excess when it can, else every stage shrinks in proportion."""
    ev = f.get("evidence", {})
    hours, excess = float(f.get("hours") or 0), _excess(f)
    if hours <= 0 or excess <= 0:
        return 1.0
    if hours - excess >= 0.25 * hours:
        return hours / (hours - excess)
    span, standard = float(ev.get("span_h") or 0), float(ev.get("standard_h") or 0)
    return span / standard if standard > 0 and span > standard else hours / (0.25 * hours)


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
    on: date | None = None,
    name: Callable[[str], str] | None = None,
    when: Callable[[float], str] = lambda h: f"{h:.1f} h",
) -> list[dict[str, Any]]:
    """One improvement-plan row per finding, in ``lang`` (zh or en).

    ``label`` turns a task or event name into the words a reader sees, ``name`` an
    agent or site id into its name, ``when`` a scenario hour into a clock time.
    The action follows the cause (a queue asks for staff, waiting for vehicles for
    vehicles, full rooms for rooms, a slow round for groups, hours or laboratory
    capacity) and is sized, where the log allows, to what would have met the
    standard.  Start is the report date ``on`` (:func:`report_date`); completion
    is 30 days later for planning, training and exercise items and 60 for
    organisation and equipment, after HSEEP's practice.
    """
    agents = scenario.get("agents", {})
    start = report_date(on)
    if name is None:
        name = lambda x: agents[x]["name"][lang] if x in agents else x  # noqa: E731
    rows = []
    for i, f in enumerate(findings, start=1):
        spec = agents.get(f["agent"])
        cause = "roster" if _roster_bound(f, spec) else f["cause"]
        template = ACTIONS.get(cause, ACTIONS["gap"])
        ev = f.get("evidence", {})
        duty = (spec or {}).get("duty") or {}
        hours = duty.get("hours") or [0, 24]
        staff = int((spec or {}).get("staff", 0) or 0)
        scale = _scale(f)
        lab_rate = float(ev.get("lab_tubes_per_h") or 0)
        raw = str(ev.get("label", ev.get("start", "")))
        action = template[lang].format(
            agent=name(f["agent"]) if f["agent"] else "",
            staff=staff,
            staff_needed=staff + int(ev.get("agent_max_queue", 0) or 0),
            queue=ev.get("agent_max_queue", 0),
            wait=f"{float(ev.get('agent_max_wait_h', ev.get('max_vehicle_wait_h', 0)) or 0):.1f}",
            duty=f"{hours[0]:g}–{hours[1]:g}",
            label=_handoff_label(raw, name) if "→" in raw else label(raw),
            hours=f"{float(f.get('hours') or 0):.1f}",
            target=_target(float(f.get("hours") or 0), scale),
            vehicles=ev.get("vehicles", 0),
            vehicles_needed=math.ceil(float(ev.get("vehicles", 0) or 0) * scale),
            waited=ev.get("persons_waited_for_vehicle", 0),
            site=name(str(ev.get("site", ""))),
            rooms=ev.get("rooms", 0),
            when=when(float(ev.get("t", 0) or 0)),
            groups=ev.get("groups", 0),
            rate=f"{float(ev.get('per_group_per_h', 0) or 0):g}",
            sampled=ev.get("sampled", 0),
            groups_needed=math.ceil(float(ev.get("groups", 0) or 0) * scale),
            open="–".join(f"{float(x):g}" for x in ev.get("open_hours") or [0, 24]),
            backlog=ev.get("lab_backlog_at_sampling_end", 0),
            lab_rate=f"{lab_rate:.0f}",
            lab_day=f"{24 * lab_rate:.0f}",
            lab_needed=f"{24 * lab_rate * scale:.0f}",
            count=_amount(float(ev.get("achieved") or 0)),
            standard=f"{float(ev.get('standard') or 0):g}",
            unit=(ev.get("unit") or {}).get(lang, ""),
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
                "start": start.isoformat(),
                "completion": (start + timedelta(days=DAYS[poete])).isoformat(),
            }
        )
    return rows


def _amount(x: float) -> str:
    """A count as a whole number, a measured amount (the longest turnaround) to 0.1."""
    return f"{x:g}" if x == int(x) else f"{x:.1f}"


def _target(hours: float, scale: float) -> str:
    """The hours a stage should take, with enough decimals to differ from what it took."""
    target = hours / scale
    for digits in (1, 2):
        if f"{target:.{digits}f}" != f"{hours:.{digits}f}":
            return f"{target:.{digits}f}"
    return f"{target:.2f}"


def _handoff_label(raw: str, name: Callable[[str], str]) -> str:
    a, _, b = raw.partition("→")
    return f"{name(a)}→{name(b)}"


def plan_csv(headers: list[str], rows: list[list[str]]) -> str:
    """A table as CSV text (UTF-8, header row): the improvement plan as a planner reads it.

    Text cells cannot become spreadsheet formulas (:mod:`sim.csvsafe`).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csvsafe.cell(h) for h in headers])
    writer.writerows([[csvsafe.cell(c) for c in row] for row in rows])
    return buf.getvalue()
