"""The single-run plots of the after-action report, drawn from the event log.

Each function takes the log, the scenario snapshot (plain data), the run summary
and the findings, and returns a matplotlib Figure with a title, labelled axes
(with units) and a legend where there is more than one series.  They read event
kinds generically: kinds that are absent give an empty panel with a note, kinds
they do not know are ignored.
"""

from __future__ import annotations

import textwrap
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any, cast

import matplotlib.dates as mdates
import networkx as nx
import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim import style
from sim.engine.log import Event, EventLog
from sim.evaluation.findings import locate
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
    """Gantt of each agent's work against clock time, objective deadlines marked."""
    rows = tasks(log)
    horizon = max([r["end"] or r["start"] for r in rows], default=1.0)
    order: list[str] = []
    for r in sorted(rows, key=lambda r: r["start"]):
        if r["agent"] not in order:
            order.append(r["agent"])
    fig = style.figure(12, max(4.0, 0.42 * len(order) + 2.2))
    ax = fig.add_subplot()
    t0 = mdates.date2num(_start(scn))
    subjects = sorted({r["subject"] for r in rows})
    colour = {s: style.PALETTE[i % len(style.PALETTE)] for i, s in enumerate(subjects)}
    for y, aid in enumerate(order):
        mine = [r for r in rows if r["agent"] == aid]
        waits = [(t0 + r["asked"] / 24, (r["start"] - r["asked"]) / 24) for r in mine]
        ax.broken_barh([w for w in waits if w[1] > 0], (y - 0.3, 0.6), color="#cccccc")
        for s in subjects:
            bars = [
                (t0 + r["start"] / 24, max(((r["end"] or horizon) - r["start"]) / 24, 0.004))
                for r in mine
                if r["subject"] == s
            ]
            if bars:
                ax.broken_barh(bars, (y - 0.3, 0.6), color=colour[s])
    deadlines = sorted(_deadlines(log, scn, summary), key=lambda d: d["t"])
    span = max([horizon, *(d["t"] for d in deadlines)]) + 1
    y_text, last_t = 0.99, None
    for d in deadlines:
        x = t0 + d["t"] / 24
        ax.axvline(x, color=style.RATING_COLOURS[d["rating"]], ls="--", lw=1)
        close = last_t is not None and d["t"] - last_t < 0.012 * span
        y_text = y_text - 0.3 if close and y_text > 0.4 else 0.99
        last_t = d["t"]
        ax.text(
            x,
            y_text,
            d["id"],
            rotation=90,
            fontsize=6,
            va="top",
            ha="right",
            transform=ax.get_xaxis_transform(),
        )
    ax.set_yticks(range(len(order)), [agent_name(scn, a, lang) for a in order])
    ax.invert_yaxis()
    last = max([horizon, *(d["t"] for d in deadlines)])
    ax.set_xlim(t0 - 0.5 / 24, t0 + (last + 1) / 24)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d %H:%M"))
    ax.set_xlabel(t("axis_clock", lang))
    ax.set_ylabel(t("axis_agent", lang))
    ax.set_title(t("plot_timeline", lang))
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
    fig.autofmt_xdate()
    return fig


def _deadlines(log: EventLog, scn: Scn, summary: dict) -> list[dict[str, Any]]:
    """Clock hour by which each objective had to be met, with its rating."""
    ratings = {o["id"]: o["rating"] for o in summary.get("objectives", [])}
    out = []
    for o in scn.get("objectives", []):
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
    """Agents by reporting level; colour = staff-hours worked, red ring = has a finding."""
    agents = scn.get("agents", {})
    g = nx.DiGraph()
    for aid in agents:
        g.add_node(aid)
    for h in scn.get("handoffs", []):
        if h["from"] in agents and h["to"] in agents:
            g.add_edge(h["from"], h["to"], kind="handoff")
    level: dict[str, int] = {}

    def depth(aid: str, seen: tuple[str, ...] = ()) -> int:
        if aid not in level:
            bosses = [b for b in agents[aid].get("reports_to", []) if b in agents and b not in seen]
            level[aid] = 1 + max((depth(b, (*seen, aid)) for b in bosses), default=-1)
        return level[aid]

    for aid in agents:
        depth(aid)
    # a layered layout of our own: networkx's multipartite layout orders a layer's
    # nodes through a set, so the picture would change from run to run
    pos: dict[str, tuple[float, float]] = {}
    for lv in sorted(set(level.values())):
        row = [a for a in agents if level[a] == lv]
        index = {a: i for i, a in enumerate(row)}

        def under(a: str, index: dict[str, int] = index) -> tuple[float, int]:
            xs = [pos[b][0] for b in agents[a].get("reports_to", []) if b in pos]
            return (sum(xs) / len(xs) if xs else 0.0, index[a])

        row.sort(key=under)  # under their superiors: fewer crossing lines
        for i, a in enumerate(row):
            pos[a] = ((i - (len(row) - 1) / 2) / max(len(row) - 1, 1), -lv)
    load_h = {a: summary.get("agents", {}).get(a, {}).get("busy_h", 0.0) for a in agents}
    fig = style.figure(14, 7.5)
    ax = fig.add_subplot()
    reports = [(a, b) for a in agents for b in agents[a].get("reports_to", []) if b in agents]
    nx.draw_networkx_edges(
        g, pos, edgelist=reports, ax=ax, style="dashed", edge_color="#aaaaaa", arrows=False
    )
    nx.draw_networkx_edges(
        g,
        pos,
        ax=ax,
        edge_color=style.PALETTE[0],
        alpha=0.6,
        arrowsize=10,
        connectionstyle="arc3,rad=0.08",
        node_size=900,
    )
    nodes = list(agents)
    drawn = nx.draw_networkx_nodes(
        g,
        pos,
        nodelist=nodes,
        ax=ax,
        node_size=900,
        node_color=[load_h[a] for a in nodes],
        cmap="YlOrRd",
        vmin=0,
        vmax=max([*load_h.values(), 1.0]),
        edgecolors=[style.PALETTE[3] if a in blamed else "#555555" for a in nodes],
        linewidths=[3.5 if a in blamed else 0.8 for a in nodes],
    )
    width = 7 if lang == "zh" else 16
    for a, (x, y) in pos.items():
        ax.text(
            x,
            y - 0.2,
            textwrap.fill(agent_name(scn, a, lang), width),
            ha="center",
            va="top",
            fontsize=6.5,
        )
    bar = fig.colorbar(drawn, ax=ax, fraction=0.03, pad=0.01)
    bar.set_label(t("load_legend", lang))
    layers = sorted(set(level.values()))
    ax.set_yticks([-v for v in layers], [str(v) for v in layers])
    ax.set_xticks([])
    ax.tick_params(left=True, labelleft=True)
    ax.set_ylim(-max(layers) - 0.7, 0.4)
    ax.set_ylabel("隶属层级（级）" if lang == "zh" else "Reporting level (levels below the top)")
    ax.set_xlabel("同级单位" if lang == "zh" else "Agents at that level")
    ax.set_title(t("plot_network", lang))
    ax.grid(False)
    ax.legend(
        handles=[
            Line2D([], [], color=style.PALETTE[0], label=t("handoff_edge", lang)),
            Line2D([], [], color="#aaaaaa", ls="--", label=t("reports_to_edge", lang)),
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                markerfacecolor="white",
                markersize=10,
                markeredgecolor=style.PALETTE[3],
                markeredgewidth=3,
                label=t("has_finding", lang),
            ),
        ],
        loc="lower left",
    )
    return fig


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
