"""Assemble the after-action report of a run directory or a comparison directory.

``write_report(DIR, lang)`` reads what a run left (``events.jsonl``,
``summary.json``, ``scenario.json``) or what a comparison left
(``comparison.json``), evaluates, draws the plots and writes ``report.html``
(self-contained), ``report.md`` (next to ``plots/*.png``) and, for a run,
``improvement_plan.csv`` and ``findings.json``.  The report is a list of
sections made of a few block types, rendered by :mod:`sim.report.html` and
:mod:`sim.report.markdown`; all text a reader sees comes from the locale table
or from the scenario (which the renderers escape).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from sim import outdir
from sim.engine.log import EventLog
from sim.errors import DrillInputError
from sim.evaluation.findings import evaluate_findings
from sim.evaluation.improvement import build_plan, plan_csv
from sim.report import compare_plots, plots, style
from sim.report.locale import LANGS, t, task
from sim.report.locale import subject as subject_name

Cell = str | tuple[str, str]
"""A table cell: its text, or (text, css class)."""


class ReportInputError(DrillInputError, ValueError):
    """A directory that holds neither a run nor a comparison (bad input, exit 2)."""


@dataclass
class Section:
    id: str
    heading: str
    blocks: list[tuple[Any, ...]] = field(default_factory=list)

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def items(self, texts: list[str | tuple[str, list[str]]]) -> None:
        """A bullet list; an item may carry sub-items as ``(text, [sub, ...])``."""
        self.blocks.append(("list", texts))

    def table(self, headers: list[str], rows: list[list[Cell]]) -> None:
        self.blocks.append(("table", headers, rows))

    def figure(self, stem: str, caption: str, png: bytes) -> None:
        self.blocks.append(("figure", stem, caption, png))


@dataclass
class Report:
    lang: str
    title: str
    subtitle: str
    sections: list[Section]
    figures: dict[str, bytes]


def png_bytes(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    style.close(fig)
    return buf.getvalue()


def _h(x: float | None, lang: str) -> str:
    return t("never", lang) if x is None else f"{x:.1f}"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportInputError(f"{path}: missing (not a run or comparison directory)") from None
    except json.JSONDecodeError as err:
        raise ReportInputError(f"{path}:{err.lineno}: invalid JSON: {err.msg}") from None


# --- single run ----------------------------------------------------------------------


def run_report(run_dir: Path, lang: str = "zh") -> tuple[Report, dict[str, Any]]:
    """The report of one run directory, and its machine-readable evaluation."""
    run_dir = Path(run_dir)
    summary = _read_json(run_dir / "summary.json")
    scn = _read_json(run_dir / "scenario.json")
    if not (run_dir / "events.jsonl").exists():
        raise ReportInputError(f"{run_dir / 'events.jsonl'}: missing")
    log = EventLog.read_jsonl(run_dir / "events.jsonl")
    evaluation = evaluate_findings(log, scn, summary["objectives"])
    plan = build_plan(scn, evaluation["findings"], lang, label=lambda x: _plain_label(x, scn, lang))
    evaluation["improvement_plan"] = plan
    name = lambda aid: plots.agent_name(scn, aid, lang)  # noqa: E731
    titles = {o["id"]: o["title"][lang] for o in summary["objectives"]}

    overview = Section("overview", t("overview", lang))
    overview.table(
        ["", ""],
        [
            [t("scenario", lang), scn["meta"]["title"][lang]],
            [
                t("plans", lang),
                ", ".join(p["title"][lang] for p in scn.get("applied_plans", []))
                or t("none", lang),
            ],
            [t("seed", lang), str(summary["seed"])],
            [t("start", lang), str(scn["meta"]["start"])],
            [t("duration", lang), t("hours", lang, h=f"{summary['duration_h']:g}")],
            [t("events", lang), str(summary["events"])],
            [t("infections", lang), str(summary["infections"]["total"])],
            ["", t("contacts_line", lang, **_contacts(summary))],
        ],
    )
    desc = scn["meta"].get("description")
    if desc:
        overview.p(desc[lang])

    ratings = Section("ratings", t("ratings", lang))
    ratings.p(t("rating_legend", lang))
    ratings.table(
        [
            t(c, lang)
            for c in (
                "col_subject",
                "col_objective",
                "col_standard",
                "col_achieved",
                "col_rating",
                "col_source",
            )
        ],
        [
            [
                subject_name(o["subject"], lang),
                o["title"][lang],
                f"{o['standard_h']:g}",
                _h(o["achieved_h"], lang),
                (o["rating"], f"rating rating-{o['rating']}"),
                o.get("source", ""),
            ]
            for o in sorted(summary["objectives"], key=lambda o: o["subject"])
        ],
    )

    strengths = Section("strengths", t("strengths", lang))
    strengths.items(
        [
            t(
                "strength",
                lang,
                objective=titles[o["id"]],
                achieved=f"{o['achieved_h']:.1f}",
                standard=f"{o['standard_h']:g}",
                margin=f"{o['standard_h'] - o['achieved_h']:.1f}",
            )
            for o in evaluation["strengths"]
        ]
        or [t("no_strengths", lang)]
    )

    areas = Section("areas", t("areas", lang))
    areas.items(
        _finding_items(evaluation, summary, scn, titles, name, lang) or [t("no_findings", lang)]
    )

    plan_sec = Section("plan", t("improvement_plan", lang))
    plan_sec.table(
        [
            t(c, lang)
            for c in (
                "col_no",
                "col_objective",
                "col_subject",
                "col_action",
                "col_poete",
                "col_responsible",
                "col_accountable",
                "col_deadline",
            )
        ],
        [
            [
                str(r["finding"]),
                titles.get(r["objective"], r["objective"]),
                subject_name(r["subject"], lang),
                r["action"],
                t(f"poete_{r['poete']}", lang),
                name(r["responsible"]),
                name(r["accountable"]),
                r["deadline"],
            ]
            for r in plan
        ],
    ) if plan else plan_sec.p(t("no_findings", lang))

    figs = plots.single_run_figures(log, scn, summary, evaluation["findings"], lang)
    pngs = {stem: png_bytes(fig) for stem, fig in figs.items()}
    plot_sec = Section("plots", t("plots", lang))
    for stem, png in pngs.items():
        plot_sec.figure(stem, t(f"plot_{stem}", lang), png)

    inj = Section("injects", t("injects", lang))
    rows = _inject_rows(log, scn, lang)
    if rows:
        inj.table([t(c, lang) for c in ("col_time", "col_event", "col_agent", "col_detail")], rows)
    else:
        inj.p(t("no_injects", lang))

    report = Report(
        lang,
        f"{t('report', lang)} — {scn['meta']['title'][lang]}",
        t("illustrative", lang) if scn["meta"].get("illustrative") else "",
        [overview, ratings, strengths, areas, plan_sec, plot_sec, inj],
        pngs,
    )
    return report, evaluation


def _contacts(summary: dict[str, Any]) -> dict[str, Any]:
    c = summary.get("contacts", {})
    return {k: c.get(k, 0) for k in ("exposed", "identified", "isolated")}


def _finding_items(evaluation, summary, scn, titles, name, lang) -> list:
    """One bullet per challenged objective, with its causes and evidence as sub-items."""
    rows = {o["id"]: o for o in summary["objectives"]}
    grouped: dict[str | None, list[dict[str, Any]]] = {}
    for f in evaluation["findings"]:
        grouped.setdefault(f["objective"], []).append(f)
    items: list[str | tuple[str, list[str]]] = []
    for oid, found in grouped.items():
        subs: list[str] = []
        for f in found:
            subs += _finding_lines(f, name, lang)
        if oid is None:
            items += subs
            continue
        o = rows[oid]
        head = t(
            "finding_head",
            lang,
            objective=titles[oid],
            rating=o["rating"],
            achieved=_h(o["achieved_h"], lang),
            standard=f"{o['standard_h']:g}",
        )
        ev = found[0]["evidence"]
        if ev.get("entities", 0) > 1:
            subs.insert(
                0,
                t(
                    "finding_late",
                    lang,
                    late=ev["late"],
                    entities=ev["entities"],
                    unreached=ev["unreached"],
                    entity=ev.get("critical_entity", ""),
                ),
            )
        path = evaluation["critical_paths"].get(oid, [])
        if path:
            steps = " → ".join(
                f"{plots.clock(scn, s['t0'])} {name(s['agent'])}·{_label(s, name, lang)}"
                f" {s['t1'] - s['t0']:.1f}h"
                for s in path
            )
            subs.append(("关键路径：" if lang == "zh" else "Critical path: ") + steps)
        items.append((head, subs))
    return items


def _plain_label(label: str, scn: dict[str, Any], lang: str) -> str:
    if "→" in label:
        a, b = label.split("→", 1)
        return f"{plots.agent_name(scn, a, lang)}→{plots.agent_name(scn, b, lang)}"
    return task(label, lang)


def _label(seg: dict[str, Any], name, lang: str) -> str:
    label = str(seg.get("label", ""))
    if seg.get("cause") == "handoff" and "→" in label:
        a, b = label.split("→", 1)
        return f"{t('cause_handoff', lang)} {name(a)}→{name(b)}"
    if seg.get("cause") == "gap":
        return f"{t('cause_gap', lang)} {task(label, lang)}"
    if seg.get("cause") in ("queue", "vehicle_queue"):
        return f"{t('cause_' + seg['cause'], lang)} {task(label, lang)}"
    return task(label, lang)


def _finding_lines(f: dict[str, Any], name, lang: str) -> list[str]:
    ev = f["evidence"]
    if f["cause"] == "rooms_full":
        return [t("finding_rooms", lang, site=ev["site"], t=f"{ev['t']:.1f}", rooms=ev["rooms"])]
    if f["cause"] == "not_completed":
        return [
            t("finding_not_completed", lang, end=task(ev["label"], lang), hours=f"{f['hours']:.1f}")
        ]
    if f["cause"] == "not_started":
        return [
            t("finding_not_started", lang, objective=f["objective"], start=task(ev["start"], lang))
        ]
    lines = [
        t(
            "finding_cause",
            lang,
            agent=name(f["agent"]),
            cause=t(f"cause_{f['cause']}", lang),
            label=_label({"cause": "", "label": ev.get("label", "")}, name, lang)
            if f["cause"] != "handoff"
            else _label({"cause": "handoff", "label": ev["label"]}, name, lang),
            hours=f"{f['hours']:.1f}",
            share=f"{100 * f['share']:.0f}",
        )
    ]
    if f["cause"] == "vehicle_queue" and "trips" in ev:
        lines.append(
            t(
                "finding_fleet",
                lang,
                vehicles=ev["vehicles"],
                trips=ev["trips"],
                busy=ev["trips_with_fleet_busy"],
                waited=ev["persons_waited_for_vehicle"],
                wait=f"{ev['max_vehicle_wait_h']:.1f}",
            )
        )
    if f["cause"] == "queue":
        lines.append(
            t(
                "finding_queue",
                lang,
                agent=name(f["agent"]),
                tasks=ev["agent_tasks"],
                wait=f"{ev['agent_max_wait_h']:.1f}",
                queue=ev["agent_max_queue"],
            )
        )
    resource = f["resource"]
    res_key = "resource_rooms" if resource.startswith("rooms") else f"resource_{resource}"
    lines.append(t("blamed", lang, agent=name(f["agent"]), resource=t(res_key, lang)))
    return lines


def _inject_rows(log: EventLog, scn: dict[str, Any], lang: str) -> list[list[Cell]]:
    """Injects, decisions and answers found in the log, whatever their exact kinds."""
    rows: list[list[Cell]] = []
    for e in log:
        if not (e.kind.startswith(("inject", "decision", "answer")) or e.subject == "injects"):
            continue
        msg = e.details.get("message")
        if isinstance(msg, dict):
            detail = str(msg.get(lang, next(iter(msg.values()), "")))
        else:
            detail = ", ".join(f"{k}={v}" for k, v in sorted(e.details.items()))
        rows.append(
            [
                plots.clock(scn, e.t),
                task(e.kind, lang),
                plots.agent_name(scn, e.agent, lang),
                detail,
            ]
        )
    return rows


# --- comparison -------------------------------------------------------------------------


def comparison_report(cmp_dir: Path, lang: str = "zh") -> Report:
    """The report of a comparison directory (``comparison.json``)."""
    cmp = _read_json(Path(cmp_dir) / "comparison.json")
    for key in ("title", "plans", "metrics", "objectives"):
        if key not in cmp:
            raise ReportInputError(f"{Path(cmp_dir) / 'comparison.json'}: missing key '{key}'")
    plans = {p["id"]: p["title"][lang] for p in cmp["plans"]}
    overview = Section("overview", t("overview", lang))
    overview.table(
        ["", ""],
        [
            [t("scenario", lang), str(cmp.get("scenario", ""))],
            [t("plans", lang), ", ".join(plans.values())],
            [t("runs", lang), str(cmp.get("runs", ""))],
            [t("seed", lang), str(cmp.get("seed", ""))],
        ],
    )
    ratings = Section("ratings", t("ratings", lang))
    ratings.table(
        [
            t("col_objective", lang),
            t("col_subject", lang),
            t("col_standard", lang),
            *[f"{plans[p]} {t('col_p_met', lang)}" for p in plans],
        ],
        [
            [
                o["title"][lang],
                subject_name(o.get("subject", ""), lang),
                f"{o['standard_h']:g}",
                *[_pct(o["by_plan"].get(p)) for p in plans],
            ]
            for o in cmp["objectives"].values()
        ],
    )
    metrics = Section("metrics", t("col_metric", lang))
    metrics.table(
        [
            t("col_metric", lang),
            t("col_plan", lang),
            t("col_mean", lang),
            t("col_ci", lang),
            "median",
            "p5–p95",
        ],
        [
            [
                m,
                plans.get(p, p),
                _num(v.get("mean")),
                _interval(v.get("ci_low"), v.get("ci_high")),
                _num(v.get("median")),
                _interval(v.get("p5"), v.get("p95"), "{}–{}"),
            ]
            for m, by_plan in cmp["metrics"].items()
            for p, v in by_plan.items()
        ],
    )
    diffs = Section("differences", t("col_diff", lang))
    diffs.table(
        [
            t("col_plan", lang),
            t("col_metric", lang),
            t("col_diff", lang),
            t("col_ci", lang),
            t("col_significant", lang),
        ],
        [
            [
                f"{plans.get(d['plan'], d['plan'])} − {plans.get(d['baseline'], d['baseline'])}",
                d["metric"],
                _num(d.get("mean_diff"), "+.2f"),
                _interval(d.get("ci_low"), d.get("ci_high")),
                t("yes" if d.get("significant") else "no", lang),
            ]
            for d in cmp.get("differences", [])
        ],
    )
    figs = {k: png_bytes(f) for k, f in compare_plots.comparison_figures(cmp, lang).items()}
    plot_sec = Section("plots", t("plots", lang))
    for stem, png in figs.items():
        plot_sec.figure(stem, t(f"plot_{stem}", lang), png)
    return Report(
        lang,
        f"{t('comparison_report', lang)} — {cmp['title'][lang]}",
        "",
        [overview, ratings, metrics, diffs, plot_sec],
        figs,
    )


def _num(x: float | None, fmt: str = ".2f") -> str:
    """A statistic of the comparison, or a dash when it has no value (no replications)."""
    return "—" if x is None else format(x, fmt)


def _interval(low: float | None, high: float | None, form: str = "[{}, {}]") -> str:
    """An interval, or a dash when it is undefined (fewer than two values)."""
    if low is None or high is None:
        return "—"
    return form.format(_num(low), _num(high))


def _pct(row: dict[str, Any] | None) -> Cell:
    """p(met) with its Wilson interval; a dash for a plan without replications."""
    if not row or row.get("p_met") is None:
        return "—"
    text = f"{100 * row['p_met']:.0f}%"
    if row.get("ci_low") is not None and row.get("ci_high") is not None:
        text += f" [{100 * row['ci_low']:.0f}, {100 * row['ci_high']:.0f}]"
    return text


# --- writing -----------------------------------------------------------------------------


def write_report(directory: Path, lang: str = "zh") -> Path:
    """Write ``report.html`` and ``report.md`` (and plots) into ``directory``; return the HTML.

    The whole report is rendered first and written into a staging directory,
    then moved into place file by file and listed in the directory's drill
    manifest (:mod:`sim.outdir`): a report that fails leaves the directory as it
    was, and no file is ever left half-written.
    """
    from sim.report.html import render_html
    from sim.report.markdown import render_markdown

    if lang not in LANGS:
        raise ReportInputError(f"--lang must be one of {', '.join(LANGS)}")
    directory = Path(directory)
    if not directory.is_dir():
        raise ReportInputError(f"{directory}: not a directory")
    files: dict[str, str | bytes] = {}
    if (directory / "comparison.json").exists():
        kind = "compare"
        report = comparison_report(directory, lang)
    else:
        kind = "run"
        report, evaluation = run_report(directory, lang)
        files["improvement_plan.csv"] = plan_csv(evaluation["improvement_plan"])
        files["findings.json"] = json.dumps(evaluation, ensure_ascii=False, indent=2) + "\n"
    for stem, png in report.figures.items():
        files[f"plots/{stem}.png"] = png
    files["report.html"] = render_html(report)
    files["report.md"] = render_markdown(report)
    with outdir.staging(directory) as staged:
        for name, content in files.items():
            path = staged / name
            path.parent.mkdir(exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        outdir.publish(staged, directory, kind, replace=False)
    return directory / "report.html"
