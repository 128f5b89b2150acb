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


ROW_MAX = 7
"""More agents than this in one reporting row are drawn zig-zag over two lines."""


def layered_positions(scenario: Scenario, g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Agents in rows by reporting depth (the top on row 0), each under its superiors.

    A layout of our own rather than networkx's multipartite one, which orders a
    row through a set, so that the picture is the same from run to run.
    """
    depth = _depths(g)
    pos: dict[str, tuple[float, float]] = {}
    agents = list(scenario.agents)
    for row_no in sorted(set(depth.values())):
        row = [a for a in agents if depth[a] == row_no]
        index = {a: i for i, a in enumerate(row)}

        def under(a: str, index: dict[str, int] = index) -> tuple[float, int]:
            xs = [pos[b][0] for b in scenario.agents[a].reports_to if b in pos]
            return (sum(xs) / len(xs) if xs else 0.0, index[a])

        row.sort(key=under)  # under their superiors: fewer crossing lines
        for i, a in enumerate(row):
            # a long row zig-zags over two lines so that neighbours' names do not touch
            lift = 0.22 * (1 if i % 2 else -1) if len(row) > ROW_MAX else 0.0
            pos[a] = ((2 * i - (len(row) - 1)) / max(len(row) - 1, 1), -float(row_no) + lift)
    return pos


def figure(
    scenario: Scenario,
    analysis: dict[str, Any],
    lang: str = "en",
    load: dict[str, dict[str, float]] | None = None,
    findings: frozenset[str] | set[str] = frozenset(),
    width: float = 11.0,
) -> Figure:
    """The network drawing: the one design of ``drill network`` and the report.

    Each agent is a box around its name (so the name always fits), filled by its
    layer — or, with ``load``, by its utilisation, the mean wait under the name —
    and edged by what the analysis found (dashed red: unreachable; red: single
    point of failure; orange: overloaded).  Handoffs are arrows (red: a single
    link), reporting lines dashed grey; ``findings`` (agents a report blames) get
    a red dot.
    """
    lang, family = label_font(lang)
    zh = lang == "zh"
    g = build_graph(scenario)
    h = handoff_graph(g)
    pos = layered_positions(scenario, g)
    rows = len({round(y) for _, y in pos.values()})
    per_row: dict[int, int] = {}
    for _, y in pos.values():
        per_row[round(y)] = per_row.get(round(y), 0) + 1
    widest = max(per_row.values())
    widest = (widest + 1) // 2 if widest > ROW_MAX else widest
    fig = Figure(figsize=(width, 1.25 * rows + 1.4), dpi=110)
    ax = fig.subplots()
    text_kw: dict[str, Any] = {"fontfamily": family} if family else {}
    unreachable = {gp["agent"] for gp in analysis["gaps"] if gp["type"] == "unreachable"}
    spof = {r["agent"] for r in analysis["single_points_of_failure"]}
    heavy = {r["agent"] for r in analysis["overloaded"]}
    links = {(r["from"], r["to"]) for r in analysis["single_links"]}
    reports = [(a, b) for a, ag in scenario.agents.items() for b in ag.reports_to if b in pos]
    nx.draw_networkx_edges(
        nx.DiGraph(reports), pos, ax=ax, style="dashed", edge_color="#bbbbbb", arrows=False
    )
    for edges, colour, lw in (
        ([e for e in h.edges if e not in links], "#4e79a7", 1.0),
        (sorted(links), "#d62728", 2.0),
    ):
        drawn_edges = nx.draw_networkx_edges(
            h,
            pos,
            edgelist=edges,
            ax=ax,
            edge_color=colour,
            width=lw,
            alpha=0.7,
            arrows=True,
            arrowsize=10,
            node_size=1400,
            connectionstyle="arc3,rad=0.08",
        )
        for artist in drawn_edges or []:
            artist.set_zorder(1)
    cmap = matplotlib.colormaps["YlOrRd"]
    chars = max(4, min(9, int(60 / max(widest, 1)))) if zh else max(8, int(110 / max(widest, 1)))
    for n, (x, y) in pos.items():
        name = h.nodes[n][f"name_{lang}"]
        label = "\n".join(textwrap.wrap(name, chars)[:3])
        if load is None:
            fill: Any = LAYER_COLOURS[h.nodes[n]["layer"]]
            dark = False
        else:
            u = min(load.get(n, {}).get("utilisation", 0.0), 1.0)
            fill, dark = cmap(u), u > 0.6
            label += f"\n{u:.0%} · {load.get(n, {}).get('mean_wait_h', 0.0):.1f}h"
        edge, lw, ls = (
            ("#d62728", 2.5, "--")
            if n in unreachable
            else ("#d62728", 2.5, "-")
            if n in spof
            else ("#ff7f0e", 2.5, "-")
            if n in heavy
            else ("#555555", 0.8, "-")
        )
        box = ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=7,
            color="white" if dark else "black",
            zorder=3,
            bbox={"boxstyle": "round,pad=0.35", "fc": fill, "ec": edge, "lw": lw, "ls": ls},
            **text_kw,
        )
        if n in findings:  # a red dot on the box's top left corner
            ax.annotate(
                "●",
                xy=(0, 1),
                xycoords=box,
                xytext=(-5, 4),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=10,
                color="#d62728",
                zorder=4,
                annotation_clip=False,
            )
    handles: list[Any] = []
    if load is None:
        handles += [Patch(color=c, label=LAYER_LABELS[k][lang]) for k, c in LAYER_COLOURS.items()]
    else:
        scale = matplotlib.cm.ScalarMappable(cmap=cmap, norm=matplotlib.colors.Normalize(0, 1))
        fig.colorbar(
            scale,
            ax=ax,
            shrink=0.6,
            fraction=0.025,
            pad=0.01,
            label="负荷（忙碌/在岗工时）" if zh else "load (busy / staff hours)",
        )
    handles += [
        Line2D([], [], color="#4e79a7", label="任务交接" if zh else "handoff"),
        Line2D([], [], color="#bbbbbb", ls="--", label="隶属关系" if zh else "reports to"),
        Line2D(
            [], [], color="#d62728", lw=2, ls="--", label="信息无法到达" if zh else "unreachable"
        ),
        Line2D(
            [], [], color="#d62728", lw=2, label="单点故障" if zh else "single point of failure"
        ),
        Line2D([], [], color="#ff7f0e", lw=2, label="任务过载" if zh else "overloaded"),
    ]
    if findings:
        handles.append(
            Line2D(
                [],
                [],
                color="#d62728",
                marker="o",
                ls="",
                label="有问题发现" if zh else "has a finding",
            )
        )
    legend = ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.05),
        ncol=4,
        fontsize=8,
        frameon=False,
    )
    if family:
        for t in legend.get_texts():
            t.set_fontfamily(family)
    title = scenario.meta.title(lang)
    ax.set_title(
        ("责任网络：" if zh else "Responsibility network: ") + title, fontsize=10, **text_kw
    )
    ax.set_xlim(-1.08, 1.08)
    ax.set_ylim(-(rows - 1) - 0.55, 0.45)
    ax.set_xticks([])
    ax.set_yticks([-float(r) for r in range(rows)], [str(r) for r in range(rows)])
    ax.tick_params(left=True, labelleft=True)  # networkx's drawing turns them off
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.grid(False)
    ax.set_ylabel("隶属层级（级）" if zh else "Reporting level (below the top)", **text_kw)
    ax.set_xlabel("同级单位" if zh else "Agents at that level", **text_kw)
    fig.tight_layout()
    return fig


def draw(
    scenario: Scenario,
    analysis: dict[str, Any],
    path: Path,
    lang: str = "en",
    load: dict[str, dict[str, float]] | None = None,
) -> Path:
    """Write the network drawing of ``scenario`` to ``path`` (PNG, whole or not at all);
    returns the path.  Scenario text is drawn as text: ``$`` never starts math mode."""
    with matplotlib.rc_context({"text.parse_math": False}):
        fig = figure(scenario, analysis, lang, load)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
    return write_atomic(Path(path), buf.getvalue())
