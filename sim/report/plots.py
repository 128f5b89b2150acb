"""The single-run plots of the after-action report, drawn from the event log.

Each function takes the log, the scenario snapshot (plain data), the run summary
and the findings, and returns a matplotlib Figure with a title, labelled axes
(with units) and a legend where there is more than one series.  They read event
kinds generically: kinds that are absent give an empty panel with a note, kinds
they do not know are ignored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any, cast

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim import style
from sim.engine.log import Event, EventLog
from sim.evaluation.findings import locate
from sim.language import ScenarioModel
from sim.network.analysis import analyse
from sim.network.draw import figure, load_from_log
from sim.report.locale import subject as subject_name
from sim.report.locale import t
from sim.scenario.schema import Measure

Scn = dict[str, Any]


def agent_name(scn: Scn, aid: str, lang: str) -> str:
    a = scn.get("agents", {}).get(aid)
    return a["name"][lang] if a else aid


def tasks(log: EventLog) -> list[dict[str, Any]]:
    """Every task as ``{agent, subject, task, entity, asked, start, end}`` (end None if open)."""
    open_: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    out = []
    for e in log:
        if e.kind == "task_start":
            row = {
                "agent": e.agent,
                "subject": e.subject,
                "task": e.details.get("task", ""),
                "entity": e.entity,
                "asked": e.t - float(e.details.get("wait_h", 0) or 0),
                "start": e.t,
                "end": None,
            }
            open_[(e.agent, e.entity, row["task"])].append(row)
            out.append(row)
        elif e.kind == "task_end":
            q = open_.get((e.agent, e.entity, e.details.get("task", "")))
            if q:
                q.pop(0)["end"] = e.t
    return out


def _start(scn: Scn) -> datetime:
    return datetime.fromisoformat(str(scn["meta"]["start"])).replace(tzinfo=None)


def _empty(ax, lang: str) -> None:
    ax.text(0.5, 0.5, t("no_data", lang), ha="center", va="center", transform=ax.transAxes)


def timeline(log: EventLog, scn: Scn, summary: dict, lang: str) -> Figure:
    """Gantt of each agent's work in hours since the start (the load plot's axis), with
    each objective's deadline as a numbered line keyed below in the report's language.

    The window is where the objectives are judged: up to the last deadline plus a
    quarter (at least two days); work after it is counted in the title's note rather
    than squeezed into the picture.
    """
    rows = tasks(log)
    horizon = max([r["end"] or r["start"] for r in rows], default=1.0)
    deadlines = sorted(_deadlines(log, scn, summary), key=lambda d: d["t"])
    window = max(48.0, 1.25 * max((d["t"] for d in deadlines), default=0.0))
    window = min(window, max(horizon, 1.0))
    shown = [r for r in rows if r["start"] <= window]
    order: list[str] = []
    for r in sorted(shown, key=lambda r: r["start"]):
        if r["agent"] not in order:
            order.append(r["agent"])
    titles = {o["id"]: o["title"][lang] for o in scn.get("objectives", [])}
    key_rows = (len(deadlines) + 1) // 2
    fig = style.figure(11, max(4.0, 0.36 * len(order) + 2.0) + 0.22 * key_rows)
    top = 1 - 0.6 / fig.get_figheight()
    bottom = (0.55 + 0.22 * key_rows) / fig.get_figheight()
    ax = fig.add_axes((0.2, bottom, 0.62, top - bottom))
    subjects = sorted({r["subject"] for r in shown})
    colour = {s: style.PALETTE[i % len(style.PALETTE)] for i, s in enumerate(subjects)}
    for y, aid in enumerate(order):
        mine = [r for r in shown if r["agent"] == aid]
        waits = [(r["asked"], r["start"] - r["asked"]) for r in mine]
        ax.broken_barh([w for w in waits if w[1] > 0], (y - 0.3, 0.6), color="#cccccc")
        for s in subjects:
            bars = [
                (r["start"], max((r["end"] or horizon) - r["start"], 0.1))
                for r in mine
                if r["subject"] == s
            ]
            if bars:
                ax.broken_barh(bars, (y - 0.3, 0.6), color=colour[s])
    # numbered deadline marks: deadlines closer than a label's width share one label
    # ("1–4"), and neighbouring labels alternate between two rows
    gap = window / 30
    clusters: list[list[int]] = []
    for i, d in enumerate(deadlines):
        ax.axvline(d["t"], color=style.RATING_COLOURS[d["rating"]], ls="--", lw=1)
        if d["t"] > window:
            continue
        if clusters and d["t"] - deadlines[clusters[-1][0]]["t"] < gap:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    for k, members in enumerate(clusters):
        first, last = members[0] + 1, members[-1] + 1
        ax.text(
            float(np.mean([deadlines[m]["t"] for m in members])),
            1.01 + 0.05 * (k % 2),
            str(first) if first == last else f"{first}–{last}",
            fontsize=7.5,
            ha="center",
            va="bottom",
            color=style.RATING_COLOURS[deadlines[members[0]]["rating"]],
            transform=ax.get_xaxis_transform(),
        )
    key = [
        f"{i}  {titles.get(d['id'], '')}（{d['rating']}，{d['t']:.0f} h）"
        if lang == "zh"
        else f"{i}  {titles.get(d['id'], '')} ({d['rating']}, {d['t']:.0f} h)"
        for i, d in enumerate(deadlines, start=1)
    ]
    for i, line in enumerate(key):
        fig.text(
            0.02 + 0.49 * (i // key_rows),
            (0.1 + 0.22 * (key_rows - 1 - i % key_rows)) / fig.get_figheight(),
            line,
            fontsize=7.5,
            va="bottom",
        )
    ax.set_yticks(range(len(order)), [agent_name(scn, a, lang) for a in order])
    ax.invert_yaxis()
    ax.set_xlim(0, window)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=14, steps=[1, 2, 3, 6, 10]))
    ax.set_xlabel(t("axis_hours_since", lang))
    ax.set_ylabel(t("axis_agent", lang))
    later = sum(1 for r in rows if r["start"] > window)
    title = t("plot_timeline", lang)
    if later:
        title += "\n" + t("timeline_later", lang, h=f"{window:.0f}", n=later)
    ax.set_title(title, pad=56, fontsize=11)
    handles: list[Artist] = [Patch(color=colour[s], label=subject_name(s, lang)) for s in subjects]
    handles.append(Patch(color="#cccccc", label=t("waiting", lang)))
    handles += [
        Line2D([], [], color=c, ls="--", label=f"{t('deadline', lang)} {r}")
        for r, c in style.RATING_COLOURS.items()
        if any(d["rating"] == r for d in deadlines)
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if not rows:
        _empty(ax, lang)
    return fig


def _deadlines(log: EventLog, scn: Scn, summary: dict) -> list[dict[str, Any]]:
    """Clock hour by which each objective had to be met, with its rating."""
    ratings = {o["id"]: o["rating"] for o in summary.get("objectives", [])}
    out = []
    for o in scn.get("objectives", []):
        if not o.get("measure"):  # a count objective has no deadline
            continue
        loc = locate(log, Measure.model_validate(o["measure"]), float(o["standard_h"]))
        if loc.start_t is not None and o["id"] in ratings:
            out.append(
                {"id": o["id"], "t": loc.start_t + o["standard_h"], "rating": ratings[o["id"]]}
            )
    return out


def infection_category(e: Event, isolated: dict[str, float]) -> str:
    """imported / household / quarantine (infected after being isolated) / community."""
    setting = str(e.details.get("setting", ""))
    if setting == "imported":
        return "imported"
    if "quarantine" in setting or (e.entity in isolated and isolated[e.entity] <= e.t):
        return "quarantine"
    if setting == "household":
        return "household"
    return "community"


def _infected_at(e: Event) -> float:
    """Hour of infection: the event's own ``exposure_h`` when given (the index case)."""
    x = e.details.get("exposure_h")
    return float(x) if isinstance(x, int | float) else e.t


def epicurve(log: EventLog, scn: Scn, summary: dict, lang: str) -> Figure:
    """New infections per day stacked by setting, and cases detected per day."""
    isolated: dict[str, float] = {}
    for e in log:
        if e.kind == "isolated" or "admi" in e.kind:  # isolation or treatment admission
            isolated.setdefault(e.entity, e.t)
    infections = log.of("infection")
    detected: dict[str, float] = {}
    for e in log:
        if e.kind in ("lab_result_positive", "case_confirmed"):
            detected.setdefault(e.entity, e.t)
    day = lambda h: int(np.floor(h / 24))  # noqa: E731
    days = [day(_infected_at(e)) for e in infections] + [day(x) for x in detected.values()]
    fig = style.figure(10, 5)
    ax = fig.add_subplot()
    cats = ("imported", "household", "community", "quarantine")
    handles: list[Artist] = []
    if days:
        lo = min(days)
        hi = max([*days, day(float(scn["meta"]["duration_h"]) - 1e-9)])
        x = np.arange(lo, hi + 1)
        bottom = np.zeros(len(x))
        counts = {c: np.zeros(len(x)) for c in cats}
        for e in infections:
            counts[infection_category(e, isolated)][day(_infected_at(e)) - lo] += 1
        for i, c in enumerate(cats):
            ax.bar(x, counts[c], bottom=bottom, color=style.PALETTE[i], width=0.8)
            handles.append(Patch(color=style.PALETTE[i], label=t(f"setting_{c}", lang)))
            bottom += counts[c]
        det = np.zeros(len(x))
        for v in detected.values():
            det[day(v) - lo] += 1
        handles += ax.plot(x, det, "o-", color="black", label=t("detected", lang))
        ax.set_xticks(x)
        cast(MaxNLocator, ax.yaxis.get_major_locator()).set_params(integer=True)
    else:
        _empty(ax, lang)
    ax.set_xlabel(t("axis_day", lang))
    ax.set_ylabel(t("axis_infections", lang))
    ax.set_title(t("plot_epicurve", lang))
    if handles:
        ax.legend(handles=handles, loc="upper right")
    return fig


def funnel_counts(log: EventLog) -> dict[str, Any]:
    """True contacts → identified → transferred → isolated, with leaks and infections."""
    exposed = {e.entity for e in log.of("contact_exposed")}
    identified = {e.entity for e in log.of("contact_identified")}
    transferred: set[str] = set()
    for e in log:
        persons = e.details.get("persons")
        if e.kind == "transfer_departed" and isinstance(persons, list):
            transferred |= set(persons)
    modes: dict[str, str] = {}
    for e in log:
        if e.kind == "isolated" and e.entity in identified:
            modes.setdefault(e.entity, str(e.details.get("mode", "")))
    infected = {e.entity for e in log.of("infection")}
    stages = {
        "exposed": exposed,
        "identified": identified,
        "transferred": transferred & identified,
        "isolated": set(modes),
    }
    return {
        "stages": {k: len(v) for k, v in stages.items()},
        "modes": dict(Counter(modes.values())),
        "leaks": {
            "identified": (len(exposed - identified), len((exposed - identified) & infected)),
            "isolated": (len(identified - set(modes)), len((identified - set(modes)) & infected)),
        },
    }


def funnel(log: EventLog, scn: Scn, summary: dict, lang: str) -> Figure:
    """Contacts at each stage, isolated split by mode, leaks annotated."""
    c = funnel_counts(log)
    fig = style.figure(10, 4.5)
    ax = fig.add_subplot()
    names = ["exposed", "identified", "transferred", "isolated"]
    y = np.arange(len(names))
    values = [c["stages"][n] for n in names]
    ax.barh(y[:3], values[:3], color=style.PALETTE[0])
    left = 0
    for i, (mode, n) in enumerate(sorted(c["modes"].items())):
        ax.barh(
            y[3],
            n,
            left=left,
            color=style.PALETTE[(i + 1) % 10],
            label=t(mode, lang)
            if mode in ("central_quarantine", "home_quarantine")
            else mode.replace("_", " "),
        )
        left += n
    for yi, v in zip(y.tolist(), values, strict=True):
        ax.text(v, yi, f" {v}", va="center")
    for stage, yi in (("identified", 1), ("isolated", 3)):
        n, inf = c["leaks"][stage]
        if n:
            ax.text(
                max(values) * 1.02 + 1,
                yi - 0.3,
                t("funnel_leak", lang, n=n, inf=inf),
                color=style.PALETTE[3],
                fontsize=8,
            )
    ax.set_yticks(y, [t(f"funnel_{n}", lang) for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, max([*values, 1]) * 1.45 + 2)
    ax.set_xlabel(t("axis_people", lang))
    ax.set_ylabel(t("axis_stage", lang))
    ax.set_title(t("plot_funnel", lang))
    ax.legend(loc="lower right")
    return fig


def _steps(intervals: list[tuple[float, float]], grid: np.ndarray) -> np.ndarray:
    """How many ``intervals`` cover each point of ``grid``."""
    if not intervals:
        return np.zeros(len(grid))
    a = np.asarray(intervals, dtype=float)
    starts = np.sort(a[:, 0])
    ends = np.sort(a[:, 1])
    return (
        np.searchsorted(starts, grid, side="right") - np.searchsorted(ends, grid, side="right")
    ).astype(float)


def load(log: EventLog, scn: Scn, summary: dict, lang: str) -> Figure:
    """Staff utilisation and queues per agent, and resources in use, over time."""
    rows = tasks(log)
    horizon = max([r["end"] or r["start"] for r in rows], default=1.0) + 2
    grid = np.linspace(0, horizon, 800)
    busy: dict[str, list[tuple[float, float]]] = defaultdict(list)
    waiting: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in rows:
        busy[r["agent"]].append((r["start"], r["end"] if r["end"] is not None else horizon))
        if r["start"] > r["asked"]:
            waiting[r["agent"]].append((r["asked"], r["start"]))
    top = sorted(busy, key=lambda a: -sum(e - s for s, e in busy[a]))[:8]
    fig = style.figure(11, 9)
    ax1, ax2, ax3 = fig.subplots(3, 1, sharex=True)
    for aid in top:
        staff = scn.get("agents", {}).get(aid, {}).get("staff", 1) or 1
        ax1.step(
            grid,
            100 * _steps(busy[aid], grid) / staff,
            where="post",
            label=agent_name(scn, aid, lang),
        )
    if not top:
        _empty(ax1, lang)
    ax1.set_ylabel(t("axis_utilisation", lang))
    ax1.set_title(t("plot_load", lang))
    ax1.legend(loc="upper right", ncol=2)
    queued = [a for a in waiting if waiting[a]]
    for aid in queued:
        ax2.step(grid, _steps(waiting[aid], grid), where="post", label=agent_name(scn, aid, lang))
    requested = {e.entity: e.t for e in log.of("transfer_requested")}
    riders = [
        (requested[p], e.t)
        for e in log.of("transfer_departed")
        for p in (e.details.get("persons") or [])
        if p in requested and e.t > requested[p]
    ]
    if riders:
        ax2.step(
            grid,
            _steps(riders, grid),
            where="post",
            color="black",
            ls=":",
            label=t("waiting_vehicle", lang),
        )
        queued.append("transfer")
    if queued:
        ax2.legend(loc="upper right", ncol=2)
    else:
        _empty(ax2, lang)
    ax2.set_ylabel(t("axis_waiting", lang))
    fleet = max(
        (int(e.details.get("vehicles", 0) or 0) for e in log.of("transfer_departed")), default=0
    )
    if fleet:
        ax3.axhline(fleet, color=style.PALETTE[1], ls="--", lw=0.8)
        ax3.text(0.5, fleet, t("fleet_size", lang, n=fleet), va="bottom", fontsize=7)
    ends = {(r["agent"], r["entity"]): r["end"] for r in rows if r["task"] == "transfer_trip"}
    trips = [
        (e.t, ends.get((e.agent, e.entity)) or horizon)
        for e in log
        if e.kind == "transfer_departed"
    ]
    handles: list[Artist] = []
    if trips:
        handles += ax3.step(
            grid,
            _steps(trips, grid),
            where="post",
            color=style.PALETTE[1],
            label=t("vehicles_in_use", lang),
        )
    rooms = sorted(e.t for e in log.of("isolated") if e.details.get("mode") == "central_quarantine")
    if rooms:
        twin = ax3.twinx()
        handles += twin.step(
            grid,
            np.searchsorted(rooms, grid, side="right"),
            where="post",
            color=style.PALETTE[2],
            label=t("rooms_in_use", lang),
        )
        twin.set_ylabel(t("axis_rooms", lang))
        twin.grid(False)
    if handles:
        ax3.legend(handles=handles, loc="upper left")
    else:
        _empty(ax3, lang)
    ax3.set_ylabel(t("axis_in_use", lang))
    ax3.set_xlabel(t("axis_hours_since", lang))
    ax3.set_xlim(0, horizon)
    return fig


def network(log: EventLog, scn: Scn, summary: dict, lang: str, blamed: set[str]) -> Figure:
    """The responsibility network in ``drill network``'s design (one drawing for both):
    boxes filled by each agent's load in this run, a red mark where a finding points."""
    scenario = ScenarioModel.model_validate(scn)
    return figure(
        scenario,
        analyse(scenario),
        lang,
        load=load_from_log(scenario, log),
        findings=blamed & set(scenario.agents),
    )


def single_run_figures(
    log: EventLog, scn: Scn, summary: dict, findings: list[dict[str, Any]], lang: str
) -> dict[str, Figure]:
    """The five single-run plots, keyed by file stem."""
    blamed = {f["agent"] for f in findings if f.get("agent")}
    return {
        "timeline": timeline(log, scn, summary, lang),
        "epicurve": epicurve(log, scn, summary, lang),
        "funnel": funnel(log, scn, summary, lang),
        "load": load(log, scn, summary, lang),
        "network": network(log, scn, summary, lang, blamed),
    }


def clock(scn: Scn, hours: float) -> str:
    """Wall-clock time of scenario hour ``hours`` (presentation only)."""
    return (_start(scn) + timedelta(hours=hours)).strftime("%m-%d %H:%M")


def clock_full(scn: Scn, hours: float) -> str:
    """Date and time of scenario hour ``hours`` (presentation only)."""
    return (_start(scn) + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")
