"""The after-action report speaks to people: no ids, no indices, no None, causes for failures."""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from sim.outdir import MANIFEST
from sim.report import write_report
from sim.report.aar import hours, overview, plain_source
from sim.report.names import Names
from sim.scenario.exercise import Exercise
from tests.report.conftest import REPORT_DATE

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


def _ids(node: object, out: set[str]) -> None:
    """Every key of a mapping whose values are named things, and every ``id:`` value."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict) and "name" in value:
                out.add(str(key))
            if key == "id" and isinstance(value, str):
                out.add(value)
            _ids(value, out)
    elif isinstance(node, list):
        for item in node:
            _ids(item, out)


def shipped_ids() -> set[str]:
    """The ids of every shipped scenario: agents, sites, checkpoints, townships,
    communities, injects, objectives, options (hyphenated or not)."""
    out: set[str] = set()
    for path in SHIPPED:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        _ids(doc, out)
        out |= set(doc.get("agents", {}))
    return {i for i in out if len(i) > 2}


def visible_text(page: str) -> str:
    """What a reader of the HTML sees: tags, styles and scripts removed, entities decoded."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<code\b.*?</code>", " ", page, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def assert_plain(report_dir: Path) -> str:
    """The zh report of ``report_dir`` shows no snake_case word, no id of any shipped
    scenario, no ``None``, no research cross-reference and, in Markdown, no HTML
    entity; returns the HTML's visible text."""
    text = visible_text((report_dir / "report.html").read_text(encoding="utf-8"))
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    md_text = re.sub(r"`[^`]*`", " ", re.sub(r"\]\(plots/[^)]*\)", "]", md))
    for doc in (text, md_text):
        assert not SNAKE.findall(doc), sorted(set(SNAKE.findall(doc)))[:10]
        assert "None" not in doc
        words = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_-]*[A-Za-z0-9]", doc))
        leaked = sorted(words & shipped_ids())
        assert not leaked, leaked
        assert not re.findall(r"[#§]\d", doc), re.findall(r".{20}[#§]\d", doc)[:5]
    assert not ENTITY.findall(md_text), ENTITY.findall(md_text)[:5]
    return text


@pytest.mark.slow
def test_zh_report_has_no_identifiers_none_or_entities(report_dir):
    text = assert_plain(report_dir)
    # people are described by role, never by their index in the population
    findings = json.loads((report_dir / "findings.json").read_text(encoding="utf-8"))
    people = {
        str(f["evidence"].get("critical_entity", ""))
        for f in findings["findings"]
        if str(f["evidence"].get("critical_entity", "")).isdigit()
    }
    assert people, "premise: some finding names a person"
    for pid in people:
        assert not re.search(rf"(?<!\d){pid}(?!\d)", text), pid


@pytest.mark.slow  # a full run of each shipped scenario (the city one takes ~25 s)
@pytest.mark.parametrize(
    "path", [p for p in SHIPPED if p.stem != "jiangxian-returnee"], ids=lambda p: p.stem
)
def test_every_shipped_scenario_reports_in_plain_chinese(path: Path, tmp_path: Path) -> None:
    """Not only the flagship: each shipped scenario's own names must reach the report."""
    from sim import load_scenario
    from sim.api import run_drill, write_run

    out = write_run(run_drill(load_scenario(path), seed=1), tmp_path / "run")
    write_report(out, "zh", REPORT_DATE)
    assert_plain(out)


@pytest.mark.slow
def test_every_major_or_unable_objective_has_an_attributed_cause(report_dir):
    summary = json.loads((report_dir / "summary.json").read_text(encoding="utf-8"))
    findings = json.loads((report_dir / "findings.json").read_text(encoding="utf-8"))["findings"]
    failed = [o for o in summary["objectives"] if o["rating"] in ("M", "U")]
    assert failed, "premise: the flagship fails some objective"
    for o in failed:
        causes = [
            f
            for f in findings
            if f["objective"] == o["id"]
            and f["agent"]
            and f["cause"] not in ("not_completed", "not_started")
        ]
        assert causes, o["id"]


@pytest.mark.slow
def test_a_screening_round_is_explained_by_its_stages(report_dir):
    """The county round's time splits into its stages, and the report names the stage
    that held it with the numbers behind it."""
    findings = json.loads((report_dir / "findings.json").read_text(encoding="utf-8"))["findings"]
    rounds = [f for f in findings if f["cause"].startswith("round_")]
    assert rounds, "premise: a screening round was late"
    for f in rounds:
        ev = f["evidence"]
        assert sum(ev["stages_h"].values()) == pytest.approx(ev["span_h"], abs=0.01)
        assert f["hours"] == pytest.approx(ev["stages_h"][ev["stage"]], abs=1e-3)
    text = visible_text((report_dir / "report.html").read_text(encoding="utf-8"))
    assert "各环节用时" in text
    assert "日志中无可归因" not in text


@pytest.mark.slow
def test_english_report_leaves_the_chinese_one_untouched(report_dir, tmp_path):
    d = tmp_path / "run"
    shutil.copytree(report_dir, d)
    before = {p: p.read_bytes() for p in d.rglob("*") if p.is_file() and p.name != MANIFEST}
    html = write_report(d, "en", REPORT_DATE)
    assert html.name == "report.en.html"
    for p, data in before.items():
        assert p.read_bytes() == data, p
    for name in ("report.en.md", "improvement_plan.en.csv", "plots/timeline.en.png"):
        assert (d / name).stat().st_size > 0, name
    header = (d / "improvement_plan.en.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == (
        "Capability,Area for Improvement,Corrective Action,Capability Element (POETE),"
        "Primary Responsible Organization,Organization POC,Start Date,Completion Date"
    )
    # a second report in the same language replaces only what drill wrote
    (d / "notes.txt").write_text("mine", encoding="utf-8")
    write_report(d, "en", REPORT_DATE)
    assert (d / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_hours_show_enough_precision_to_tell_a_miss():
    assert hours(12.03, "zh", 12) == "12.03"
    assert hours(12.0, "zh", 12) == "12.0"
    assert hours(40.71, "en", 24) == "40.7"
    assert hours(None, "en") == "never"


def test_sources_lose_research_cross_references():
    assert plain_source("local plan, weak (#14)") == "local plan, weak"
    assert (
        plain_source("区域核酸检测组织实施指南（第三版）, #56")
        == "区域核酸检测组织实施指南（第三版）"
    )
    assert (
        plain_source("observed benchmark, Yuanqu 2022-08 (#13); no official standard found (§5)")
        == "observed benchmark, Yuanqu 2022-08; no official standard found"
    )
    assert plain_source("Shanxi notice 2021-01-25 (seed 002), #11") == "Shanxi notice 2021-01-25"


def _scn(exercise: dict | None) -> dict:
    return {
        "meta": {
            "title": {"zh": "演练", "en": "Drill"},
            "start": "2022-03-31T08:00:00+08:00",
            "duration_h": 48,
        },
        "region": {"name": {"zh": "绛县", "en": "Jiang County"}},
        "agents": {
            "command": {"name": {"zh": "指挥部", "en": "Command"}},
            "tf": {"name": {"zh": "专班", "en": "Task force"}, "reports_to": ["command"]},
        },
        "subjects": {"tracing": {}},
        "epidemic": {"preset": "omicron_ba2"},
        "objectives": [],
        "exercise": exercise,
    }


def _overview_rows(scn: dict, lang: str) -> dict[str, str]:
    summary = {"objectives": [], "seed": 1, "duration_h": 48, "events": 0}
    sec = overview(scn, summary, Names(scn, None, lang), lang)
    return {row[0]: row[1] for row in sec.blocks[0][2]}


def test_overview_defaults_come_from_the_scenario():
    rows = _overview_rows(_scn(None), "en")
    assert rows["Exercise Name"] == "Drill"
    assert rows["Exercise Dates"] == "simulated period 2022-03-31 to 2022-04-02"
    assert rows["Sponsor"] == "Command"
    assert rows["Participating Organizations"] == "Command, Task force"
    assert rows["Threat or Hazard"] == "COVID-19 outbreak (Omicron BA.2)"
    assert rows["Point of Contact"] == "to be assigned"


def test_overview_takes_the_exercise_section():
    ex = Exercise.model_validate(
        {
            "name": {"zh": "绛县2022年春季推演", "en": "Jiang 2022 spring exercise"},
            "start_date": "2022-04-15",
            "sponsor": "County government",
            "organizations": ["County CDC", {"zh": "县公安局", "en": "Police"}],
            "poc": [{"name": "Duty office", "phone": "0359-1234567"}],
        }
    ).model_dump(mode="json")
    rows = _overview_rows(_scn(ex), "en")
    assert rows["Exercise Name"] == "Jiang 2022 spring exercise"
    assert rows["Exercise Dates"] == "2022-04-15"
    assert rows["Sponsor"] == "County government"
    assert rows["Participating Organizations"] == "County CDC, Police"
    assert rows["Point of Contact"] == "Duty office, 0359-1234567"


def test_exercise_dates_must_be_in_order():
    with pytest.raises(ValueError, match="end_date is before start_date"):
        Exercise.model_validate({"start_date": "2022-04-15", "end_date": "2022-04-14"})


def test_report_date_comes_from_source_date_epoch(monkeypatch):
    from sim.evaluation.improvement import report_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01 00:00 UTC
    assert report_date() == date(2025, 12, 1)
    assert report_date(date(2026, 1, 2)) == date(2026, 1, 2)
