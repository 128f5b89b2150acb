"""Draw the responsibility network as a PNG, optionally coloured by a run's load.

Agents are placed in rows by their depth in the reporting line (the leading
group on top), coloured by layer of the four-party responsibility, and joined
by their handoffs.  Problems found by :func:`sim.network.analysis.analyse` are
drawn on top: unreachable agents with a red dashed ring, single points of
failure with a red ring, overloaded agents with an orange ring, single links
as red edges.  With ``load`` (from :func:`load_from_log`) the fill shows each
agent's utilisation (busy hours / staff hours) and the label its mean wait.
"""

from __future__ import annotations

import io
import sys
import textwrap
from pathlib import Path
from typing import Any

import matplotlib
import networkx as nx
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.engine.log import EventLog
from sim.network.graph import build_graph, handoff_graph
from sim.outdir import write_atomic
from sim.scenario.model import Scenario

LAYER_COLOURS = {
    "territorial": "#4e79a7",
    "departmental": "#59a14f",
    "unit": "#edc948",
    "individual": "#b07aa1",
}
LAYER_LABELS = {
    "territorial": {"zh": "属地", "en": "territorial"},
    "departmental": {"zh": "部门", "en": "departmental"},
    "unit": {"zh": "单位", "en": "unit"},
    "individual": {"zh": "个人", "en": "individual"},
}
_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)


def label_font(lang: str) -> tuple[str, str | None]:
    """``(lang actually used, font family or None for the default)`` for labels.

    The one place that picks the label font: English uses matplotlib's default;
    Chinese needs a CJK font — the project's bundled one (see
    :mod:`sim.style`), else an installed one.  Without any, the
    drawing falls back to English labels rather than print empty boxes.
    """
    if lang != "zh":
        return "en", None
    from sim import style

    try:  # the project's bundled CJK font (a runtime dependency)
        style.apply()
        return "zh", style.CJK_FAMILY
    except RuntimeError:
        pass
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in installed:
            return "zh", family
    print("drill: warning: no CJK font found; drawing labels in English", file=sys.stderr)
    return "en", None


def load_from_log(scenario: Scenario, log: EventLog) -> dict[str, dict[str, float]]:
    """Per agent from a run's log: ``utilisation`` (busy / staff hours), ``mean_wait_h``.

    Busy hours pair each ``task_start`` with its ``task_end``; staff hours are the
    agent's staff times the span of the run.
    """
    t_end = max((e.t for e in log), default=0.0) or scenario.meta.duration_h
    open_: dict[tuple[str, str, str], list[float]] = {}
    busy = dict.fromkeys(scenario.agents, 0.0)
    waits: dict[str, list[float]] = {a: [] for a in scenario.agents}
    for e in log:
        if e.agent not in busy:
            continue
        if e.kind == "task_start":
            open_.setdefault((e.agent, e.entity, e.details["task"]), []).append(e.t)
            waits[e.agent].append(float(e.details.get("wait_h", 0.0)))
        elif e.kind == "task_end":
            starts = open_.get((e.agent, e.entity, e.details["task"]))
            if starts:
                busy[e.agent] += e.t - starts.pop(0)
    for (aid, _, _), starts in open_.items():  # tasks still running at the end
        busy[aid] += sum(t_end - t for t in starts)
    out = {}
    for aid, a in scenario.agents.items():
        w = waits[aid]
        out[aid] = {
            "utilisation": busy[aid] / (a.staff * t_end) if t_end else 0.0,
            "busy_h": busy[aid],
            "mean_wait_h": sum(w) / len(w) if w else 0.0,
            "tasks": float(len(w)),
        }
    return out


def _depths(g: nx.MultiDiGraph) -> dict[str, int]:
    """Rows of the drawing: 0 for agents reporting to nobody, else 1 + their superior's."""
    depth: dict[str, int] = {}

    def visit(a: str, seen: frozenset[str]) -> int:
        if a in depth:
            return depth[a]
        bosses = [v for _, v, d in g.out_edges(a, data=True) if d["rel"] == "reports_to"]
        bosses = [b for b in bosses if b not in seen]
        depth[a] = 0 if not bosses else 1 + min(visit(b, seen | {a}) for b in bosses)
        return depth[a]

    for n, d in g.nodes(data=True):
        if d["type"] == "agent":
            visit(n, frozenset())
    return depth


def draw(
    scenario: Scenario,
    analysis: dict[str, Any],
    path: Path,
    lang: str = "en",
    load: dict[str, dict[str, float]] | None = None,
) -> Path:
    """Write the network drawing of ``scenario`` to ``path`` (PNG); returns the path.

    Scenario text is drawn as text: ``$`` never starts matplotlib's math mode.
    """
    with matplotlib.rc_context({"text.parse_math": False}):
        return _draw(scenario, analysis, path, lang, load)


def _draw(
    scenario: Scenario,
    analysis: dict[str, Any],
    path: Path,
    lang: str,
    load: dict[str, dict[str, float]] | None,
) -> Path:
    lang, family = label_font(lang)
    g = build_graph(scenario)
    h = handoff_graph(g)
    depth = _depths(g)
    for n in h.nodes:
        h.nodes[n]["row"] = depth[n]
    pos = nx.multipartite_layout(h, subset_key="row", align="horizontal", scale=1.0)
    pos = {n: (x, -y) for n, (x, y) in pos.items()}  # the leading group on top
    fig = Figure(figsize=(16, 10), dpi=120)
    ax = fig.subplots()
    text_kw: dict[str, Any] = {"fontfamily": family} if family else {}
    unreachable = {gp["agent"] for gp in analysis["gaps"] if gp["type"] == "unreachable"}
    spof = {r["agent"] for r in analysis["single_points_of_failure"]}
    heavy = {r["agent"] for r in analysis["overloaded"]}
    links = {(r["from"], r["to"]) for r in analysis["single_links"]}
    plain = [e for e in h.edges if e not in links]
    nx.draw_networkx_edges(
        h,
        pos,
        edgelist=plain,
        ax=ax,
        edge_color="#999999",
        arrows=True,
        arrowsize=12,
        node_size=2200,
        connectionstyle="arc3,rad=0.08",
    )
    nx.draw_networkx_edges(
        h,
        pos,
        edgelist=sorted(links),
        ax=ax,
        edge_color="#d62728",
        width=2.0,
        arrows=True,
        arrowsize=14,
        node_size=2200,
        connectionstyle="arc3,rad=0.08",
    )
    nodes = list(h.nodes)
    if load is None:
        colours: list[Any] = [LAYER_COLOURS[h.nodes[n]["layer"]] for n in nodes]
        cmap = None
    else:
        colours = [min(load.get(n, {}).get("utilisation", 0.0), 1.0) for n in nodes]
        cmap = matplotlib.colormaps["YlOrRd"]
    edge_colours, widths, styles = [], [], []
    for n in nodes:
        colour, width, line = (
            ("#d62728", 3.5, "dashed")
            if n in unreachable
            else ("#d62728", 3.0, "solid")
            if n in spof
            else ("#333333", 0.8, "solid")
        )
        edge_colours.append(colour)
        widths.append(width)
        styles.append(line)
    if heavy:  # an orange outer ring, visible also around a single point of failure
        nx.draw_networkx_nodes(
            h,
            pos,
            nodelist=sorted(heavy & set(nodes)),
            node_color="none",
            node_size=3300,
            ax=ax,
            edgecolors="#ff7f0e",
            linewidths=3.0,
        )
    scale = {} if cmap is None else {"cmap": cmap, "vmin": 0.0, "vmax": 1.0}
    drawn = nx.draw_networkx_nodes(
        h,
        pos,
        nodelist=nodes,
        node_color=colours,
        node_size=2200,
        ax=ax,
        edgecolors=edge_colours,
        linewidths=widths,
        **scale,
    )
    drawn.set_linestyle(styles)
    for n in nodes:
        name = h.nodes[n][f"name_{lang}"]
        label = "\n".join(textwrap.wrap(name, 8 if lang == "zh" else 16)[:3])
        if load is not None:
            row = load.get(n, {})
            label += f"\n{row.get('utilisation', 0.0):.0%} · {row.get('mean_wait_h', 0.0):.1f}h"
        x, y = pos[n]
        dark = load is not None and load.get(n, {}).get("utilisation", 0.0) > 0.6
        colour = "white" if dark else "black"
        ax.text(x, y, label, ha="center", va="center", fontsize=7, color=colour, **text_kw)
    zh = lang == "zh"
    handles: list[Any] = []
    if load is None:
        handles += [Patch(color=c, label=LAYER_LABELS[k][lang]) for k, c in LAYER_COLOURS.items()]
    else:
        fig.colorbar(
            drawn,
            ax=ax,
            shrink=0.6,
            label="负荷（忙碌/在岗工时）" if zh else "load (busy / staff hours)",
        )
    handles += [
        Line2D(
            [],
            [],
            color="#d62728",
            lw=2,
            ls="--",
            label="信息无法到达" if zh else "unreachable (gap)",
        ),
        Line2D(
            [], [], color="#d62728", lw=2, label="单点故障" if zh else "single point of failure"
        ),
        Line2D([], [], color="#ff7f0e", lw=2, label="任务过载" if zh else "overloaded"),
    ]
    legend = ax.legend(handles=handles, loc="lower left", fontsize=8)
    if family:
        for t in legend.get_texts():
            t.set_fontfamily(family)
    title = scenario.meta.title(lang)
    ax.set_title(
        ("责任网络：" if zh else "Responsibility network: ") + title, fontsize=10, **text_kw
    )
    ax.set_axis_off()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return write_atomic(Path(path), buf.getvalue())
