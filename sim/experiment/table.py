"""The comparison tables printed by ``drill compare`` and ``drill sweep`` (zh / en)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from sim.experiment.arms import BASELINE
from sim.experiment.metrics import achieved_metric
from sim.textsafe import markup

KEY_METRICS = ("infections.total", "contacts.identified", "contacts.isolated")
"""Printed when a comparison document has no ``key_outcomes`` (written before them)."""


def _f(x: float | None, fmt: str = ".1f") -> str:
    return "—" if x is None else format(x, fmt)


def _ci(low: float | None, high: float | None, fmt: str = ".1f") -> str:
    return "" if low is None or high is None else f" [{_f(low, fmt)}, {_f(high, fmt)}]"


def print_comparison(doc: dict, lang: str, console: Console | None = None) -> None:
    """p(met) by objective and plan, then key outcomes with paired differences."""
    console = console or Console()
    zh = lang == "zh"
    plans = [p["id"] for p in doc["plans"]]
    console.print(
        f"[bold]{markup(doc['title'][lang])}[/bold]  "
        + (
            f"每方案 {doc['runs']} 次重复, seed={doc['seed']}"
            if zh
            else f"{doc['runs']} replications per plan, seed={doc['seed']}"
        )
    )
    diffs = {(d["plan"], d["metric"]): d for d in doc["differences"]}
    t = Table(
        title="目标达成概率 p(达标) [95% Wilson 区间]"
        if zh
        else "Probability of meeting each objective [95% Wilson CI]"
    )
    t.add_column("目标" if zh else "objective")
    t.add_column("标准" if zh else "standard", justify="right")
    for p in plans:
        t.add_column(markup(p), justify="right")
    for oid, o in doc["objectives"].items():
        cells = []
        for p in plans:
            b = o["by_plan"][p]
            cell = f"{_f(b['p_met'], '.0%')}{_ci(b['ci_low'], b['ci_high'], '.0%')}"
            d = diffs.get((p, f"objective.{oid}.met"))
            if p != BASELINE and d and d["significant"]:
                cell += " *"
            cells.append(cell)
        unit = " h" if o.get("kind", "time") == "time" else f" {o['unit'][lang]}"
        t.add_row(markup(oid), markup(f"{o.get('standard', o.get('standard_h')):g}{unit}"), *cells)
    console.print(t)

    t = Table(
        title="结果均值 [95% 置信区间]；方案−基线 配对差"
        if zh
        else "Outcome mean [95% CI]; paired difference plan − baseline"
    )
    t.add_column("指标" if zh else "metric")
    for p in plans:
        t.add_column(markup(p), justify="right")
    for k in doc.get("key_outcomes", []):  # the verdict's outcomes, in words
        cells = []
        for p in plans:
            s, d = k["by_plan"].get(p) or {}, k["vs_baseline"].get(p)
            cell = f"{_f(s.get('mean'))}{_ci(s.get('ci_low'), s.get('ci_high'))}"
            if d is not None:
                cell += f"\nΔ {_f(d['mean_diff'], '+.2f')}{_ci(d['ci_low'], d['ci_high'], '+.2f')}"
                cell += " *" if d["significant"] else ""
            cells.append(cell)
        unit = " (h)" if k["unit"] == "h" else ""
        t.add_row(markup(k["label"][lang]) + unit, *cells)
    names = [] if doc.get("key_outcomes") else [m for m in KEY_METRICS if m in doc["metrics"]]
    names += [
        m
        for oid, o in doc["objectives"].items()
        if (m := achieved_metric(oid, o.get("kind", "time"))) in doc["metrics"]
    ]
    for m in names:
        cells = []
        for p in plans:
            s = doc["metrics"][m][p]
            cell = f"{_f(s['mean'])}{_ci(s['ci_low'], s['ci_high'])}"
            d = diffs.get((p, m))
            if p != BASELINE and d is not None and d["mean_diff"] == d["ci_low"] == d["ci_high"]:
                cell += f"\nΔ {_f(d['mean_diff'], '+.2f')}"  # identical in every replication
            elif p != BASELINE and d is not None:
                cell += f"\nΔ {_f(d['mean_diff'], '+.2f')}{_ci(d['ci_low'], d['ci_high'], '+.2f')}"
                cell += " *" if d["significant"] else ""
            cells.append(cell)
        t.add_row(
            markup(
                m.replace("objective.", "").replace(".achieved_h", " (h)").removesuffix(".achieved")
            ),
            *cells,
        )
    console.print(t)
    console.print("* 差异的95%置信区间不含0" if zh else "* 95% CI of the difference excludes 0")
    if doc["errors"]:
        e = doc["errors"][0]
        console.print(
            f"[red]{len(doc['errors'])} replications failed[/red]; "
            f"e.g. plan {markup(e['plan'])} seed {e['seed']}: {markup(e['error'])} "
            f"(re-run alone with drill run --seed {e['seed']})"
        )
    for row in doc.get("precision", [])[:20]:
        console.print(
            f"precision: {markup(row['metric'])} \\[{markup(row['plan'])}] "
            f"±{row['half_width']:.3g} needs {row['needed']} replications (have {row['have']})"
        )


def print_sweep(doc: dict, lang: str, console: Console | None = None) -> None:
    """Per parameter: p(met) at each value and the smallest value meeting the target."""
    console = console or Console()
    zh = lang == "zh"
    sw = doc["sweep"]
    obj = sw["objective"]
    console.print(
        f"[bold]{markup(doc['title'][lang])}[/bold]  "
        + (
            f"每个取值 {doc['runs']} 次重复, seed={doc['seed']}"
            if zh
            else f"{doc['runs']} replications per value, seed={doc['seed']}"
        )
    )
    if doc["errors"]:
        e = doc["errors"][0]
        console.print(
            f"[red]{len(doc['errors'])} replications failed[/red]; e.g. {markup(e['plan'])} "
            f"seed {e['seed']}: {markup(e['error'])}"
        )
    for par in sw["parameters"]:
        t = Table(title=markup(f"{par['path']}" + (f" → {obj}" if obj else "")))
        t.add_column("取值" if zh else "value", justify="right")
        if obj:
            t.add_column("p(达标) [95% CI]" if zh else "p(met) [95% CI]", justify="right")
        outcomes = [
            m
            for m in (par["points"][0]["outcomes"] if par["points"] else [])
            if not m.endswith(".met")
        ]  # p(met) has its own Wilson column
        for m in outcomes:
            t.add_column(markup(m.replace("objective.", "")), justify="right")
        for pt in par["points"]:
            cells = [markup(pt["value"])]
            if obj:
                cells.append(f"{_f(pt['p_met'], '.0%')}{_ci(pt['ci_low'], pt['ci_high'], '.0%')}")
            for m in outcomes:
                s = pt["outcomes"][m]
                cells.append(f"{_f(s['mean'], '.2f')}{_ci(s['ci_low'], s['ci_high'], '.2f')}")
            t.add_row(*cells)
        console.print(t)
        if obj:
            target = f"{sw['target']:.0%}"
            point, sure = par["smallest_meeting_target"], par["smallest_meeting_target_confident"]
            console.print(
                (f"达标概率≥{target}的最小取值：点估计 {point}；95%置信下界 {sure}")
                if zh
                else (
                    f"smallest value meeting {markup(obj)} with p ≥ {target}: {point} (point "
                    f"estimate); {sure} (Wilson lower bound ≥ target)"
                )
            )
    for metric, bars in sw["tornado"].items():
        if len(bars) > 1:
            console.print(
                ("敏感性排序 " if zh else "sensitivity ranking ")
                + f"({metric}): "
                + "; ".join(f"{markup(b['path'])} swing {b['swing']:.3g}" for b in bars)
            )
