"""The responsibility network: responsibilities, gaps, single points of failure, drawing."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim import cli, load_scenario
from sim.api import FLAGSHIP, write_run
from sim.network import analyse, build_graph
from sim.network.draw import load_from_log
from sim.subjects.registry import SUBJECTS
from tests.subjects._runs import run

CDC_LINK = "{from: cdc, to: coordination,"


def _drill(*args: str) -> subprocess.CompletedProcess[str]:
    """``drill ARGS`` through the console entry point :func:`sim.cli.main`, in process.

    Same code path as the installed command (exit codes, one-line errors) without a
    fresh interpreter importing SciPy and Matplotlib for every call.
    """
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["drill", *args]
    code: int | str | None = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            cli.main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = argv
    returncode = code if isinstance(code, int) else (0 if code is None else 1)
    return subprocess.CompletedProcess(["drill", *args], returncode, out.getvalue(), err.getvalue())


def _without_cdc_link(tmp_path: Path) -> tuple[Path, Path]:
    """The flagship without its only CDC → coordination handoff (and the reporting
    subject, whose configured chain would otherwise be rejected at load)."""
    text = FLAGSHIP.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if CDC_LINK not in ln]
    assert len(lines) == len(text.splitlines()) - 1
    scn = tmp_path / "no-cdc-link.yaml"
    scn.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = tmp_path / "no-reporting-subject.yaml"
    plan.write_text(
        "plan: {id: no-reporting, title: drop reporting}\nsubjects: {reporting: null}\n",
        encoding="utf-8",
    )
    return scn, plan


def test_graph_has_agents_handoffs_and_raci(flagship) -> None:
    g = build_graph(flagship)
    agents = [n for n, d in g.nodes(data=True) if d["type"] == "agent"]
    assert set(agents) == set(flagship.agents)
    rels = {d["rel"] for _, _, d in g.edges(data=True)}
    assert rels == {"reports_to", "handoff", "raci"}
    handoffs = [(u, v) for u, v, d in g.edges(data=True) if d["rel"] == "handoff"]
    assert len(handoffs) == len(flagship.handoffs)


def test_flagship_responsibilities_and_spofs(flagship) -> None:
    r = analyse(flagship)
    assert set(r["subjects"]) == set(SUBJECTS)
    for subject, raci in flagship.responsibilities.items():
        assert r["subjects"][subject]["responsible"] == list(raci.responsible)
        assert r["subjects"][subject]["accountable"] == raci.accountable
    assert r["source"] == "county_lab"
    assert r["gaps"] == []
    spof = {row["agent"]: row for row in r["single_points_of_failure"]}
    # Every report from the lab passes the CDC and the coordination office.
    assert "leading_group" in spof["cdc"]["cuts_off"]
    assert "leading_group" in spof["coordination"]["cuts_off"]
    assert "reporting" in spof["coordination"]["subjects"]
    links = {(row["from"], row["to"]) for row in r["single_links"]}
    assert ("cdc", "coordination") in links
    heavy = {row["agent"] for row in r["overloaded"]}
    assert "coordination" in heavy
    assert "communities" not in heavy  # 40 staff for three subjects


def test_second_path_removes_the_spof(tmp_path) -> None:
    """A direct CDC → command handoff makes the coordination office no longer a cut."""
    text = FLAGSHIP.read_text(encoding="utf-8")
    extra = (
        "  - {from: cdc, to: leading_group, channel: case_report,"
        " delay: {dist: lognormal, median: 0.25, p95: 1}}\n"
    )
    text = text.replace("handoffs:\n", "handoffs:\n" + extra, 1)
    path = tmp_path / "two-paths.yaml"
    path.write_text(text, encoding="utf-8")
    r = analyse(load_scenario(path))
    spof = {row["agent"]: row for row in r["single_points_of_failure"]}
    assert "leading_group" not in spof["coordination"]["cuts_off"]
    assert "leading_group" in spof["cdc"]["cuts_off"]


def test_removed_cdc_link_is_a_gap(tmp_path) -> None:
    scn, plan = _without_cdc_link(tmp_path)
    r = analyse(load_scenario(scn, [plan]))
    unreachable = {(g["subject"], g["agent"]) for g in r["gaps"] if g["type"] == "unreachable"}
    assert ("reporting", "leading_group") in unreachable
    assert ("reporting", "coordination") in unreachable
    assert ("tracing", "tracing_tf") in unreachable
    assert ("treatment", "treatment_tf") not in unreachable  # CDC orders the ambulance directly
    assert ("reporting", "cdc") not in unreachable  # the lab still reaches the CDC


def test_cli_json_reports_the_gap(tmp_path) -> None:
    scn, plan = _without_cdc_link(tmp_path)
    proc = _drill("network", str(scn), "--plan", str(plan), "--json")
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert any(g["agent"] == "leading_group" for g in r["gaps"])
    ok = _drill("network", str(FLAGSHIP), "--json", "--lang", "en")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["gaps"] == []


def test_cli_subject_without_responsible_exits_2(tmp_path) -> None:
    plan = tmp_path / "no-treatment-owner.yaml"
    plan.write_text(
        "plan: {id: no-owner, title: nobody treats}\nresponsibilities: {treatment: null}\n",
        encoding="utf-8",
    )
    proc = _drill("network", str(FLAGSHIP), "--plan", str(plan))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert any("treatment" in ln and "no responsible agent" in ln for ln in lines), lines
    assert "Traceback" not in proc.stderr


# one drawing in the fast tier; the English one (the same code, other labels) in the slow
@pytest.mark.parametrize("lang", ["zh", pytest.param("en", marks=pytest.mark.slow)])
def test_cli_writes_png(tmp_path, lang) -> None:
    proc = _drill("network", str(FLAGSHIP), "--out", str(tmp_path), "--lang", lang)
    assert proc.returncode == 0, proc.stderr
    png = tmp_path / "network.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000


@pytest.mark.slow  # a full flagship run
def test_load_from_a_run_colours_the_drawing(tmp_path, flagship) -> None:
    result = run(3)  # the cached run the subject tests share
    load = load_from_log(flagship, result.log)
    assert all(0.0 <= row["utilisation"] <= 1.0 for row in load.values())
    assert load["tracing_tf"]["busy_h"] > 0
    assert load["supplies_tf"]["busy_h"] == 0
    run_dir = write_run(result, tmp_path / "run")
    proc = _drill("network", str(FLAGSHIP), "--run", str(run_dir), "--out", str(tmp_path), "--json")
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["load"]["tracing_tf"]["busy_h"] > 0
    assert (tmp_path / "network.png").exists()
