"""The after-action report / improvement plan (AAR/IP) of one run, after HSEEP.

Sections, in HSEEP's order: the exercise overview (from the scenario's optional
``exercise:`` section, with defaults drawn from the scenario), the rating scale
with the thresholds this scenario uses, a summary table of ratings, the analysis
of capabilities (one part per drill subject: its objectives with ratings, its
strengths, and its areas for improvement — observation, analysis of the root
cause, reference, recommendation), the improvement plan with HSEEP's columns,
the figures, and the injects as a timeline.  Everything a reader sees is named
the way the scenario names it (:mod:`sim.report.names`); numbers come from the
event log and the evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sim.engine.log import EventLog
from sim.evaluation.findings import evaluate_findings
from sim.evaluation.improvement import build_plan
from sim.report import plots
from sim.report.document import Report, ReportInputError, Section, png_bytes, read_json
from sim.report.locale import subject as subject_name
from sim.report.locale import t, task
from sim.report.names import Names
from sim.report.session import evaluation_rows, read_session, room_section

IP_COLUMNS = (
    "ip_capability",
    "ip_area",
    "ip_action",
    "ip_poete",
    "ip_organization",
    "ip_poc",
    "ip_start",
    "ip_completion",
)
"""HSEEP's improvement-plan columns, in order (locale keys)."""


def hours(x: float | None, lang: str, standard: float | None = None) -> str:
    """Hours with one decimal, or more when one would hide a miss of the standard:
    12.03 h against 12 h reads "12.03", not "12.0"."""
    if x is None:
        return t("never", lang)
    for digits in (1, 2, 3):
        text = f"{x:.{digits}f}"
        if standard is None or x == standard or float(text) != standard:
            return text
    return f"{x:.4f}"


def _ratio(o: dict[str, Any]) -> str:
    achieved, standard = _value(o, "achieved"), _value(o, "standard")
    if achieved is None or not standard:
        return "—"
    return f"{achieved / standard:.2f}×"


def _value(o: dict[str, Any], key: str) -> float | None:
    """An objective row's ``standard`` or ``achieved`` (rows before count objectives: ``_h``)."""
    return o.get(key, o.get(f"{key}_h"))


def is_count(o: dict[str, Any]) -> bool:
    """True for a count objective's row (no risk-area arrival leaked), False for a time one."""
    return o.get("kind") == "count"


def achieved_text(o: dict[str, Any], lang: str) -> str:
    """What an objective achieved, in its unit: "12.03 小时", "3 人", or "never"."""
    value, standard = _value(o, "achieved"), _value(o, "standard")
    if value is None:
        return t("never", lang)
    if is_count(o):
        return t("amount", lang, x=_amount(value, standard), unit=o["unit"][lang])
    return t("amount_h", lang, x=hours(value, lang, standard))


def _amount(x: float, standard: float | None = None) -> str:
    """A count as a whole number; a measured amount (the longest turnaround) as hours are."""
    return f"{x:g}" if float(x) == int(x) else hours(float(x), "en", standard)


def standard_text(o: dict[str, Any], lang: str) -> str:
    """An objective's standard in its unit: "12 小时", "0 人"."""
    value = float(_value(o, "standard") or 0)
    if is_count(o):
        return t("amount", lang, x=f"{value:g}", unit=o["unit"][lang])
    return t("amount_h", lang, x=f"{value:g}")


# --- overview ------------------------------------------------------------------------


def _dates(scn: dict[str, Any], ex: dict[str, Any], lang: str) -> str:
    if ex.get("start_date"):
        end = ex.get("end_date") or ex["start_date"]
        return ex["start_date"] if end == ex["start_date"] else f"{ex['start_date']} – {end}"
    start = datetime.fromisoformat(str(scn["meta"]["start"]))
    end = start + timedelta(hours=float(scn["meta"]["duration_h"]))
    return t("simulated_period", lang, start=start.date(), end=end.date())


def _sponsor(scn: dict[str, Any]) -> str:
    """The top of the command: the agent that reports to no one and that most report to."""
    agents = scn.get("agents", {})
    counts = {a: 0 for a in agents}
    for spec in agents.values():
        for up in spec.get("reports_to", []):
            if up in counts:
                counts[up] += 1
    tops = [a for a in agents if not agents[a].get("reports_to")]
    return max(tops or list(agents), key=lambda a: counts.get(a, 0))


def _contact(c: dict[str, Any], lang: str) -> str:
    parts = [c["name"][lang]]
    if c.get("organization"):
        parts.append(c["organization"][lang])
    parts += [x for x in (c.get("phone"), c.get("email")) if x]
    return ", ".join(parts) if lang == "en" else "，".join(parts)


def overview(scn: dict[str, Any], summary: dict[str, Any], names: Names, lang: str) -> Section:
    """HSEEP's exercise overview, then the facts of this simulated run."""
    ex = scn.get("exercise") or {}
    text = lambda key, default: ex[key][lang] if ex.get(key) else default  # noqa: E731
    sep = ", " if lang == "en" else "、"
    subjects = sorted({o["subject"] for o in summary["objectives"]})
    exercised = [s for s in (scn.get("subjects") or {}) if (scn["subjects"] or {}).get(s)]
    capabilities = subjects + [s for s in exercised if s not in subjects]
    strain = (scn.get("epidemic") or {}).get("preset") or ""
    orgs = (
        [o[lang] for o in ex["organizations"]]
        if ex.get("organizations")
        else [names.agent(a) for a in scn.get("agents", {})]
    )
    poc = [_contact(c, lang) for c in ex.get("poc") or []]
    desc = scn["meta"].get("description")
    sec = Section("overview", t("overview", lang))
    sec.table(
        ["", ""],
        [
            [t("ov_name", lang), text("name", scn["meta"]["title"][lang])],
            [t("ov_dates", lang), _dates(scn, ex, lang)],
            [
                t("ov_scope", lang),
                text(
                    "scope",
                    t(
                        "scope_default",
                        lang,
                        subjects=len(capabilities),
                        days=f"{float(scn['meta']['duration_h']) / 24:g}",
                        region=scn["region"]["name"][lang],
                    ),
                ),
            ],
            [t("ov_mission", lang), text("mission_area", t("mission_response", lang))],
            [
                t("ov_hazard", lang),
                text(
                    "threat_hazard", t("hazard_default", lang, strain=t(f"strain_{strain}", lang))
                ),
            ],
            [t("ov_capabilities", lang), sep.join(subject_name(s, lang) for s in capabilities)],
            [
                t("ov_objectives", lang),
                sep.join(o["title"][lang] for o in scn.get("objectives", [])),
            ],
            [t("ov_summary", lang), text("summary", desc[lang] if desc else "—")],
            [t("ov_sponsor", lang), text("sponsor", names.agent(_sponsor(scn)))],
            [t("ov_organizations", lang), sep.join(orgs)],
            [t("ov_poc", lang), "; ".join(poc) if poc else t("poc_to_assign", lang)],
        ],
    )
    sec.p(t("run_facts_intro", lang))
    inf = summary.get("infections", {})
    c = summary.get("contacts", {})
    plans = [p["title"][lang] for p in scn.get("applied_plans", [])]
    sec.table(
        ["", ""],
        [
            [t("plans", lang), sep.join(plans) or t("no_plan", lang)],
            [t("seed", lang), str(summary["seed"])],
            [t("start", lang), plots.clock_full(scn, 0.0)],
            [t("duration", lang), t("hours", lang, h=f"{summary['duration_h']:g}")],
            [
                t("infections", lang),
                t(
                    "infections_line",
                    lang,
                    total=inf.get("total", 0),
                    local=inf.get("local", inf.get("total", 0)),
                    imported=inf.get("imported", 0),
                ),
            ],
            [
                t("contacts", lang),
                t(
                    "contacts_line",
                    lang,
                    exposed=c.get("exposed", 0),
                    identified=c.get("identified", 0),
                    isolated=c.get("isolated", 0),
                ),
            ],
            [t("events", lang), str(summary["events"])],
        ],
    )
    return sec


def rating_scale(scn: dict[str, Any], lang: str) -> Section:
    """The P/S/M/U scale with the thresholds of this scenario's ``ratings``."""
    r = scn.get("ratings") or {}
    s_mult, m_mult = float(r.get("S", 1.25)), float(r.get("M", 1.5))
    sec = Section("scale", t("rating_scale", lang))
    sec.p(t("rating_scale_intro", lang))
    sec.table(
        [t("col_rating", lang), t("col_meaning", lang), t("col_threshold", lang)],
        [
            [("P", "rating rating-P"), t("rating_P", lang), t("threshold_P", lang)],
            [
                ("S", "rating rating-S"),
                t("rating_S", lang),
                t("threshold_S", lang, s=f"{s_mult:g}"),
            ],
            [
                ("M", "rating rating-M"),
                t("rating_M", lang),
                t("threshold_M", lang, s=f"{s_mult:g}", m=f"{m_mult:g}"),
            ],
            [
                ("U", "rating rating-U"),
                t("rating_U", lang),
                t("threshold_U", lang, m=f"{m_mult:g}"),
            ],
        ],
    )
    return sec


def ratings_summary(summary: dict[str, Any], lang: str) -> Section:
    sec = Section("ratings", t("ratings", lang))
    rows = sorted(summary["objectives"], key=lambda o: o["subject"])
    if not any(is_count(o) for o in rows):
        columns = ("col_standard", "col_achieved")
        cell: Callable[[dict[str, Any], str], str] = lambda o, key: (  # noqa: E731
            f"{o['standard_h']:g}"
            if key == "standard"
            else hours(o["achieved_h"], lang, o["standard_h"])
        )
    else:  # counts beside times: each cell says its unit
        columns = ("col_standard_any", "col_achieved_any")
        cell = lambda o, key: (  # noqa: E731
            standard_text(o, lang) if key == "standard" else achieved_text(o, lang)
        )
    sec.table(
        [
            t(c, lang)
            for c in ("col_capability", "col_objective", *columns, "col_ratio", "col_rating")
        ],
        [
            [
                subject_name(o["subject"], lang),
                o["title"][lang],
                cell(o, "standard"),
                cell(o, "achieved"),
                _ratio(o),
                (o["rating"], f"rating rating-{o['rating']}"),
            ]
            for o in rows
        ],
    )
    return sec


# --- analysis of capabilities ---------------------------------------------------------


def observation(o: dict[str, Any], found: list[dict[str, Any]], names: Names, lang: str) -> str:
    """What was seen: the time against the standard, and who or what was latest."""
    if is_count(o):
        return t(
            "observation_count",
            lang,
            achieved=achieved_text(o, lang),
            standard=standard_text(o, lang),
            rating=o["rating"],
        )
    text = t(
        "observation",
        lang,
        objective=o["title"][lang],
        achieved=hours(o["achieved_h"], lang, o["standard_h"]),
        standard=f"{o['standard_h']:g}",
        rating=o["rating"],
    )
    starts = o.get("by_start") or []
    if len(starts) > 1:  # several index cases: each one's own time
        sep = "；" if lang == "zh" else "; "
        text += t(
            "observation_by_start",
            lang,
            each=sep.join(
                t(
                    "by_start_item",
                    lang,
                    who=names.of(s["entity"]),
                    achieved=achieved_text({**o, "achieved": s["achieved_h"]}, lang),
                    n=s["entities"],
                )
                for s in starts
            ),
        )
    ev = found[0]["evidence"] if found else {}
    if ev.get("entities", 0) > 1:
        text += t(
            "observation_late",
            lang,
            late=ev["late"],
            entities=ev["entities"],
            latest=names.of(str(ev.get("critical_entity", ""))),
        )
    elif ev.get("critical_entity"):
        text += t("observation_entity", lang, entity=names.of(str(ev["critical_entity"])))
    return text


def plain_source(source: str) -> str:
    """An objective's source without the research notes' cross-references (``#14``, ``§5``,
    ``(seed 002)``): a reader of the report cannot follow them."""
    text = re.sub(r"\s*\((?:[#§][^)]*|seed \d+)\)", "", source)
    text = re.sub(r"[,;]?\s*[#§]\d+(?:\s*[–-]\s*\d+)?", "", text)
    return text.strip(" ,;")


def analysis(
    f: dict[str, Any], names: Names, scn: dict[str, Any], lang: str, stages: bool = True
) -> str:
    """The root cause of one finding in plain language, with the numbers behind it
    (``stages``: whether a screening round's stage breakdown is appended)."""
    ev = f["evidence"]
    cause = f["cause"]
    base = {
        "agent": names.agent(f["agent"]),
        "hours": f"{f['hours']:.1f}",
        "share": f"{100 * f['share']:.0f}",
        "label": _label(str(ev.get("label", "")), names, lang),
    }
    if cause.startswith("round_"):
        stage_list = ("、" if lang == "zh" else ", ").join(
            t("stage_hours", lang, stage=t(f"stage_{k}", lang), h=f"{v:.1f}")
            for k, v in ev.get("stages_h", {}).items()
            if v > 0.05
        )
        return (
            t(
                f"why_{cause}",
                lang,
                **base,
                round=names.round(str(ev.get("round", ""))),
                stages=stage_list,
                groups=ev.get("groups", 0),
                rate=f"{float(ev.get('per_group_per_h', 0)):g}",
                sampled=ev.get("sampled", 0),
                tubes=ev.get("tubes", 0),
                backlog=ev.get("lab_backlog_at_sampling_end", 0),
                lab_rate=f"{float(ev.get('lab_tubes_per_h', 0)):.0f}",
                open="–".join(f"{float(x):g}" for x in ev.get("open_hours") or [0, 24]),
                labs=("、" if lang == "zh" else ", ").join(
                    names.agent(a) for a in ev.get("labs", [])
                ),
            )
            + (t("stages", lang, stages=stage_list) if stages else "")
            + (
                t("why_retests", lang, pools=ev["positive_pools"], people=ev["retested"])
                if ev.get("positive_pools") and cause == "round_lab_queue"
                else ""
            )
        )
    if cause == "rooms_full":
        return t(
            "why_rooms_full",
            lang,
            site=names.place(str(ev.get("site", ""))),
            rooms=ev.get("rooms", 0),
            when=plots.clock(scn, float(ev.get("t", 0))),
        )
    if cause in ("count_over", "max_over"):
        unit = (ev.get("unit") or {}).get(lang, "")
        shown = lambda key: t("amount", lang, x=_amount(ev.get(key) or 0), unit=unit)  # noqa: E731
        key = "why_count_over" if ev.get("logged_by") else "why_count_over_unowned"
        return t(
            "why_max_over" if cause == "max_over" else key,
            lang,
            label=task(str(ev.get("label", "")), lang),
            count=shown("achieved"),
            standard=shown("standard"),
            agent=base["agent"],
            first=plots.clock(scn, float(ev.get("first_t") or 0)),
            last=plots.clock(scn, float(ev.get("last_t") or 0)),
        )
    if cause == "not_started":
        return t("why_not_started", lang, start=task(str(ev.get("start", "")), lang))
    if cause == "not_completed":
        return t("why_not_completed", lang, end=task(str(ev.get("label", "")), lang), **base)
    text = t(f"why_{cause}", lang, **base)
    if cause == "queue":
        text += t(
            "why_queue_more",
            lang,
            agent=base["agent"],
            tasks=ev.get("agent_tasks", 0),
            wait=f"{float(ev.get('agent_max_wait_h', 0)):.1f}",
            queue=ev.get("agent_max_queue", 0),
        )
    if cause == "vehicle_queue" and "trips" in ev:
        text += t(
            "finding_fleet",
            lang,
            vehicles=ev["vehicles"],
            trips=ev["trips"],
            busy=ev["trips_with_fleet_busy"],
            waited=ev["persons_waited_for_vehicle"],
            wait=f"{ev['max_vehicle_wait_h']:.1f}",
        )
    return text


def _first_upper(text: str) -> str:
    """A sentence that starts with a name in lower case ("area-wide round 1 ...") starts upper."""
    return text[:1].upper() + text[1:]


def _label(raw: str, names: Names, lang: str) -> str:
    if "→" in raw:
        a, _, b = raw.partition("→")
        return f"{names.agent(a)}→{names.agent(b)}"
    return task(raw, lang)


def capabilities(
    summary: dict[str, Any],
    evaluation: dict[str, Any],
    plan: list[dict[str, Any]],
    names: Names,
    scn: dict[str, Any],
    lang: str,
) -> Section:
    """Analysis of capabilities: per subject its objectives, strengths and areas."""
    sec = Section("capabilities", t("capabilities", lang))
    by_subject: dict[str, list[dict[str, Any]]] = {}
    for o in summary["objectives"]:
        by_subject.setdefault(o["subject"], []).append(o)
    findings = evaluation["findings"]
    specs = {o["id"]: o for o in scn.get("objectives", [])}
    for subj in sorted(by_subject):
        objectives = by_subject[subj]
        sec.h3(_first_upper(subject_name(subj, lang)))
        sec.items(
            [
                t(
                    "objective_line_count",
                    lang,
                    objective=o["title"][lang],
                    rating=o["rating"],
                    achieved=achieved_text(o, lang),
                    standard=standard_text(o, lang),
                )
                if is_count(o)
                else t(
                    "objective_line",
                    lang,
                    objective=o["title"][lang],
                    rating=o["rating"],
                    achieved=hours(o["achieved_h"], lang, o["standard_h"]),
                    standard=f"{o['standard_h']:g}",
                )
                for o in objectives
            ]
        )
        sec.h4(t("strengths", lang))
        met = [o for o in objectives if o["rating"] == "P"]
        sec.items(
            [
                t(
                    "strength_count",
                    lang,
                    objective=o["title"][lang],
                    achieved=achieved_text(o, lang),
                    standard=standard_text(o, lang),
                )
                if is_count(o)
                else t(
                    "strength",
                    lang,
                    objective=o["title"][lang],
                    achieved=hours(o["achieved_h"], lang),
                    standard=f"{o['standard_h']:g}",
                    margin=f"{o['standard_h'] - o['achieved_h']:.1f}",
                    share=f"{100 * o['achieved_h'] / o['standard_h']:.0f}",
                )
                for o in met
            ]
            or [t("no_strengths_subject", lang)]
        )
        sec.h4(t("areas", lang))
        challenged = [o for o in objectives if o["rating"] != "P"]
        related = [f for f in findings if f["objective"] is None and f["subject"] == subj]
        if not challenged and not related:
            sec.p(t("no_areas_subject", lang))
        for o in challenged:
            found = [f for f in findings if f["objective"] == o["id"]]
            rows = [r for r in plan if r["objective"] == o["id"]]
            spec = specs.get(o["id"], {})
            sec.items(
                [
                    (
                        f"{o['title'][lang]}（{o['rating']}）"
                        if lang == "zh"
                        else f"{o['title'][lang]} ({o['rating']})",
                        [
                            t("lbl_observation", lang) + observation(o, found, names, lang),
                            *[
                                t("lbl_analysis", lang)
                                + _first_upper(analysis(f, names, scn, lang, i == 0))
                                for i, f in enumerate(found)
                            ],
                            t("lbl_reference", lang)
                            + t(
                                "reference_count" if is_count(o) else "reference",
                                lang,
                                standard=standard_text(o, lang)
                                if is_count(o)
                                else f"{o['standard_h']:g}",
                                source=plain_source(spec.get("source") or "")
                                or t("no_source", lang),
                            ),
                            *[t("lbl_recommendation", lang) + r["action"] for r in rows],
                        ],
                    )
                ]
            )
        for f in related:
            rows = [r for r in plan if r["finding"] == findings.index(f) + 1]
            sec.items(
                [
                    (
                        t("resource_area", lang),
                        [
                            t("lbl_analysis", lang) + _first_upper(analysis(f, names, scn, lang)),
                            *[t("lbl_recommendation", lang) + r["action"] for r in rows],
                        ],
                    )
                ]
            )
    return sec


# --- improvement plan -----------------------------------------------------------------


def plan_table(
    plan: list[dict[str, Any]], scn: dict[str, Any], names: Names, lang: str
) -> tuple[list[str], list[list[str]]]:
    """The improvement plan as HSEEP's table: headers and rows of display text."""
    titles = {o["id"]: o["title"][lang] for o in scn.get("objectives", [])}
    contacts = (scn.get("exercise") or {}).get("contacts") or {}
    rows = [
        [
            subject_name(r["subject"], lang),
            r.get("area") or titles.get(r["objective"]) or t("resource_area", lang),
            r["action"],
            t(f"poete_{r['poete']}", lang),
            names.agent(r["responsible"]),
            _contact(contacts[r["responsible"]], lang)
            if r["responsible"] in contacts
            else t("poc_to_assign", lang),
            r["start"],
            r["completion"],
        ]
        for r in plan
    ]
    return [t(c, lang) for c in IP_COLUMNS], rows


# --- injects --------------------------------------------------------------------------


def inject_timeline(log: EventLog, scn: dict[str, Any], names: Names, lang: str) -> list[Any]:
    """One item per inject: what was injected, what the room decided, what that changed."""
    specs = {i["id"]: i for i in scn.get("injects", [])}
    items: list[Any] = []
    current: dict[str, tuple[str, list[str]]] = {}
    for e in log:
        if e.kind in ("inject", "inject_delivered"):
            spec = specs.get(e.entity, {})
            msg = e.details.get("message") or spec.get("message")
            title = spec.get("title", {}).get(lang) if spec else names.of(e.entity)
            head = f"{plots.clock(scn, e.t)} {title or t('an_inject', lang)}"
            if e.agent:
                head += t("inject_to", lang, agent=names.agent(e.agent))
            subs: list[str] = []
            if isinstance(msg, dict):
                subs.append(t("lbl_injected", lang) + str(msg.get(lang, "")))
            if spec.get("expected_action"):
                subs.append(t("lbl_expected", lang) + spec["expected_action"][lang])
            current[e.entity] = (head, subs)
            items.append(current[e.entity])
            continue
        if e.entity not in current:
            continue
        subs = current[e.entity][1]
        if e.kind == "decision_made":
            option = next(
                (
                    o
                    for o in specs.get(e.entity, {}).get("options", [])
                    if o["id"] == e.details.get("option")
                ),
                None,
            )
            chosen = option["label"][lang] if option else t("an_option", lang)
            subs.append(t("lbl_decided", lang) + chosen)
        elif e.kind == "staff_changed":
            subs.append(
                t("lbl_changed", lang)
                + t(
                    "changed_staff",
                    lang,
                    agent=names.agent(e.agent),
                    before=e.details.get("before"),
                    after=e.details.get("staff"),
                    when=plots.clock(scn, e.t),
                )
            )
        elif e.kind == "handoff_delay_changed":
            subs.append(
                t("lbl_changed", lang)
                + t(
                    "changed_handoff",
                    lang,
                    source=names.agent(str(e.details.get("source", ""))),
                    agent=names.agent(e.agent),
                    mean=f"{float(e.details.get('mean_h', 0)):.1f}",
                )
            )
        elif e.kind == "finding_revealed":
            subs.append(
                t("lbl_changed", lang) + t("changed_people", lang, n=e.details.get("people"))
            )
        elif e.kind == "spot_check_answer":
            verdict = str(e.details.get("verdict", ""))
            subs.append(t("lbl_answer", lang) + t(f"verdict_{verdict}", lang))
        elif e.kind in ("site_opened", "vehicles_added", "rumour_answered"):
            subs.append(t("lbl_changed", lang) + task(e.kind, lang))
    return [(h, s or [t("no_effect", lang)]) for h, s in items]


# --- the report ----------------------------------------------------------------------


def run_report(
    run_dir: Path, lang: str = "zh", on: date | None = None
) -> tuple[Report, dict[str, Any], tuple[list[str], list[list[str]]]]:
    """The AAR/IP of one run directory, its evaluation, and the plan table for the CSV."""
    run_dir = Path(run_dir)
    summary = read_json(run_dir / "summary.json")
    scn = read_json(run_dir / "scenario.json")
    if not (run_dir / "events.jsonl").exists():
        raise ReportInputError(f"{run_dir / 'events.jsonl'}: missing")
    log = EventLog.read_jsonl(run_dir / "events.jsonl")
    names = Names(scn, log, lang)
    evaluation = evaluate_findings(log, scn, summary["objectives"])
    when: Callable[[float], str] = lambda h: plots.clock(scn, h)  # noqa: E731
    plan = build_plan(
        scn,
        evaluation["findings"],
        lang,
        label=lambda x: task(x, lang),
        on=on,
        name=names.of,
        when=when,
    )
    session = read_session(run_dir)  # a played drill: the room's observations and verdicts
    if session is not None:
        plan += evaluation_rows(session, scn, names, lang, on)
    evaluation["improvement_plan"] = plan
    headers, rows = plan_table(plan, scn, names, lang)
    plan_sec = Section("plan", t("improvement_plan", lang))
    if rows:
        plan_sec.p(t("plan_intro", lang, date=plan[0]["start"]))
        plan_sec.table(headers, rows)
    else:
        plan_sec.p(t("no_findings", lang))

    figs = plots.single_run_figures(log, scn, summary, evaluation["findings"], lang)
    pngs = {stem: png_bytes(fig) for stem, fig in figs.items()}
    plot_sec = Section("plots", t("plots", lang))
    for stem, png in pngs.items():
        plot_sec.figure(stem, t(f"plot_{stem}", lang), png)

    inj = Section("injects", t("injects", lang))
    timeline = inject_timeline(log, scn, names, lang)
    if timeline:
        inj.items(timeline)
    else:
        inj.p(t("no_injects", lang))

    report = Report(
        lang,
        f"{t('report', lang)} — {scn['meta']['title'][lang]}",
        t("illustrative", lang) if scn["meta"].get("illustrative") else "",
        [
            overview(scn, summary, names, lang),
            rating_scale(scn, lang),
            ratings_summary(summary, lang),
            capabilities(summary, evaluation, plan, names, scn, lang),
            *([room_section(session, log, scn, names, lang)] if session is not None else []),
            plan_sec,
            plot_sec,
            inj,
        ],
        pngs,
    )
    return report, evaluation, (headers, rows)
