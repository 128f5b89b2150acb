"""Traffic control: queues and wave-through, leaks falling with staff, arrivals tested."""

from __future__ import annotations

import pytest

from sim import load_scenario
from sim.api import FLAGSHIP, build_world
from tests.conftest import ROOT
from tests.subjects.helpers import with_plan

MORE_STAFF = ROOT / "scenarios" / "plans" / "more-checkpoint-staff.yaml"


def _run(scn, seed: int, hours: float = 96.0):
    world = build_world(scn, seed)
    world.env.run(until=hours)
    return world


@pytest.mark.slow  # four days of the flagship, twice
@pytest.mark.parametrize("seed", [1, 2])
def test_more_staff_only_turns_leaks_into_checks(flagship, seed) -> None:
    more = load_scenario(FLAGSHIP, [MORE_STAFF])
    base_w, more_w = _run(flagship, seed), _run(more, seed)
    leaked = {w: {e.entity for e in w.log.of("risk_arrival_leaked")} for w in (base_w, more_w)}
    assert leaked[more_w] <= leaked[base_w]
    waved = {w: sum(e.details["waved"] for e in w.log.of("checkpoint_interval")) for w in leaked}
    assert waved[more_w] < waved[base_w]


def test_checked_arrivals_are_tested_and_leaked_infections_imported(flagship) -> None:
    world = _run(flagship, 3)
    checked = {e.entity for e in world.log.of("risk_arrival_checked")}
    tested = {e.entity for e in world.log.of("test_requested", reason="arrival")}
    assert checked and checked <= tested
    imported = world.log.of("infection", setting="imported")
    for e in imported:
        if "checkpoint" in e.details:
            assert int(e.entity) in world.infected
            assert e.details["source"] == ""
    # every infected traveller becomes a case of the epidemic, at its arrival
    arrivals = {(e.entity, e.t) for e in world.log.of("infected_arrival")}
    assert arrivals
    assert arrivals == {(e.entity, e.t) for e in imported if "checkpoint" in e.details}


def test_queue_builds_when_lanes_are_short(tmp_path) -> None:
    scn = with_plan(
        tmp_path,
        "short",
        "subjects:\n  traffic_control:\n    roads:\n      max_queue: 100000\n      checkpoints:\n"
        "        g108_north: {staff: 3, shifts: 3, staff_per_lane: 1}\n",
    )
    world = _run(scn, 1, hours=30)
    rows = world.log.of("checkpoint_interval", entity="g108_north")
    assert all(r.details["lanes"] == 1 for r in rows)
    queue = [r.details["queue"] for r in rows]
    assert max(queue) > 0  # 120 vehicles/h cannot keep up with the day-time peak
    vehicles = sum(r.details["vehicles"] for r in rows)
    assert sum(r.details["checked"] for r in rows) + queue[-1] == pytest.approx(vehicles, abs=2)


def test_returnee_still_arrives(flagship) -> None:
    world = _run(flagship, 4, hours=12)
    arrival = world.log.first("returnee_arrival")
    assert arrival is not None and int(arrival.entity) == world.returnee


def test_arrival_found_at_the_checkpoint_is_labelled_arrival(tmp_path) -> None:
    """A returnee reaching the checkpoint during the drill gets the arrival test on every
    seed: the label never depends on how the entry time rounds (it once compared a
    6-decimal entry time with the clock, and half the seeds said health_monitoring)."""
    scn = with_plan(
        tmp_path,
        "on-arrival",
        "subjects:\n  traffic_control:\n    returnee:\n      arrival_h: 0.5\n",
    )
    reasons = set()
    for seed in range(1, 11):
        world = build_world(scn, seed)
        world.env.run(until=2.0)
        premise = [e for e in world.log.of("test_requested") if e.details.get("premise")]
        reasons.update(e.details["reason"] for e in premise)
        assert len(premise) == 1
    assert reasons == {"arrival"}


NO_P2P = ROOT / "scenarios" / "plans" / "no-point-to-point.yaml"
CLOSE_S233 = ROOT / "scenarios" / "plans" / "close-s233.yaml"


def test_checked_risk_arrivals_are_transferred_point_to_point(flagship) -> None:
    """落地核酸+点对点转运+精准赋码: held from the check on, picked up by the township,
    coded, quarantined by their level's rule and tested on its days; never free."""
    world = _run(flagship, 3, hours=40)
    log = world.log
    checked = {e.entity: e for e in log.of("risk_arrival_checked")}
    handed = {e.entity: e for e in log.of("arrival_quarantine")}
    assert handed and set(handed) <= set(checked)
    codes = {e.entity: e.details["code"] for e in log.of("health_code_assigned", agent="townships")}
    isolated = {e.entity: e for e in log.of("isolated") if e.details.get("role") == "arrival"}
    for person, e in handed.items():
        assert e.agent == "townships"
        level = checked[person].details["level"]
        assert codes[person] == ("red" if level == "high" else "yellow")
        assert world.isolated.get(int(person), 1e9) <= checked[person].t or (
            level == "medium"  # home quarantine: compliance decides once home
        )
        mode = isolated[person].details["mode"] if person in isolated else None
        assert mode in (("central_quarantine",) if level == "high" else ("home_quarantine", None))
    # a held arrival causes no exposure between the check and the hand-over
    for e in log.of("contact_exposed"):
        src = e.details["source"]
        if src in handed and checked[src].details["level"] == "high":
            assert e.t < checked[src].t or e.details["setting"] == "household"
    from sim.subjects.traffic_control import summarize

    by_level = summarize(world.scenario, log)["point_to_point"]
    assert sum(by_level.values()) == len(handed) and set(by_level) <= {"high", "medium"}
    # the arrival test at the checkpoint stands for the stay's day-1 test
    arrival_tests = {e.entity for e in log.of("test_requested", reason="arrival")}
    day1 = {e.entity for e in log.of("test_requested", reason="quarantine_day_1")}
    assert set(handed) <= arrival_tests and not set(handed) & day1


def test_without_point_to_point_arrivals_go_home(flagship) -> None:
    world = _run(load_scenario(FLAGSHIP, [NO_P2P]), 3, hours=30)
    assert world.log.of("risk_arrival_checked")
    assert not world.log.of("arrival_quarantine")
    assert not [e for e in world.log.of("isolated") if e.details.get("role") == "arrival"]


def test_seven_plus_seven_moves_the_arrival_home_after_the_central_days(tmp_path) -> None:
    scn = with_plan(
        tmp_path,
        "seven-seven",
        "subjects:\n  traffic_control:\n    point_to_point:\n      rules:\n"
        "        high: {central_days: 1, home_days: 1, test_days: [1, 2]}\n"
        "        medium: {central_days: 1, home_days: 1, test_days: [1, 2]}\n",
    )
    world = _run(scn, 3, hours=40)
    released = {e.entity for e in world.log.of("quarantine_released")}
    homes = {
        e.entity
        for e in world.log.of("isolated", mode="home_quarantine")
        if e.details.get("role") == "arrival"
    }
    assert (
        released
        and homes
        and homes <= released | {e.entity for e in world.log.of("isolated", mode="home_quarantine")}
    )
    day2 = {e.entity for e in world.log.of("test_requested", reason="quarantine_day_1")}
    assert homes & day2  # the home phase tests on its own day 1 (day 2 of the stay)


def test_a_closed_road_diverts_its_traffic_and_leaks_its_detours(flagship) -> None:
    base = _run(flagship, 5, hours=30)
    closed = _run(load_scenario(FLAGSHIP, [CLOSE_S233]), 5, hours=30)
    rows = closed.log.of("checkpoint_interval", entity="s233_east")
    assert all(r.details["checked"] == 0 and r.details["lanes"] == 0 for r in rows)
    through = sum(r.details["vehicles"] for r in rows)
    diverted = sum(r.details["diverted"] for r in rows)
    assert through == sum(r.details["unchecked"] for r in rows)
    assert 0 < through < diverted  # detour_share 0.1
    leaked = {e.entity for e in closed.log.of("risk_arrival_leaked", checkpoint="s233_east")}
    checked = closed.log.of("risk_arrival_checked", checkpoint="s233_east")
    assert not checked and leaked is not None

    def others(world) -> int:
        return sum(
            r.details["vehicles"]
            for r in world.log.of("checkpoint_interval")
            if r.entity != "s233_east"
        )

    assert others(closed) - others(base) == pytest.approx(diverted, rel=0.15)


def test_an_unguarded_road_checks_nobody(tmp_path) -> None:
    scn = with_plan(
        tmp_path,
        "unguarded",
        "subjects:\n  traffic_control:\n    roads:\n      checkpoints:\n"
        "        s233_east: {status: unguarded, staff: 0}\n",
    )
    world = _run(scn, 2, hours=24)
    assert not world.log.of("risk_arrival_checked", checkpoint="s233_east")
    rows = world.log.of("checkpoint_interval", entity="s233_east")
    assert sum(r.details["unchecked"] for r in rows) == sum(r.details["vehicles"] for r in rows) > 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("    roads:\n      checkpoints:\n        s233_east: {staff: 0}\n", "staff > 0"),
        (
            "    roads:\n      checkpoints:\n"
            + "".join(
                f"        {c}: {{status: closed}}\n"
                for c in ("g108_north", "g209_south", "expressway_exit", "s233_east")
            ),
            "open checkpoint to divert to",
        ),
        ("    point_to_point:\n      agent: communities\n", "not responsible"),
    ],
)
def test_bad_roads_and_transfer_rules_are_located(tmp_path, body, message) -> None:
    from sim.errors import DrillInputError

    with pytest.raises(DrillInputError) as err:
        with_plan(tmp_path, "bad", "subjects:\n  traffic_control:\n" + body)
    assert message in str(err.value) and "bad.yaml:" in str(err.value)
