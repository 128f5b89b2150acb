"""The after-action report of a run: files, plots with titles and labels, languages."""

from __future__ import annotations

import csv
import json
import re
import warnings

import pytest
from fontTools.ttLib import TTFont

from sim.engine.log import EventLog
from sim.report import ReportInputError, write_report
from sim.report.locale import STRINGS, TASKS
from sim.report.plots import single_run_figures
from sim.style import cjk_font_path
from tests.report.conftest import REPORT_DATE as DAY

REPORT_DATE = DAY.isoformat()

PLOTS = ("timeline", "epicurve", "funnel", "load", "network")


def _load(d):
    return (
        EventLog.read_jsonl(d / "events.jsonl"),
        json.loads((d / "scenario.json").read_text(encoding="utf-8")),
        json.loads((d / "summary.json").read_text(encoding="utf-8")),
        json.loads((d / "findings.json").read_text(encoding="utf-8")),
    )


@pytest.mark.slow  # the report of a full flagship run
def test_report_files_are_written(report_dir):
    for name in ("report.html", "report.md", "improvement_plan.csv", "findings.json"):
        assert (report_dir / name).stat().st_size > 0, name
    for stem in PLOTS:
        png = (report_dir / "plots" / f"{stem}.png").read_bytes()
        assert png.startswith(b"\x89PNG"), stem


@pytest.mark.slow  # the report of a full flagship run
def test_html_is_self_contained_with_every_plot(report_dir):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert html.count('<img class="plot"') == len(PLOTS)
    assert html.count('src="data:image/png;base64,') == len(PLOTS)
    assert not re.search(r'(src|href)="(https?:|//)', html)
    assert "<link" not in html
    assert "@media print" in html and "@font-face" in html
    for section in ("overview", "scale", "ratings", "capabilities", "plan", "plots", "injects"):
        assert f'<section id="{section}">' in html


@pytest.mark.slow  # the report of a full flagship run
def test_markdown_links_the_plots(report_dir):
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    for stem in PLOTS:
        assert f"(plots/{stem}.png)" in md
    assert md.startswith("# 推演评估报告")


@pytest.mark.slow  # the report of a full flagship run
def test_ratings_table_lists_every_objective(report_dir):
    _log, _scn, summary, _ev = _load(report_dir)
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    for o in summary["objectives"]:
        assert o["title"]["zh"] in html
        assert f"rating-{o['rating']}" in html


@pytest.mark.slow  # the report of a full flagship run
def test_improvement_plan_csv_one_row_per_finding_with_hseep_columns(report_dir):
    _log, scn, _summary, ev = _load(report_dir)
    rows = list(csv.DictReader((report_dir / "improvement_plan.csv").open(encoding="utf-8")))
    assert len(rows) == len(ev["findings"])
    assert list(rows[0]) == [
        "能力", "待改进事项", "纠正措施", "能力要素（POETE）",
        "主要责任单位", "联系人", "开始日期", "完成日期",
    ]  # fmt: skip
    names = {a["name"]["zh"] for a in scn["agents"].values()}
    for r in rows:
        assert r["主要责任单位"] in names
        assert r["开始日期"] == REPORT_DATE
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", r["完成日期"]) and r["完成日期"] > REPORT_DATE


@pytest.mark.slow  # the report of a full flagship run
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_plot_has_title_labels_and_legend(report_dir, lang):
    log, scn, summary, ev = _load(report_dir)
    figs = single_run_figures(log, scn, summary, ev["findings"], lang)
    assert set(figs) == set(PLOTS)
    for stem, fig in figs.items():
        axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
        titled = [ax.get_title() for ax in axes if ax.get_title()]
        assert titled or fig._suptitle, stem
        for ax in axes:
            if ax.get_xlabel() == "" and ax.get_ylabel() != "":  # a twin axis or shared x
                continue
            assert ax.get_ylabel(), (stem, ax)
        assert any(ax.get_xlabel() for ax in axes), stem
        assert any(ax.get_legend() is not None for ax in axes), stem
        # units in parentheses on the value axis
        labels = [ax.get_xlabel() + ax.get_ylabel() for ax in axes]
        assert any("（" in lab or "(" in lab for lab in labels), stem


def test_cjk_font_covers_names_and_locale():
    cmap = TTFont(str(cjk_font_path()), lazy=True).getBestCmap()
    from sim.api import FLAGSHIP

    text = FLAGSHIP.read_text(encoding="utf-8")
    text += "".join(v["zh"] for v in (*STRINGS.values(), *TASKS.values()))
    absent = {c for c in text if ord(c) > 0x2E7F and ord(c) not in cmap}
    assert not absent, sorted(absent)[:10]


def test_not_a_run_directory(tmp_path):
    with pytest.raises(ReportInputError):
        write_report(tmp_path, "zh")
    with pytest.raises(ReportInputError):
        write_report(tmp_path / "absent", "zh")


@pytest.mark.slow  # the report of a full flagship run
def test_drill_report_in_english_with_unknown_kinds_and_injects(
    report_dir, tmp_path, monkeypatch, capsys
):
    """`drill report DIR --lang en` on a log with kinds this version does not know:
    injects are listed (escaped), unknown kinds are skipped, nothing breaks."""
    import shutil
    import sys

    from sim.cli import main

    d = tmp_path / "run"
    shutil.copytree(report_dir, d)
    lines = (d / "events.jsonl").read_text(encoding="utf-8").splitlines()
    extra = [
        {
            "seq": len(lines),
            "t": 5.0,
            "subject": "injects",
            "agent": "leading_group",
            "kind": "inject_delivered",
            "entity": "inj-1",
            "details": {"message": {"zh": "<b>网上出现谣言</b>", "en": "<b>rumour online</b>"}},
        },
        {
            "seq": len(lines) + 1,
            "t": 6.0,
            "subject": "zone_control",
            "agent": "zone_control_tf",
            "kind": "zone_sealed_unknown",
            "entity": "z1",
            "details": {"level": "sealed"},
        },
    ]
    (d / "events.jsonl").write_text(
        "\n".join([*lines, *(json.dumps(e, ensure_ascii=False) for e in extra)]) + "\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys, "argv", ["drill", "report", str(d), "--lang", "en"])
    main()
    assert capsys.readouterr().out.strip().endswith("report.en.html")
    html = (d / "report.en.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    for heading in (
        "Exercise Overview",
        "Analysis of Capabilities",
        "Strengths",
        "Areas for Improvement",
        "Improvement Plan",
    ):
        assert heading in html
    assert (d / "report.html").read_bytes() == (report_dir / "report.html").read_bytes()
    assert "推演评估报告" not in html
    assert "&lt;b&gt;rumour online&lt;/b&gt;" in html and "<b>rumour" not in html
    assert "Leading" in html or "leading group" in html


@pytest.mark.slow  # the report of a full flagship run
def test_report_is_reproducible_and_chinese_has_every_glyph(report_dir, tmp_path):
    """Same run, same report bytes (no clock times, no unordered layouts); the
    Chinese plots draw without a glyph missing from the bundled CJK font."""
    import shutil

    d = tmp_path / "again"
    shutil.copytree(report_dir, d)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_report(d, "zh", DAY)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]
    for name in ("report.html", "report.md", "improvement_plan.csv", "plots/network.png"):
        assert (d / name).read_bytes() == (report_dir / name).read_bytes(), name


def test_markdown_defuses_links_but_leaves_words_alone() -> None:
    """A scheme or ``www.`` gets a word joiner so no viewer links it; plain words
    that merely end a sentence ("real data.") stay as written."""
    from sim.report.markdown import esc

    assert esc("not real data.") == "not real data."
    assert esc("file: x") == "f\u2060ile: x"
    assert esc("go to www.evil.example") == "go to w\u2060ww.evil.example"
    assert "\u2060" in esc("javascript:alert(1)")
