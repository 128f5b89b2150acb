"""Findings, critical paths and the improvement plan, from real runs."""

from __future__ import annotations

import itertools
import re

import pytest

from sim import load_scenario
from sim.api import FLAGSHIP, run_drill, scenario_snapshot
from sim.engine.log import EventLog
from sim.evaluation.findings import critical_path, evaluate_findings, locate
from sim.evaluation.improvement import build_plan
from tests.conftest import ROOT
from tests.subjects._runs import THREE_DAYS

ONE_VEHICLE = ROOT / "tests" / "report" / "one_vehicle.yaml"


@pytest.fixture(
    scope="module",
    params=["three-days", pytest.param("flagship", marks=pytest.mark.slow)],
)
def one_vehicle_run(request):
    """One vehicle, seed 2: over the flagship's first three days (fast) or all of it."""
    plans = [THREE_DAYS, ONE_VEHICLE] if request.param == "three-days" else [ONE_VEHICLE]
    scn = load_scenario(FLAGSHIP, plans)
    result = run_drill(scn, seed=2)
    snap = scenario_snapshot(scn)
    return result, snap, evaluate_findings(result.log, snap, result.summary["objectives"])


@pytest.fixture(scope="module")
def flagship_run(flagship):
    """The flagship as it stands (ten vehicles), seed 2: run once for the module."""
    return run_drill(flagship, seed=2), scenario_snapshot(flagship)


def test_too_few_vehicles_blames_the_transfer_team_and_its_vehicle_queue(one_vehicle_run):
    result, snap, ev = one_vehicle_run
    rated = {o["id"]: o for o in result.summary["objectives"]}
    assert rated["contacts-quarantined-12h"]["rating"] != "P", "premise: one vehicle is too few"
    vehicle = [
        f
        for f in ev["findings"]
        if f["objective"] == "contacts-quarantined-12h" and f["cause"] == "vehicle_queue"
    ]
    assert vehicle, ev["findings"]
    f = vehicle[0]
    assert f["agent"] == "transfer_tf"
    assert f["resource"] == "vehicles"
    assert f["evidence"]["vehicles"] == 1
    assert f["evidence"]["trips_with_fleet_busy"] >= 1
    assert f["evidence"]["max_vehicle_wait_h"] > 0
    # the vehicle wait is the larger part of the late contact's time
    assert f["share"] > 0.5
    plan = build_plan(snap, ev["findings"], "en")
    row = plan[ev["findings"].index(f)]
    assert row["responsible"] == "transfer_tf"
    assert row["accountable"] == snap["responsibilities"]["transfer_isolation"]["accountable"]
    assert row["poete"] == "Equipment"
    assert "vehicles" in row["action"]
    # sized from the log: more vehicles than the one there was
    assert re.search(r"about (\d+) vehicles", row["action"]).group(1) != "1"


@pytest.mark.slow  # a full flagship run
def test_enough_vehicles_no_vehicle_finding(flagship_run):
    result, snap = flagship_run
    ev = evaluate_findings(result.log, snap, result.summary["objectives"])
    assert not [f for f in ev["findings"] if f["cause"] == "vehicle_queue"]


def test_critical_path_covers_the_span_without_overlap(one_vehicle_run):
    result, snap, _ = one_vehicle_run
    from sim.scenario.schema import Measure

    for obj in snap["objectives"]:
        if not obj["measure"]:  # a count objective has no critical path
            continue
        loc = locate(result.log, Measure.model_validate(obj["measure"]), obj["standard_h"])
        if loc.start_t is None or loc.end_t is None:
            continue
        path = critical_path(result.log, loc.start_t, loc.end_t, loc.chain)
        assert path, obj["id"]
        assert path[0].t0 == pytest.approx(loc.start_t, abs=1e-3)
        assert path[-1].t1 == pytest.approx(loc.end_t, abs=1e-3)
        for a, b in itertools.pairwise(path):
            assert b.t0 == pytest.approx(a.t1, abs=1e-3), obj["id"]
        assert sum(s.hours for s in path) == pytest.approx(loc.end_t - loc.start_t, abs=1e-3)


def test_only_challenged_objectives_get_findings(one_vehicle_run):
    result, _snap, ev = one_vehicle_run
    met = {o["id"] for o in result.summary["objectives"] if o["rating"] == "P"}
    assert {s["id"] for s in ev["strengths"]} == met
    assert not {f["objective"] for f in ev["findings"]} & met


@pytest.mark.slow  # a full flagship run
def test_rooms_running_out_is_a_finding_with_an_equipment_action():
    scn = load_scenario(FLAGSHIP, [ROOT / "tests" / "report" / "few_rooms.yaml"])
    result = run_drill(scn, seed=2)
    assert result.log.of("site_full"), "premise: the sites fill"
    snap = scenario_snapshot(scn)
    ev = evaluate_findings(result.log, snap, result.summary["objectives"])
    rooms = [f for f in ev["findings"] if f["cause"] == "rooms_full"]
    assert {f["evidence"]["site"] for f in rooms} == {"hotel_a", "hotel_b"}
    assert all(f["evidence"]["rooms"] == 2 for f in rooms)
    plan = build_plan(snap, ev["findings"], "zh")
    for f in rooms:
        row = plan[ev["findings"].index(f)]
        assert row["poete"] == "Equipment" and row["responsible"] == "transfer_tf"


def test_a_queue_that_ends_at_duty_start_asks_for_a_roster_change(flagship):
    snap = scenario_snapshot(flagship)
    finding = {
        "objective": "cdc-verify-2h",
        "subject": "reporting",
        "cause": "queue",
        "agent": "cdc",
        "resource": "staff",
        "hours": 9.0,
        "share": 0.9,
        "evidence": {
            "label": "verification",
            "path_subject": "reporting",
            "queue_ended_clock_h": 8.0,
        },
    }
    [row] = build_plan(snap, [finding], "en")
    assert row["cause"] == "roster" and "roster" in row["action"]
    assert row["responsible"] == "cdc" and row["accountable"] == "leading_group"
    finding["evidence"]["queue_ended_clock_h"] = 13.5
    [row] = build_plan(snap, [finding], "en")
    assert row["cause"] == "queue" and "staff" in row["action"]


@pytest.mark.slow  # a full flagship run and its report
def test_vehicle_finding_reads_in_the_english_report(one_vehicle_run, tmp_path):
    from sim.api import write_run
    from sim.report.build import run_report

    out = write_run(one_vehicle_run[0], tmp_path / "run")
    report, _, _ = run_report(out, "en")
    areas = next(s for s in report.sections if s.id == "capabilities")
    text = repr(areas.blocks)
    assert "Waiting for a transfer vehicle took" in text
    assert "Transfer and isolation task force had too few vehicles" in text
    assert "1 vehicle(s) made" in text
    plan = next(s for s in report.sections if s.id == "plan")
    assert "Add transfer vehicles to Transfer and isolation task force: 1 now" in repr(plan.blocks)


@pytest.mark.slow  # a full flagship run
def test_an_objective_never_reached_gets_a_not_completed_finding(flagship_run):
    result, snap = flagship_run
    never = {
        "id": "never",
        "subject": "transfer_isolation",
        "title": {"zh": "从未发生", "en": "never"},
        "measure": {
            "start": {"kind": "case_confirmed"},
            "end": {"kind": "isolated", "where": {"site": "no-such-site"}},
        },
        "standard_h": 1.0,
        "source": "test",
    }
    snap = snap | {"objectives": [never]}
    row = {"id": "never", "subject": "transfer_isolation", "achieved_h": None, "rating": "U"}
    ev = evaluate_findings(result.log, snap, [row])
    [f] = [f for f in ev["findings"] if f["cause"] == "not_completed"]
    assert f["agent"] == ""
    assert f["hours"] == pytest.approx(snap["meta"]["duration_h"] - f["evidence"]["start_t"])
    rows = build_plan(snap, ev["findings"], "zh")
    plan_row = rows[ev["findings"].index(f)]
    assert plan_row["responsible"] == "transfer_tf"


def _waiting_contact_log(carried: bool) -> EventLog:
    """A contact identified at 0, on the transfer list at 1, tested by another team at 3
    (mass testing) while waiting; the only vehicle comes back at 6 if ``carried``."""
    log = EventLog()
    log.append(0.0, "contact_identified", "tracing", "tracing_tf", "7")
    log.append(
        1.0, "handoff", "transfer_isolation", "transfer_tf", "7", source="tracing_tf", delay_h=1.0
    )
    log.append(1.0, "transfer_requested", "transfer_isolation", "transfer_tf", "7")
    log.append(3.0, "test_requested", "testing", "testing_tf", "7", reason="mass_round_1")
    if carried:
        log.append(
            6.0,
            "transfer_departed",
            "transfer_isolation",
            "transfer_tf",
            "trip-1",
            persons=["7"],
            vehicle_at=6.0,
            vehicles_busy=1,
            vehicles=1,
        )
        log.append(
            6.0,
            "task_start",
            "transfer_isolation",
            "transfer_tf",
            "trip-1",
            task="transfer_trip",
            wait_h=0.0,
            queue=0,
        )
        log.append(
            8.0, "task_end", "transfer_isolation", "transfer_tf", "trip-1", task="transfer_trip"
        )
        log.append(
            8.0, "isolated", "transfer_isolation", "transfer_tf", "7", mode="central_quarantine"
        )
    return log


def test_vehicle_wait_runs_from_the_request_through_other_teams_events():
    path = critical_path(_waiting_contact_log(carried=True), 0.0, 8.0, ["7"])
    got = [(s.cause, s.agent, s.t0, s.t1) for s in path]
    assert got == [
        ("handoff", "transfer_tf", 0.0, 1.0),
        ("vehicle_queue", "transfer_tf", 1.0, 6.0),  # not cut at the test at 3
        ("work", "transfer_tf", 6.0, 8.0),
    ]


def test_a_contact_still_waiting_for_a_vehicle_at_the_end_is_a_vehicle_queue():
    path = critical_path(_waiting_contact_log(carried=False), 0.0, 48.0, ["7"])
    assert [(s.cause, s.t0, s.t1) for s in path] == [
        ("handoff", 0.0, 1.0),
        ("vehicle_queue", 1.0, 48.0),
    ]


NINE = {
    "reporting",
    "data_verification",
    "tracing",
    "transfer_isolation",
    "treatment",
    "testing",
    "zone_control",
    "traffic_control",
    "routine_prevention",
}


@pytest.mark.slow  # a full flagship run and its report
def test_the_flagship_rates_all_nine_subjects_and_shows_the_end_to_end_time(flagship_run):
    from sim.report.aar import ratings_summary

    result, _ = flagship_run
    rows = result.summary["objectives"]
    assert {o["subject"] for o in rows} == NINE
    assert all(o["rating"] in "PSMU" and o["source"] for o in rows)
    e2e = next(o for o in rows if o["id"] == "index-contacts-isolated-24h")
    per_step = next(o for o in rows if o["id"] == "contacts-quarantined-12h")
    assert e2e["entities"] > 0 and e2e["achieved_h"] is not None
    # the end-to-end clock starts at the positive, before identification: it runs longer
    assert e2e["achieved_h"] > per_step["achieved_h"]
    leaked = next(o for o in rows if o["id"] == "no-person-missed")
    assert leaked["kind"] == "count"
    assert leaked["achieved"] == result.summary["checkpoints"]["total"]["leaked"]
    table = repr(ratings_summary(result.summary, "zh").blocks)
    assert e2e["title"]["zh"] in table
    assert f"{e2e['achieved_h']:.1f} 小时" in table
    assert f"{leaked['achieved']:g} 人" in table
