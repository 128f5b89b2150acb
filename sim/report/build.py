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
from sim.report.locale import LANGS, t
from sim.report.locale import subject as subject_name

__all__ = ["Report", "ReportInputError", "Section", "run_report", "write_report"]

# --- comparison -------------------------------------------------------------------------


def comparison_report(cmp_dir: Path, lang: str = "zh") -> Report:
    """The report of a comparison directory (``comparison.json``)."""
    cmp = read_json(Path(cmp_dir) / "comparison.json")
    for key in ("title", "plans", "metrics", "objectives"):
        if key not in cmp:
            raise ReportInputError(f"{Path(cmp_dir) / 'comparison.json'}: missing key '{key}'")
    plans = {p["id"]: p["title"][lang] for p in cmp["plans"]}
    verdict = Section("verdict", t("verdict", lang))
    verdict.p(t("verdict_intro", lang))
    verdict.table(
        [t("col_objective", lang), t("col_plan", lang), t("col_p_change", lang)],
        [
            [o["title"][lang], plans.get(p, p), _change(row["vs_baseline"])]
            for o in cmp["objectives"].values()
            for p, row in o["by_plan"].items()
            if row.get("vs_baseline", {}).get("diff") is not None
        ],
    )
    overview = Section("overview", t("overview", lang))
    overview.table(
        ["", ""],
        [
            [t("scenario", lang), cmp["title"][lang]],
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
        [verdict, overview, ratings, metrics, diffs, plot_sec],
        figs,
    )


def _change(row: dict[str, Any]) -> str:
    """A change in p(met), in percentage points, with its paired (Newcombe) interval."""
    return f"{100 * row['diff']:+.0f} pp [{100 * row['ci_low']:+.0f}, {100 * row['ci_high']:+.0f}]"


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
    from sim.report.html import render_html
    from sim.report.markdown import render_markdown

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
