"""Transfer and isolation: vehicles, rooms in plan order, overflow, testing, release."""

from __future__ import annotations

from collections import Counter

from sim.api import build_world
from sim.network.measure import objective_over_seeds
from sim.subjects import transfer_isolation
from tests.subjects._runs import run, scenario


def test_isolated_after_identification_in_site_order() -> None:
    scn = scenario()
    p = scn.subject_params("transfer_isolation")
    log = run(1).log
    identified = {e.entity: e.t for e in log.of("contact_identified")}
    order = list(p.sites)
    full_at = {e.entity: e.t for e in log.of("site_full")}
    for e in log.of("isolated", mode="central_quarantine"):
        assert e.t >= identified[e.entity]
        rank = order.index(e.details["site"])
        for earlier in order[:rank]:  # a later site only once the earlier ones are full
            assert full_at[earlier] <= e.t
    trips = log.of("transfer_departed")
    assert trips and max(t.details["riders"] for t in trips) <= p.seats


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
    for e in log.of("isolated", mode="central_quarantine"):
        q = sched[e.details["role"]]
        for t, reason in tests.get(e.entity, []):
            day = int(reason.rsplit("_", 1)[1])
            assert day in q.test_days
            assert abs(t - (e.t + (day - 1) * 24)) < 1e-6
        if e.entity in released:
            assert abs(released[e.entity] - (e.t + q.days * 24)) < 1e-6
    assert Counter(r for v in tests.values() for _, r in v)["quarantine_day_1"] > 50


def test_no_second_site_fills_the_first_and_overflows_home() -> None:
    scn = scenario("no-second-site")
    p = scn.subject_params("transfer_isolation")
    assert list(p.sites) == ["hotel_a"] and p.overflow == "home_quarantine"
    overflowed = 0
    for seed in (1, 3):
        log = run(seed, "no-second-site").log
        full = log.first("site_full", entity="hotel_a")
        assert full is not None
        home = log.of("isolated", mode="home_quarantine")
        assert all(e.t >= full.t for e in home)
        assert all(e.agent == p.home_quarantine.agent for e in home)
        assert not log.of("isolated", site="hotel_b")
        overflowed += len(home)
    assert overflowed > 0
    base = run(1).log
    assert base.of("isolated", site="hotel_b") and not base.of("isolated", mode="home_quarantine")


def _achieved(seed: int, *plans: str) -> float:
    rows = run(seed, *plans).summary["objectives"]
    return next(o["achieved_h"] for o in rows if o["id"] == "contacts-quarantined-12h")


def test_half_vehicles_isolate_contacts_later() -> None:
    """Same seeds, same contacts (common random numbers): only the fleet differs."""
    seeds = (1, 2, 3)
    base = [_achieved(s) for s in seeds]
    half = [_achieved(s, "half-vehicles") for s in seeds]
    assert sum(half) > sum(base)
    assert all(h >= b - 0.5 for h, b in zip(half, base, strict=True))


def test_objective_over_seeds_reports_mean_and_share() -> None:
    r = objective_over_seeds(scenario("half-vehicles"), "contacts-quarantined-12h", (1, 2))
    assert r["runs"] == 2 and r["standard_h"] == 12
    assert r["mean_achieved_h"] == round(
        (_achieved(1, "half-vehicles") + _achieved(2, "half-vehicles")) / 2, 4
    )
    assert 0 <= r["share_meeting_standard"] <= 1


def test_reconfigure_adds_a_site_and_vehicles_during_play() -> None:
    scn = scenario("no-second-site")
    p = scn.subject_params("transfer_isolation")
    world = build_world(scn, 1)
    world.env.run(until=8)
    new_sites = dict(p.sites) | {"school_c": p.sites["hotel_a"].model_copy(update={"rooms": 400})}
    transfer_isolation.reconfigure(
        world, p.model_copy(update={"sites": new_sites, "vehicles": p.vehicles + 4})
    )
    world.env.run(until=scn.meta.duration_h)
    log = world.log
    opened = log.first("site_opened", entity="school_c")
    added = log.first("vehicles_added")
    assert opened.t == 8 and added.details["added"] == 4
    assert log.of("isolated", site="school_c")
    assert not log.of("isolated", mode="home_quarantine")
