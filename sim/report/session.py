"""What the room did in a played drill (``drill play``), for the after-action report.

A played run directory holds ``session.json`` beside its event log (written by
:mod:`sim.live.host`): the evaluators' verdicts on expected actions and the
controller's actions.  The room's answers, decisions, ad-hoc questions and
spot-check calls are in the event log itself.  :func:`room_section` lists them
as observations under their subject; :func:`evaluation_rows` turns every
expected action judged *not met* into an improvement-plan row for the role
that was asked.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.evaluation.improvement import DAYS, report_date
from sim.report import plots
from sim.report.document import Section
from sim.report.locale import subject as subject_name
from sim.report.locale import t

if TYPE_CHECKING:
    from datetime import date

    from sim.engine.log import EventLog
    from sim.report.names import Names

SESSION_FILE = "session.json"

WORDS: dict[str, tuple[str, str]] = {
    "title": ("推演现场表现（导演组与评估组记录）", "The room's play (controller and evaluators)"),
    "intro": (
        "以下为推演中各专班的现场应答、决策、临时点题与随机抽查，以及评估组对期望行动的评估，"
        "按领域归类。",
        "The task forces' answers and decisions, the ad-hoc questions and spot-checks of the "
        "session, and the evaluators' verdicts on the expected actions, by subject.",
    ),
    "answer": ("{clock} {inject}：{who}应答“{text}”", "{clock} {inject}: {who} answered “{text}”"),
    "decision": (
        "{clock} {inject}：{who}决策“{option}”",
        "{clock} {inject}: {who} decided “{option}”",
    ),
    "ad_hoc": (
        "{clock} 临时点题（{inject}）：问“{q}”，答“{a}”",
        "{clock} ad-hoc question ({inject}): “{q}” — “{a}”",
    ),
    "spot": (
        "{clock} 随机抽查（{inject}）：电话连线{who}，回答“{text}”，判定：{verdict}",
        "{clock} spot-check ({inject}): {who} phoned, answered “{text}”; verdict: {verdict}",
    ),
    "evaluation": (
        "评估（{inject}，{who}）：{rating}。期望行动：{expected}{note}",
        "Evaluation ({inject}, {who}): {rating}. Expected action: {expected}{note}",
    ),
    "note": ("；评估组备注：{note}", "; evaluators' note: {note}"),
    "met": ("达到", "met"),
    "partly": ("部分达到", "partly met"),
    "not_met": ("未达到", "not met"),
    "rollup": (
        "按专班汇总：{rows}",
        "By task force: {rows}",
    ),
    "rollup_row": (
        "{who} 达到{met}/部分{partly}/未达到{not_met}",
        "{who} {met}/{partly}/{not_met}",
    ),
    "action": (
        "就“{inject}”组织{who}复盘与专项培训，落实期望行动：{expected}",
        "Debrief and train {who} on “{inject}” until the expected action is routine: {expected}",
    ),
    "area": ("推演评估：{inject}", "Exercise evaluation: {inject}"),
    "adhoc_inject": ("临时注入", "Ad-hoc inject"),
}


def _w(key: str, lang: str, **fields: Any) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**fields)


def read_session(run_dir: Path) -> dict[str, Any] | None:
    """The session record of a played run, or None for a scripted run."""
    path = Path(run_dir) / SESSION_FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _injects(scn: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in scn.get("injects", [])}


def _title(specs: dict[str, dict[str, Any]], iid: str, lang: str) -> str:
    spec = specs.get(iid)
    if spec is None:
        return _w("adhoc_inject", lang)
    title = spec.get("title") or spec.get("message")
    return str(title[lang]) if isinstance(title, dict) else iid


def room_section(
    session: dict[str, Any], log: EventLog, scn: dict[str, Any], names: Names, lang: str
) -> Section:
    """The room's observations by subject: answers, decisions, ad-hoc questions,
    spot-checks (from the event log) and evaluations (from the session record)."""
    specs = _injects(scn)
    subjects = {p["at"]: p["subject"] for p in session.get("pauses", [])}
    for iid, spec in specs.items():
        subjects.setdefault(iid, spec.get("subject", ""))
    by_subject: dict[str, list[tuple[float, str]]] = {}

    def add(subject: str, t: float, text: str) -> None:
        by_subject.setdefault(subject, []).append((t, text))

    for e in log:
        clock = plots.clock(scn, e.t)
        inject = _title(specs, e.entity, lang)
        subject = subjects.get(e.entity, e.subject)
        who = names.agent(e.agent) if e.agent else ""
        d = e.details
        if e.kind == "inject_answer":
            add(
                subject,
                e.t,
                _w("answer", lang, clock=clock, inject=inject, who=who, text=d["answer"]),
            )
        elif e.kind == "decision_made":
            option = next(
                (
                    o["label"][lang]
                    for o in specs.get(e.entity, {}).get("options", [])
                    if o["id"] == d.get("option")
                ),
                str(d.get("option")),
            )
            add(
                subject,
                e.t,
                _w("decision", lang, clock=clock, inject=inject, who=who, option=option),
            )
        elif e.kind == "ad_hoc_question":
            add(
                subject,
                e.t,
                _w("ad_hoc", lang, clock=clock, inject=inject, q=d["question"], a=d["answer"]),
            )
        elif e.kind == "spot_check_answer":
            verdict = t(f"verdict_{d.get('verdict', '')}", lang)
            text = str(d.get("answer") or "—")
            add(
                subject,
                e.t,
                _w("spot", lang, clock=clock, inject=inject, who=who, text=text, verdict=verdict),
            )
    pauses = {p["pause"]: p for p in session.get("pauses", [])}
    for ev in session.get("evaluations", []):
        p = pauses.get(ev["pause"], {})
        spec = specs.get(ev["inject"], {})
        expected = (spec.get("expected_action") or {}).get(lang, "").rstrip("。.")
        who = names.agent(p.get("target") or p.get("called") or "")
        note = _w("note", lang, note=ev["note"]) if ev.get("note") else ""
        add(
            p.get("subject") or spec.get("subject", ""),
            float(p.get("t", 0.0)),
            _w(
                "evaluation",
                lang,
                inject=_title(specs, ev["inject"], lang),
                who=who,
                rating=_w(ev["rating"], lang),
                expected=expected,
                note=note,
            ),
        )
    sec = Section("room", _w("title", lang))
    sec.p(_w("intro", lang))
    for subject in sorted(by_subject):
        sec.h3(subject_name(subject, lang))
        sec.items([text for _, text in sorted(by_subject[subject], key=lambda x: x[0])])
    counts = rollup(session, names)
    if counts:
        rows = ("；" if lang == "zh" else "; ").join(
            _w("rollup_row", lang, who=who, **c) for who, c in sorted(counts.items())
        )
        sec.p(_w("rollup", lang, rows=rows))
    return sec


def rollup(session: dict[str, Any], names: Names) -> dict[str, dict[str, int]]:
    """Evaluations counted per task force (the role the inject went to)."""
    pauses = {p["pause"]: p for p in session.get("pauses", [])}
    out: dict[str, dict[str, int]] = {}
    for ev in session.get("evaluations", []):
        p = pauses.get(ev["pause"], {})
        who = names.agent(p.get("target") or p.get("called") or "")
        counts = out.setdefault(who, {"met": 0, "partly": 0, "not_met": 0})
        counts[ev["rating"]] += 1
    return out


def evaluation_rows(
    session: dict[str, Any], scn: dict[str, Any], names: Names, lang: str, on: date | None
) -> list[dict[str, Any]]:
    """An improvement-plan row for every expected action judged not met."""
    specs = _injects(scn)
    pauses = {p["pause"]: p for p in session.get("pauses", [])}
    start = report_date(on)
    rows = []
    for ev in session.get("evaluations", []):
        if ev["rating"] != "not_met":
            continue
        p = pauses.get(ev["pause"], {})
        spec = specs.get(ev["inject"], {})
        agent = p.get("target") or p.get("called") or ""
        title = _title(specs, ev["inject"], lang)
        expected = (spec.get("expected_action") or {}).get(lang, "")
        rows.append(
            {
                "finding": None,
                "objective": "",
                "area": _w("area", lang, inject=title),
                "subject": p.get("subject") or spec.get("subject", ""),
                "cause": f"evaluation_{ev['rating']}",
                "action": _w(
                    "action", lang, inject=title, who=names.agent(agent), expected=expected
                ),
                "poete": "Training",
                "responsible": agent,
                "accountable": "",
                "start": start.isoformat(),
                "completion": (start + timedelta(days=DAYS["Training"])).isoformat(),
            }
        )
    return rows
