"""Transfer and isolation: vehicles, rooms in plan order, overflow, testing, release."""

from __future__ import annotations

from collections import Counter

import pytest

from sim.api import build_world
from sim.experiment.placements import objective_over_seeds
from sim.subjects import transfer_isolation
from tests.subjects._runs import run, scenario, short_run


@pytest.mark.slow  # a full flagship run
def test_isolated_after_identification_in_site_order() -> None:
    """Each booking takes the first site in plan order with a free room, at that moment.

    Rooms come free again when quarantines end (secondary contacts after 7 days),
    so the first site fills more than once: a log-only check against its first
    ``site_full`` cannot see the order, hence the bookings are watched as made.
    """
    scn = scenario()
    p = scn.subject_params("transfer_isolation")
    order = list(p.sites)
    world = build_world(scn, 1)
    t = world.subjects["transfer_isolation"]
    bookings: list[tuple[float, dict[str, int], list[tuple[str, str, str]]]] = []
    board = t.board

    def watched(person: str, role: str) -> list[tuple[str, str, str]]:
        skip = person in t.cases or person in t.placed
        free = dict(t.free)
        riders = board(person, role)
        if not skip:
            bookings.append((world.now, free, riders))
        return riders

    t.board = watched
    world.env.run(until=scn.meta.duration_h)
    log = world.log
    assert all(n >= 0 for n in t.free.values())
    for _, free, riders in bookings:
        if not riders:  # overflow: only when every site is full
            assert not any(free.values())
            continue
        rank = order.index(riders[0][2])
        assert free[order[rank]] > 0 and not any(free[s] for s in order[:rank])
    # rooms are reused: the first site takes people again after a later site did
    sites = [riders[0][2] for _, _, riders in bookings if riders]
    assert order[1] in sites
    assert order[0] in sites[sites.index(order[1]) :]
    assert len(log.of("site_full", entity=order[0])) >= 2
    identified = {e.entity: e.t for e in log.of("contact_identified")}
    for e in _contacts(log.of("isolated", mode="central_quarantine")):
        assert e.t >= identified[e.entity]
    trips = log.of("transfer_departed")
    assert trips and max(t.details["riders"] for t in trips) <= p.seats


@pytest.mark.slow  # a full flagship run
def test_quarantine_tests_on_schedule_and_release() -> None:
    scn = scenario()
    sched = scn.subject_params("transfer_isolation").quarantine
    log = run(1).log
    tests: dict[str, list[tuple[float, str]]] = {}
    for e in log.of("test_requested"):
        if e.details["reason"].startswith("quarantine_day_"):
            tests.setdefault(e.entity, []).append((e.t, e.details["reason"]))
    released = {e.entity: e.t for e in log.of("quarantine_released")}
    assert released
    for e in _contacts(log.of("isolated", mode="central_quarantine")):
        q = sched[e.details["role"]]
        for t, reason in tests.get(e.entity, []):
            day = int(reason.rsplit("_", 1)[1])
            assert day in q.test_days
            assert abs(t - (e.t + (day - 1) * 24)) < 1e-6
        if e.entity in released:
            assert abs(released[e.entity] - (e.t + q.days * 24)) < 1e-6
    assert Counter(r for v in tests.values() for _, r in v)["quarantine_day_1"] > 50


def _contacts(isolated: list) -> list:
    """Isolations of traced contacts: not of arrivals handed over from a checkpoint
    (point to point, by their own rule: medium-risk origins at home)."""
    return [e for e in isolated if e.details.get("role") != "arrival"]


def _first_home_quarantine(log) -> float:
    """When the first contact went to home quarantine (inf if nobody did)."""
    home = _contacts(log.of("isolated", mode="home_quarantine"))
    return min((e.t for e in home), default=float("inf"))


@pytest.mark.slow  # four full flagship runs
def test_no_second_site_fills_the_first_and_overflows_home() -> None:
    scn = scenario("no-second-site")
    p = scn.subject_params("transfer_isolation")
    assert list(p.sites) == ["hotel_a"] and p.overflow == "home_quarantine"
    for seed in (1, 3):
        log = run(seed, "no-second-site").log
        full = log.first("site_full", entity="hotel_a")
        assert full is not None
        home = _contacts(log.of("isolated", mode="home_quarantine"))
        assert home and all(e.t >= full.t for e in home)
        assert all(e.agent == p.home_quarantine.agent for e in home)
        assert not log.of("isolated", site="hotel_b")
        # same seed, same contacts: with both sites the overflow comes later, if at all
        base = run(seed).log
        assert base.of("isolated", site="hotel_b")
        base_home = _contacts(base.of("isolated", mode="home_quarantine"))
        assert len(base_home) < len(home)
        assert _first_home_quarantine(base) > _first_home_quarantine(log)
        if base_home:  # only once every site of the plan has been full
            first_full = max(base.first("site_full", entity=s).t for s in ("hotel_a", "hotel_b"))
            assert all(e.t >= first_full for e in base_home)


def _achieved(seed: int, *plans: str) -> float:
    rows = run(seed, *plans).summary["objectives"]
    return next(o["achieved_h"] for o in rows if o["id"] == "contacts-quarantined-12h")


@pytest.mark.slow  # six full flagship runs
def test_half_vehicles_isolate_contacts_later() -> None:
    """Same seeds, same contacts (common random numbers): only the fleet differs."""
    seeds = (1, 2, 10)  # seeds whose every contact is quarantined within the run
    base = [_achieved(s) for s in seeds]
    half = [_achieved(s, "half-vehicles") for s in seeds]
    assert sum(half) > sum(base)
    assert all(h >= b - 0.5 for h, b in zip(half, base, strict=True))


@pytest.mark.slow  # full flagship runs
def test_objective_over_seeds_reports_mean_and_share() -> None:
    r = objective_over_seeds(scenario("half-vehicles"), "contacts-quarantined-12h", (1, 2))
    assert r["runs"] == 2 and r["standard_h"] == 12
    assert r["mean_achieved_h"] == round(
        (_achieved(1, "half-vehicles") + _achieved(2, "half-vehicles")) / 2, 4
    )
    assert 0 <= r["share_meeting_standard"] <= 1


@pytest.mark.slow  # two full flagship runs
def test_reconfigure_adds_a_site_and_vehicles_during_play() -> None:
    scn = scenario("no-second-site")
    p = scn.subject_params("transfer_isolation")
    world = build_world(scn, 1)
    world.env.run(until=8)
    new_sites = dict(p.sites) | {"school_c": p.sites["hotel_a"].model_copy(update={"rooms": 400})}
    transfer_isolation.reconfigure(
        world,
        world.subjects["transfer_isolation"],
        p.model_copy(update={"sites": new_sites, "vehicles": p.vehicles + 4}),
    )
    world.env.run(until=scn.meta.duration_h)
    log = world.log
    opened = log.first("site_opened", entity="school_c")
    added = log.first("vehicles_added")
    assert opened.t == 8 and added.details["added"] == 4
    assert log.of("isolated", site="school_c")
    # the new rooms take the overflow that went home without them (same seed)
    home = _contacts(log.of("isolated", mode="home_quarantine"))
    before = run(1, "no-second-site").log
    assert len(home) < len(_contacts(before.of("isolated", mode="home_quarantine")))
    assert _first_home_quarantine(log) > _first_home_quarantine(before)
    school_full = log.first("site_full", entity="school_c")
    assert not home or (school_full is not None and min(e.t for e in home) >= school_full.t)


def test_three_day_run_moves_contacts_by_vehicle_to_sites_in_order() -> None:
    """The flagship's first three days end to end (fast tier): every contact placed
    in central quarantine was identified and put on the transfer list first, rode a
    vehicle of at most ``seats`` riders, went to a site of the plan — the second
    only once the first was full — and is tested on its quarantine days."""
    result = short_run(12)
    log, p = result.log, result.scenario.subject_params("transfer_isolation")
    order = list(p.sites)
    identified = {e.entity: e.t for e in reversed(log.of("contact_identified"))}
    requested = {e.entity: e.t for e in reversed(log.of("transfer_requested"))}
    central = [  # contacts; arrivals come point to point from a checkpoint
        e for e in log.of("isolated", mode="central_quarantine") if e.details["role"] != "arrival"
    ]
    assert len({e.details["site"] for e in central}) == 2, "premise: both sites take people"
    for e in central:
        assert identified[e.entity] <= requested[e.entity] <= e.t
        assert e.details["site"] in order
    trips = log.of("transfer_departed")
    assert trips and max(t.details["riders"] for t in trips) <= p.seats
    first_full = log.first("site_full", entity=order[0])
    assert first_full is not None
    assert log.first("isolated", site=order[1]).t >= first_full.t
    tests = [e for e in log.of("test_requested") if e.details["reason"] == "quarantine_day_1"]
    isolated_at = {e.entity: e.t for e in central}
    assert tests and {e.entity for e in tests} <= set(isolated_at)
    for e in tests:
        assert e.t == isolated_at[e.entity]  # day 1: on arrival


def test_isolation_summary_counts_rooms_held_at_once_and_end_to_end_hours() -> None:
    """Rooms are given back on release or hospital; the chain runs back to its case."""
    from sim.engine.log import EventLog

    log = EventLog()
    ti = "transfer_isolation"
    log.append(1.0, "lab_result_positive", "testing", "lab", "case")
    log.append(2.0, "case_confirmed", "reporting", "cdc", "case")
    log.append(3.0, "contact_identified", "tracing", "tf", "a", source="case")
    log.append(3.0, "contact_identified", "tracing", "tf", "b", source="case")
    log.append(4.0, "contact_identified", "tracing", "tf", "c", source="a")  # secondary
    log.append(5.0, "isolated", ti, "tf", "a", mode="central_quarantine", site="hotel")
    log.append(6.0, "isolated", ti, "tf", "b", mode="central_quarantine", site="hotel")
    log.append(7.0, "quarantine_left", ti, "tf", "a", to="hospital", site="hotel")
    log.append(9.0, "isolated", ti, "tf", "c", mode="central_quarantine", site="hotel")
    log.append(
        9.5, "isolated", ti, "tf", "d", mode="central_quarantine", site="neighbouring_county"
    )
    log.append(11.0, "isolated", ti, "hq", "case", mode="held_at_home", site="")
    s = transfer_isolation.summarize(scenario(), log)
    assert s["rooms_peak"] == 2  # a left before c came; the neighbour's rooms are not ours
    assert s["contacts_isolated"] == 3  # d was never traced, the case is not a contact
    assert s["end_to_end_h"] == {"median": 5.0, "p90": 8.0, "max": 8.0}  # 4, 5, 8 h after 1.0
