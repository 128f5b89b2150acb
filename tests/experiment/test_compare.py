"""drill compare: backends agree, the store resumes and refuses, CRN narrows CIs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sim.experiment import ExperimentError, compare
from sim.experiment.arms import compare_arms
from sim.experiment.runner import execute
from sim.experiment.stats import unpaired_difference
from sim.experiment.store import FILENAME, dump
from tests.conftest import drill as _drill

from .common import PLANS

TWO_PLANS = [PLANS / "more-investigators.yaml", PLANS / "second-hotel.yaml"]


@pytest.mark.slow  # Dask and process pools
def test_results_identical_for_one_two_workers_and_dask_local(small: Path, tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    dumps = {}
    for name, kw in {
        "one": {"workers": 1},
        "two": {"workers": 2},
        "dask": {"workers": 2, "scheduler": "local"},
    }.items():
        doc, out = compare(small, TWO_PLANS, runs=4, out=tmp_path / name, quiet=True, **kw)
        dumps[name] = dump(out / FILENAME)
        assert doc["replications"] == {"baseline": 4, "more-investigators": 4, "second-hotel": 4}
    assert len(dumps["one"]) > 12
    assert dumps["one"] == dumps["two"] == dumps["dask"]


@pytest.mark.slow  # 60 replications (shared)
def test_comparison_json_has_the_report_contract(investigators_comparison: dict) -> None:
    doc = investigators_comparison
    assert {
        "scenario",
        "title",
        "runs",
        "seed",
        "plans",
        "metrics",
        "objectives",
        "differences",
    } <= set(doc)
    assert doc["runs"] == 30 and set(doc["title"]) == {"zh", "en"}
    assert [p["id"] for p in doc["plans"]] == ["baseline", "more-investigators"]
    assert all(set(p["title"]) == {"zh", "en"} for p in doc["plans"])
    stats = doc["metrics"]["infections.total"]["baseline"]
    assert {"mean", "median", "p5", "p95", "ci_low", "ci_high", "values"} <= set(stats)
    assert len(stats["values"]) == 30
    assert stats["ci_low"] <= stats["mean"] <= stats["ci_high"]
    assert stats["p5"] <= stats["median"] <= stats["p95"]
    obj = doc["objectives"]["initial-investigation-24h"]
    assert {"title", "subject", "standard_h", "by_plan"} <= set(obj)
    for plan in ("baseline", "more-investigators"):
        by = obj["by_plan"][plan]
        assert by["ci_low"] <= by["p_met"] <= by["ci_high"]
        met = [a is not None and a <= obj["standard_h"] for a in by["achieved_h"]]
        assert by["p_met"] == pytest.approx(sum(met) / 30)
    d = next(
        d
        for d in doc["differences"]
        if d["metric"] == "objective.initial-investigation-24h.achieved_h"
    )
    assert d["plan"] == "more-investigators" and d["baseline"] == "baseline"
    assert d["ci_low"] <= d["mean_diff"] <= d["ci_high"]
    # faster full trajectories: the plan investigates sooner, distinguishably so
    assert d["mean_diff"] < 0 and d["significant"]
    json.dumps(doc)  # serialisable as it stands


@pytest.mark.slow  # 60 replications (shared)
def test_common_random_numbers_make_the_paired_ci_narrower(investigators_comparison: dict) -> None:
    doc = investigators_comparison
    narrower = 0
    for d in doc["differences"]:
        if d["ci_low"] is None or d["mean_diff"] == 0:
            continue
        plan = doc["metrics"][d["metric"]]["more-investigators"]["values"]
        base = doc["metrics"][d["metric"]]["baseline"]["values"]
        if len(plan) != len(base) or len(plan) < 2:
            continue
        if d["metric"].endswith(".met"):
            # a proportion's paired interval is Newcombe's (inside [-1, 1]); set against
            # a Welch t interval of the same 0/1 values it need not be narrower at n = 30
            continue
        welch = unpaired_difference(plan, base)
        paired_w, welch_w = d["ci_high"] - d["ci_low"], welch["ci_high"] - welch["ci_low"]
        assert paired_w <= welch_w + 1e-12, d["metric"]
        if d["metric"].endswith(".achieved_h"):  # delays that both plans share, pair by pair
            assert paired_w < 0.8 * welch_w, d["metric"]
            narrower += 1
    assert narrower >= 2  # the investigation-time objectives at least


def test_rerun_reuses_stored_rows_and_more_runs_extend(small: Path, tmp_path: Path) -> None:
    arms = compare_arms(small, [PLANS / "second-hotel.yaml"])
    starts: list[tuple[int, int]] = []
    for runs in (3, 3, 5):
        execute(
            arms,
            runs=runs,
            seed=11,
            out=tmp_path,
            workers=1,
            on_start=lambda total, done: starts.append((total, done)),
        ).close()
    assert starts == [(6, 0), (6, 6), (10, 6)]


def test_changed_plan_is_refused_for_resume(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    plan = tmp_path / "plan.yaml"
    shutil.copy(PLANS / "second-hotel.yaml", plan)
    out = tmp_path / "out"
    compare(small, [plan], runs=2, workers=1, out=out, quiet=True)
    plan.write_text(plan.read_text().replace("rooms: 240", "rooms: 120"), encoding="utf-8")
    with pytest.raises(ExperimentError, match="cannot resume"):
        compare(small, [plan], runs=2, workers=1, out=out, quiet=True, resume=True)
    code, _, err = _drill(
        monkeypatch,
        capsys,
        *("compare", str(small), "--plan", str(plan), "--runs", "2", "--workers", "1"),
        *("--out", str(out), "--resume", "--json"),
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "cannot resume" in lines[0] and "Traceback" not in err
    # without --resume the changed configuration starts a fresh store
    doc, _ = compare(small, [plan], runs=2, workers=1, out=out, quiet=True)
    assert doc["replications"]["second-hotel"] == 2


def test_a_failing_replication_is_stored_with_its_seed_and_rerun(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.api

    real = sim.api.run_drill
    from sim.experiment.seeds import replication_seed

    bad = replication_seed(5, 1)

    def flaky(scenario, seed=None):
        if seed == bad:
            raise ValueError("boom")
        return real(scenario, seed)

    monkeypatch.setattr(sim.api, "run_drill", flaky)
    doc, _out = compare(small, [], runs=3, seed=5, workers=1, out=tmp_path, quiet=True)
    assert doc["errors"] == [
        {"plan": "baseline", "rep": 1, "seed": bad, "error": doc["errors"][0]["error"]}
    ]
    assert "ValueError: boom" in doc["errors"][0]["error"]
    assert doc["replications"]["baseline"] == 2
    monkeypatch.setattr(sim.api, "run_drill", real)
    doc, _ = compare(small, [], runs=3, seed=5, workers=1, out=tmp_path, quiet=True, resume=True)
    assert doc["errors"] == [] and doc["replications"]["baseline"] == 3


def test_duplicate_plan_and_bad_arguments_are_bad_input(small: Path, tmp_path: Path) -> None:
    plan = PLANS / "second-hotel.yaml"
    with pytest.raises(ExperimentError, match="used twice"):
        compare(small, [plan, plan], runs=1, out=tmp_path, quiet=True)
    with pytest.raises(ExperimentError, match="`runs` must be"):  # the argument, not a flag
        compare(small, [], runs=0, out=tmp_path, quiet=True)


@pytest.mark.slow  # 8 replications and a rendered report
def test_cli_compare_prints_a_table_with_cis_and_writes_the_report(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    code, out, err = _drill(
        monkeypatch,
        capsys,
        *("compare", str(small), "--plan", str(PLANS / "more-investigators.yaml")),
        *("--runs", "4", "--workers", "1", "--out", str(tmp_path), "--lang", "en"),
        *("--precision", "0.1"),
    )
    assert code == 0, err
    assert "Wilson" in out and "more-investigators" in out
    assert "precision:" in out
    doc = json.loads((tmp_path / "comparison.json").read_text(encoding="utf-8"))
    assert doc["runs"] == 4 and (tmp_path / FILENAME).exists()
    # the comparison report, by sim.report.write_report
    # an English report of a Chinese scenario carries the language in its name
    assert f"report: {tmp_path / 'report.en.html'}" in " ".join(out.split())
    assert "Plan comparison report" in (tmp_path / "report.en.html").read_text(encoding="utf-8")


def test_report_builder_is_called_when_present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """drill compare writes its report with the report package's real writer."""
    import sim.report
    from sim.experiment import build_report_if_available

    calls: list[tuple] = []

    def writer(directory: Path, lang: str = "zh") -> Path:
        calls.append((directory, lang))
        return tmp_path / "r"

    monkeypatch.setattr(sim.report, "write_report", writer)
    assert build_report_if_available(tmp_path, "en") == (True, f"report: {tmp_path / 'r'}")
    assert calls == [(tmp_path, "en")]

    def broken(directory: Path, lang: str = "zh") -> None:
        raise ValueError("bad")

    monkeypatch.setattr(sim.report, "write_report", broken)
    built, message = build_report_if_available(tmp_path, "zh")
    assert not built and "ValueError: bad" in message
