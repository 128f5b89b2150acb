"""Plots of a plan comparison (``comparison.json``): achievement and outcome spread by plan."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from sim import style
from sim.report.locale import t


def _plan_names(cmp: dict[str, Any], lang: str) -> dict[str, str]:
    return {p["id"]: p["title"][lang] for p in cmp.get("plans", [])}


def achievement(cmp: dict[str, Any], lang: str) -> Figure:
    """Probability of meeting each objective's standard, per plan, with its CI."""
    names = _plan_names(cmp, lang)
    objectives = cmp.get("objectives", {})
    ids = list(objectives)
    fig = style.figure(max(8.0, 1.3 * len(ids) + 3), 5.5)
    ax = fig.add_subplot()
    width = 0.8 / max(len(names), 1)
    x = np.arange(len(ids))
    for i, (pid, pname) in enumerate(names.items()):
        p, lo, hi = [], [], []
        for oid in ids:
            row = objectives[oid]["by_plan"].get(pid) or {}
            v = _or_nan(row.get("p_met"))  # no replications: no bar
            p.append(100 * v)
            # no interval (no replications): no error bar rather than a crash
            lo.append(0.0 if np.isnan(v) else 100 * (v - _or(row.get("ci_low"), v)))
            hi.append(0.0 if np.isnan(v) else 100 * (_or(row.get("ci_high"), v) - v))
        ax.bar(
            x + (i - (len(names) - 1) / 2) * width,
            p,
            width,
            yerr=[lo, hi],
            capsize=3,
            color=style.PALETTE[i % len(style.PALETTE)],
            label=pname,
        )
    ax.set_xticks(x, [objectives[o]["title"][lang] for o in ids], rotation=25, ha="right")
    ax.set_ylim(0, 105)
    ax.set_ylabel(t("axis_p_met", lang))
    ax.set_xlabel(t("col_objective", lang))
    ax.set_title(t("plot_achievement", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def outcomes(cmp: dict[str, Any], lang: str, limit: int = 6) -> Figure:
    """Box plots of each metric's values across replications, one box per plan."""
    names = _plan_names(cmp, lang)
    metrics = list(cmp.get("metrics", {}))[:limit]
    cols = min(3, max(1, len(metrics)))
    rows = max(1, int(np.ceil(len(metrics) / cols)))
    fig = style.figure(4.2 * cols + 1, 3.8 * rows + 0.6)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax, metric in zip(axes, metrics, strict=False):
        by_plan = cmp["metrics"][metric]
        pids = [p for p in names if p in by_plan]
        # the replications' values; a plan without any draws an empty box
        data = [
            [x for x in by_plan[p].get("values") or [by_plan[p].get("mean")] if x is not None]
            for p in pids
        ]
        box = ax.boxplot(data, patch_artist=True, widths=0.6)
        for i, patch in enumerate(box["boxes"]):
            patch.set_facecolor(style.PALETTE[i % len(style.PALETTE)])
            patch.set_alpha(0.7)
        ax.set_xticks(range(1, len(pids) + 1), [names[p] for p in pids], rotation=15)
        ax.set_title(metric, fontsize=10)
        ax.set_xlabel(t("col_plan", lang))
        ax.set_ylabel(t("axis_value", lang) + f" ({_unit(metric, lang)})")
    for ax in axes[len(metrics) :]:
        ax.set_visible(False)
    fig.suptitle(t("plot_outcomes", lang), fontsize=13)
    return fig


def _or_nan(x: float | None) -> float:
    return np.nan if x is None else float(x)


def _or(x: float | None, default: float) -> float:
    return default if x is None else float(x)


def _unit(metric: str, lang: str) -> str:
    """A unit read from the metric's name: *_h hours, otherwise counts."""
    if metric.endswith("_h") or metric.endswith("hours"):
        return "小时" if lang == "zh" else "h"
    if metric.startswith("p_") or metric.endswith("_share"):
        return "比例" if lang == "zh" else "share"
    return "人" if lang == "zh" else "persons"


def comparison_figures(cmp: dict[str, Any], lang: str) -> dict[str, Figure]:
    out = {}
    if cmp.get("objectives"):
        out["achievement"] = achievement(cmp, lang)
    if cmp.get("metrics"):
        out["outcomes"] = outcomes(cmp, lang)
    return out
