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

import json
from datetime import date
from pathlib import Path
from typing import Any

from sim import outdir
from sim.evaluation.improvement import plan_csv
from sim.report import compare_plots
from sim.report.aar import run_report
from sim.report.document import Cell, Report, ReportInputError, Section, png_bytes, read_json
from sim.report.html import render_html
from sim.report.locale import LANGS, t
from sim.report.locale import subject as subject_name
from sim.report.markdown import render_markdown
from sim.report.metric_labels import metric_label

__all__ = ["Report", "ReportInputError", "Section", "run_report", "write_report"]

# --- comparison -------------------------------------------------------------------------


def _standard(o: dict[str, Any], lang: str, units: bool) -> str:
    """An objective's standard: hours ("2", or "2 小时" with ``units``), or "≤ 0 人" for a
    count objective."""
    if o.get("kind", "time") == "time":
        hours = f"{o.get('standard', o.get('standard_h')):g}"
        return t("amount_h", lang, x=hours) if units else hours
    return f"≤ {o['standard']:g} {o['unit'][lang]}"


def comparison_report(cmp_dir: Path, lang: str = "zh") -> Report:
    """The report of a comparison directory (``comparison.json``): the verdict first
    (key outcomes and objectives, plan − baseline with paired intervals), then the
    outcomes that differ; outcomes no plan changed are folded away and constant
    inputs are not listed."""
    cmp = read_json(Path(cmp_dir) / "comparison.json")
    for key in ("title", "plans", "metrics", "objectives"):
        if key not in cmp:
            raise ReportInputError(f"{Path(cmp_dir) / 'comparison.json'}: missing key '{key}'")
    base = cmp["plans"][0]["id"] if cmp["plans"] else ""
    plans = {p["id"]: p["title"][lang] for p in cmp["plans"]}
    plans[base] = t("baseline", lang)  # its title is the scenario's: the overview gives it
    others = [p for p in plans if p != base]
    diffs = {(d["plan"], d["metric"]): d for d in cmp.get("differences", [])}
    label = lambda m: metric_label(m, cmp.get("names", {}), cmp["objectives"], lang)  # noqa: E731

    verdict = Section("verdict", t("verdict", lang))
    keys = cmp.get("key_outcomes", [])
    if keys:
        verdict.h3(t("verdict_outcomes", lang))
        verdict.p(t("verdict_outcomes_intro", lang))
        verdict.table(
            [t("col_outcome", lang), plans[base], *[plans[p] for p in others]],
            [
                [
                    _with_unit(k["label"][lang], k["unit"], lang),
                    _level(k["by_plan"].get(base), k["unit"]),
                    *[_delta(k["vs_baseline"].get(p), k["unit"]) for p in others],
                ]
                for k in keys
            ],
        )
    changed = {
        oid: o
        for oid, o in cmp["objectives"].items()
        if any(_moved(o["by_plan"].get(p, {}).get("vs_baseline")) for p in others)
    }
    verdict.h3(t("verdict_objectives", lang))
    verdict.p(t("verdict_intro", lang))
    if changed:
        verdict.table(
            [t("col_objective", lang), f"{plans[base]} {t('col_p_met', lang)}"]
            + [plans[p] for p in others],
            [
                [
                    o["title"][lang],
                    _pct(o["by_plan"].get(base)),
                    *[_change(o["by_plan"].get(p, {}).get("vs_baseline")) for p in others],
                ]
                for o in changed.values()
            ],
        )
    if len(changed) < len(cmp["objectives"]):
        verdict.p(t("unchanged_objectives", lang, n=len(cmp["objectives"]) - len(changed)))
    verdict.items([_plan_verdict(cmp, p, plans[p], keys, lang) for p in others])

    overview = Section("overview", t("overview", lang))
    overview.table(
        ["", ""],
        [
            [t("scenario", lang), cmp["title"][lang]],
            *[
                [plans[p["id"]], (p.get("description") or {}).get(lang) or p["title"][lang]]
                for p in cmp["plans"]
            ],
            [t("runs", lang), str(cmp.get("runs", ""))],
            [t("seed", lang), str(cmp.get("seed", ""))],
        ],
    )
    ratings = Section("ratings", t("ratings", lang))
    counts = any(o.get("kind") == "count" for o in cmp["objectives"].values())
    ratings.table(
        [
            t("col_objective", lang),
            t("col_subject", lang),
            t("col_standard_any" if counts else "col_standard", lang),
            *[f"{plans[p]} {t('col_p_met', lang)}" for p in plans],
        ],
        [
            [
                o["title"][lang],
                subject_name(o.get("subject", ""), lang),
                _standard(o, lang, counts),
                *[_pct(o["by_plan"].get(p)) for p in plans],
            ]
            for o in cmp["objectives"].values()
        ],
    )
    groups = cmp.get("metric_groups") or {"differ": list(cmp["metrics"]), "same": [], "inputs": []}
    metrics = Section("metrics", t("outcomes_differ", lang))
    metrics.p(t("outcomes_differ_intro", lang))
    metrics.table(
        [t("col_metric", lang), plans[base], *[plans[p] for p in others]],
        [
            [
                label(m),
                _level(cmp["metrics"][m].get(base), _unit(m)),
                *[
                    _level_and_delta(cmp["metrics"][m].get(p), diffs.get((p, m)), _unit(m), lang)
                    for p in others
                ],
            ]
            for m in groups["differ"]
            if not m.endswith(".met")  # p(met) is the verdict's and the ratings' table
        ],
    )
    if groups["same"]:
        folded = Section("same", "")
        folded.p(
            "；".join(label(m) for m in groups["same"])
            if lang == "zh"
            else "; ".join(label(m) for m in groups["same"])
        )
        metrics.folded(t("folded_same", lang, n=len(groups["same"])), folded)
    if groups["inputs"]:
        metrics.p(t("inputs_note", lang, n=len(groups["inputs"])))
    figs = {k: png_bytes(f) for k, f in compare_plots.comparison_figures(cmp, lang).items()}
    plot_sec = Section("plots", t("plots", lang))
    for stem, png in figs.items():
        plot_sec.figure(stem, t(f"plot_{stem}", lang), png)
    return Report(
        lang,
        f"{t('comparison_report', lang)} — {cmp['title'][lang]}",
        "",
        [verdict, overview, ratings, metrics, plot_sec],
        figs,
    )


def _moved(row: dict[str, Any] | None) -> bool:
    """Whether a change in p(met) is there at all: not 0, or its interval excludes 0."""
    if not row or row.get("diff") is None:
        return False
    low, high = row.get("ci_low"), row.get("ci_high")
    return row["diff"] != 0 or (low is not None and high is not None and (low > 0 or high < 0))


def _sure(row: dict[str, Any] | None, low: str = "ci_low", high: str = "ci_high") -> int:
    """+1 / −1 when the interval lies above / below 0, else 0."""
    if not row or row.get(low) is None or row.get(high) is None:
        return 0
    return 1 if row[low] > 0 else -1 if row[high] < 0 else 0


def _plan_verdict(
    cmp: dict[str, Any], plan: str, name: str, keys: list[dict[str, Any]], lang: str
) -> str:
    """One line per plan: what it makes surely better or worse (fewer is better for
    every key outcome; a higher probability of meeting an objective is better)."""
    better: list[str] = []
    worse: list[str] = []
    for k in keys:
        sign = _sure(k["vs_baseline"].get(plan))
        if sign:
            (better if sign < 0 else worse).append(k["label"][lang])
    for o in cmp["objectives"].values():
        sign = _sure(o["by_plan"].get(plan, {}).get("vs_baseline"))
        if sign:
            (better if sign > 0 else worse).append(o["title"][lang])
    sep = "、" if lang == "zh" else ", "
    parts = []
    if better:
        parts.append(t("verdict_better", lang, what=sep.join(better)))
    if worse:
        parts.append(t("verdict_worse", lang, what=sep.join(worse)))
    said = ("；" if lang == "zh" else "; ").join(parts) or t("verdict_no_change", lang)
    return t("verdict_plan_line", lang, plan=name, better=said)


def _fmt(x: float, unit: str, sign: str = "") -> str:
    """Hours to 0.1 h; counts whole when large, to 0.1 when small (means of few events)."""
    if unit == "count" and abs(x) >= 100:
        return format(x, f"{sign},.0f")
    if 0 < abs(x) < 0.05:  # a small difference shows as such, not as "-0.0"
        return format(x, f"{sign}.2f")
    return format(x, f"{sign}.1f")


def _with_unit(text: str, unit: str, lang: str) -> str:
    u = t(f"unit_{unit}", lang)
    return f"{text}（{u}）" if u and lang == "zh" else f"{text} ({u})" if u else text


def _level(row: dict[str, Any] | None, unit: str) -> str:
    """A mean with its interval; a dash without replications."""
    if not row or row.get("mean") is None:
        return "—"
    text = _fmt(row["mean"], unit)
    low, high = row.get("ci_low"), row.get("ci_high")
    if low is not None and high is not None and low != high:
        text += f" [{_fmt(low, unit)}, {_fmt(high, unit)}]"
    return text


def _delta(row: dict[str, Any] | None, unit: str) -> str:
    """A paired difference with its interval, * when the interval excludes 0."""
    if not row or row.get("mean_diff") is None:
        return "—"
    text = _fmt(row["mean_diff"], unit, "+")
    low, high = row.get("ci_low"), row.get("ci_high")
    if low is not None and high is not None and low != high:
        text += f" [{_fmt(low, unit, '+')}, {_fmt(high, unit, '+')}]"
    return text + (" *" if row.get("significant") else "")


def _unit(metric: str) -> str:
    return "h" if metric.endswith("_h") or ".end_to_end_h." in metric else "count"


def _level_and_delta(
    row: dict[str, Any] | None, diff: dict[str, Any] | None, unit: str, lang: str
) -> str:
    """A plan's mean, then its paired difference from the baseline."""
    level = _level(row, unit)
    if diff is None or diff.get("mean_diff") is None or level == "—":
        return level
    delta = _delta(diff, unit)
    return f"{level}（Δ {delta}）" if lang == "zh" else f"{level} (Δ {delta})"


def _change(row: dict[str, Any] | None) -> str:
    """A change in p(met), in percentage points, with its paired (Newcombe) interval."""
    if not row or row.get("diff") is None:
        return "—"
    text = f"{100 * row['diff']:+.0f} pp [{100 * row['ci_low']:+.0f}, {100 * row['ci_high']:+.0f}]"
    return text + (" *" if _sure(row) else "")


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


def suffixed(name: str, lang: str, default: str) -> str:
    """``report.html`` in the default language, ``report.en.html`` in another."""
    if lang == default:
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{lang}.{ext}" if dot else f"{name}.{lang}"


def write_report(directory: Path, lang: str = "zh", report_date: date | None = None) -> Path:
    """Write the report of ``directory`` in ``lang``; return the HTML file.

    Rendered files (``report.html``, ``report.md``, ``improvement_plan.csv``,
    ``plots/*.png``) of a language other than the default (zh) carry ``.<lang>``
    before the extension, so that reports in two languages sit side by side;
    data files (``findings.json``) are language-neutral.  The whole report is
    rendered first and written into a staging directory, then moved into place
    file by file and listed in the directory's drill manifest
    (:mod:`sim.outdir`): a report that fails leaves the directory as it was, and
    no other file is touched.
    """
    if lang not in LANGS:
        raise ReportInputError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    directory = Path(directory)
    if not directory.is_dir():
        raise ReportInputError(f"{directory}: not a directory")
    default = LANGS[0]
    name = lambda n: suffixed(n, lang, default)  # noqa: E731
    files: dict[str, bytes] = {}
    if (directory / "comparison.json").exists():
        kind = "compare"
        report = comparison_report(directory, lang)
    else:
        kind = "run"
        report, evaluation, (headers, rows) = run_report(directory, lang, report_date)
        files[name("improvement_plan.csv")] = plan_csv(headers, rows).encode("utf-8")
        evaluation.pop("improvement_plan")  # its display text is language-bound: it is in the CSV
        files["findings.json"] = (
            json.dumps(evaluation, ensure_ascii=False, indent=2) + "\n"
        ).encode("utf-8")
    for stem, png in report.figures.items():
        files[f"plots/{name(stem + '.png')}"] = png
    files[name("report.html")] = render_html(report, plot_name=name).encode("utf-8")
    files[name("report.md")] = render_markdown(report, plot_name=name).encode("utf-8")
    with outdir.staging(directory) as staged:
        for rel, content in files.items():
            path = staged / rel
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(content)
        outdir.publish(staged, directory, kind, replace=False)
    return directory / name("report.html")
