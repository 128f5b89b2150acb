"""Plots of a plan comparison (``comparison.json``): what the plans change, sized for A4.

Both figures are drawn 7.5 in wide (about the text width of an A4 page) with
labels at 9 pt, so they stay legible printed: ``achievement`` shows p(met) of
the objectives some plan changes (all objectives when none does), ``outcomes``
the spread over replications of the key outcomes some plan changes.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from sim import style
from sim.report.locale import t

WIDTH = 7.5
"""Inches: the text width of an A4 page with 14 mm margins, less a little."""


def _plan_names(cmp: dict[str, Any], lang: str) -> dict[str, str]:
    """Plan names, the baseline by its short name (its title is the scenario's)."""
    plans = cmp.get("plans", [])
    names = {p["id"]: p["title"][lang] for p in plans}
    if plans:
        names[plans[0]["id"]] = t("baseline", lang)
    return names


def _wrap(text: str, lang: str, width: int = 14) -> str:
    """Break a long label: by characters in Chinese, by words in English."""
    if lang == "zh":
        return "\n".join(text[i : i + width] for i in range(0, len(text), width))
    return "\n".join(textwrap.wrap(text, width * 2)) or text


def _differ(values: list[float | None]) -> bool:
    seen = {round(v, 9) for v in values if v is not None}
    return len(seen) > 1


def achievement(cmp: dict[str, Any], lang: str) -> Figure:
    """P(met) with its Wilson interval, per plan, of the objectives a plan changes."""
    names = _plan_names(cmp, lang)
    objectives = cmp.get("objectives", {})
    ids = [
        o
        for o, row in objectives.items()
        if _differ([(row["by_plan"].get(p) or {}).get("p_met") for p in names])
    ] or list(objectives)
    n = len(names)
    fig = style.figure(WIDTH, 1.2 + len(ids) * (0.22 * n + 0.25))
    ax = fig.add_subplot()
    height = 0.8 / max(n, 1)
    y = np.arange(len(ids))[::-1]
    for i, (pid, pname) in enumerate(names.items()):
        p, lo, hi = [], [], []
        for oid in ids:
            row = objectives[oid]["by_plan"].get(pid) or {}
            v = np.nan if row.get("p_met") is None else float(row["p_met"])
            p.append(100 * v)
            low = v if row.get("ci_low") is None else float(row["ci_low"])
            high = v if row.get("ci_high") is None else float(row["ci_high"])
            lo.append(0.0 if np.isnan(v) else 100 * (v - low))
            hi.append(0.0 if np.isnan(v) else 100 * (high - v))
        ax.barh(
            y + ((n - 1) / 2 - i) * height,
            p,
            height,
            xerr=[lo, hi],
            capsize=2,
            color=style.PALETTE[i % len(style.PALETTE)],
            label=pname,
        )
    ax.set_yticks(y, [_wrap(objectives[o]["title"][lang], lang, 16) for o in ids], fontsize=9)
    ax.set_xlim(0, 105)
    ax.set_xlabel(t("axis_p_met", lang), fontsize=9)
    ax.tick_params(axis="x", labelsize=9)
    ax.set_title(t("plot_achievement", lang), fontsize=11)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / len(ids)), ncol=2, fontsize=9)
    return fig


def _changed_keys(cmp: dict[str, Any]) -> list[dict[str, Any]]:
    keys = cmp.get("key_outcomes", [])
    moved = [k for k in keys if any(d.get("significant") for d in k["vs_baseline"].values())]
    return moved or keys


def outcomes(cmp: dict[str, Any], lang: str) -> Figure:
    """Box plots over replications of the key outcomes some plan changes, one box per plan."""
    names = _plan_names(cmp, lang)
    keys = _changed_keys(cmp)
    cols = 2 if len(keys) > 1 else 1
    rows = max(1, int(np.ceil(len(keys) / cols)))
    fig = style.figure(WIDTH, 0.6 + 3.0 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    pids = list(names)
    for ax, k in zip(axes, keys, strict=False):
        data = [[v for v in (k["by_plan"].get(p) or {}).get("values", [])] for p in pids]
        box = ax.boxplot(data, patch_artist=True, widths=0.6)
        for i, patch in enumerate(box["boxes"]):
            patch.set_facecolor(style.PALETTE[i % len(style.PALETTE)])
            patch.set_alpha(0.75)
        ax.set_xticks(range(1, len(pids) + 1), [str(i + 1) for i in range(len(pids))], fontsize=9)
        unit = t(f"unit_{k['unit']}", lang)
        ax.set_title(
            _wrap(k["label"][lang], lang, 18) + (f"（{unit}）" if unit else ""), fontsize=10
        )
        ax.tick_params(axis="y", labelsize=9)
        ax.set_ylim(bottom=0)
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    handles = (
        [
            ax.bar([0], [0], color=style.PALETTE[i % len(style.PALETTE)], alpha=0.75)
            for i in range(len(pids))
        ]
        if keys
        else []
    )
    fig.legend(
        handles,
        [f"{i + 1} {names[p]}" for i, p in enumerate(pids)],
        loc="lower center",
        ncol=2,
        fontsize=9,
        bbox_to_anchor=(0.5, -0.02 - 0.03 * ((len(pids) + 1) // 2)),
    )
    fig.suptitle(t("plot_outcomes", lang), fontsize=11)
    fig.tight_layout()
    return fig


def comparison_figures(cmp: dict[str, Any], lang: str) -> dict[str, Figure]:
    out = {}
    if cmp.get("objectives"):
        out["achievement"] = achievement(cmp, lang)
    if cmp.get("key_outcomes"):
        out["outcomes"] = outcomes(cmp, lang)
    return out
