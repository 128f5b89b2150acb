"""Mass testing: sampling once per round, honest pools, complete detection, tube counts."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.world import World
from sim.subjects.testing import MassTestingService
from sim.subjects.testing.pooling import tube_numbers, tube_numbers_general
from tests.subjects.helpers import with_plan

PERFECT = """subjects:
  testing:
    mass:
      sensitivity_by_day: [1.0]
      sampling: {absent_share: 0, refuse_share: 0}
      labs:
        - {agent: county_lab, machines: 2000, tubes_per_run: 94, run_time: 2}
"""


def _round(
    scn, infected: dict[int, float], covered=None, seed: int = 3, pool_size=None, hours=150.0
):
    world = World(scn, seed)
    world.infected.update(infected)
    svc = MassTestingService(world, scn.subjects.testing.mass)
    world.spawn(svc.run_round("r", "county", covered, 400, pool_size=pool_size))
    world.env.run(until=hours)
    return world


def _positive_pools(world: World) -> list[list[int]]:
    """Members of each positive pool, from the retest requests that follow it."""
    pools: list[list[int]] = []
    for e in world.log:
        if e.kind == "pool_positive":
            pools.append([])
        elif e.kind == "test_requested" and e.details.get("reason") == "pool_retest":
            pools[-1].append(int(e.entity))
    return pools


def _infected(n: int, size: int, seed: int, exposure: float) -> dict[int, float]:
    people = np.random.default_rng(seed).choice(size, n, replace=False)
    return {int(p): exposure for p in people}


def test_every_covered_resident_sampled_at_most_once(flagship) -> None:
    covered = np.arange(10_000, 60_000)
    world = _round(flagship, {}, covered)
    tests = world.population.tests
    assert tests.max() == 1
    assert tests[:10_000].sum() == 0 and tests[60_000:].sum() == 0
    done = world.log.first("mass_round_complete")
    assert done is not None and tests.sum() == done.details["sampled"]
    start = world.log.first("mass_round_start")
    assert done.details["sampled"] + start.details["missed"] == covered.size


def test_pool_positive_only_with_detectable_member(flagship, tmp_path) -> None:
    size = flagship.region.population
    old = _infected(40, size, 1, exposure=-72.0)  # day 3+: detectable with some probability
    fresh = _infected(40, size, 2, exposure=1e9)  # infected "in the future": never detectable
    fresh = {p: 1e9 for p in fresh if p not in old}
    world = _round(flagship, old | fresh)
    pools = _positive_pools(world)
    assert pools, "some old infections should be found"
    for members in pools:
        assert any(m in old for m in members)
    scn = with_plan(
        tmp_path, "blind", "subjects:\n  testing:\n    mass:\n      sensitivity_by_day: [0.0]\n"
    )
    assert not _positive_pools(_round(scn, old))


def test_perfect_sensitivity_unlimited_labs_find_everyone(flagship, tmp_path) -> None:
    scn = with_plan(tmp_path, "perfect", PERFECT)
    infected = _infected(60, scn.region.population, 4, exposure=-48.0)
    world = _round(scn, infected)
    found = {m for pool in _positive_pools(world) for m in pool}
    assert set(infected) <= found
    assert world.log.first("mass_round_complete") is not None


@pytest.mark.parametrize("seed", [1, 2])
def test_pool_size_one_needs_about_ten_times_the_tubes(flagship, seed) -> None:
    covered = np.arange(0, 30_000)
    tubes = {}
    for size in (1, 10):
        world = _round(flagship, {}, covered, seed=seed, pool_size=size, hours=60)
        tubes[size] = sum(e.details["tubes"] for e in world.log.of("mass_sampling_hour"))
    assert 9.0 <= tubes[1] / tubes[10] <= 10.5


def test_sealed_zone_pools_by_household(flagship) -> None:
    world = World(flagship, 1)
    lo, hi = world.population.compound_range(3)
    world.population.zone[lo:hi] = 3
    batch = np.arange(lo, hi)
    tube = tube_numbers(world.population, batch, 10, household_pool_sealed=True)
    households = world.population.household[batch]
    assert np.unique(tube).size == np.unique(households).size
    for t in np.unique(tube)[:20]:
        assert np.unique(households[tube == t]).size == 1


@pytest.mark.slow  # a full flagship run
def test_flagship_summary_has_rounds_and_labs(flagship) -> None:
    from tests.subjects._runs import run

    summary = run(1).summary["mass_testing"]  # the cached run other subject tests share
    county = [r for r in summary["rounds"] if r["scope"] == "county"]
    assert len(county) >= 2
    first = county[0]
    assert first["sampled"] > 0.95 * flagship.region.population
    assert first["tubes"] * 9 < first["sampled"] <= first["tubes"] * 10
    assert first["completion_h"] and first["completion_h"] > 0
    assert sum(lab["tubes"] for lab in summary["labs"].values()) >= first["tubes"]
    assert summary["objectives"]["first_county_round_24h"]["rating"] in "PSMU"
    # single tubes ran on the machines of the laboratory they were sent to
    log = run(1).log
    results = log.of("lab_result_positive") + log.of("lab_result_negative")
    assert summary["labs"]["county_lab"]["single_tubes"] == len(results) > 0
    assert summary["labs"]["city_lab"]["single_tubes"] == 0


def test_fast_and_general_pooling_agree(flagship) -> None:
    world = World(flagship, 2)
    pop = world.population
    lo, hi = pop.compound_range(5)
    pop.zone[lo:hi] = 3
    batch = np.r_[lo:hi, 100_000:100_500]  # sealed first, then others: the fast path
    fast = tube_numbers(pop, batch, 10, household_pool_sealed=True)
    sealed = pop.zone[batch] == 3
    general = tube_numbers_general(sealed, 10, pop.household[batch])
    assert np.array_equal(fast, general)
    shuffled = batch[np.random.default_rng(0).permutation(batch.size)]
    tube = tube_numbers(
        pop, shuffled, 10, household_pool_sealed=True
    )  # not sealed-first: the general path
    hh = pop.household[shuffled]
    for t in np.unique(tube[pop.zone[shuffled] == 3])[:30]:
        assert np.unique(hh[tube == t]).size == 1
    others = tube[pop.zone[shuffled] != 3]
    assert np.bincount(others)[np.unique(others)].max() <= 10


def test_single_tubes_run_on_the_lab_machines(flagship) -> None:
    """The returnee's tube joins a run of the county laboratory's machines: its result
    comes when that run ends, and no staff member runs it by hand."""
    from sim.api import build_world

    world = build_world(flagship, 6)
    world.env.run(until=24)
    person = str(world.returnee)
    assert world.log.first("task_start", entity=person, task="lab_run") is None
    result = world.log.first("lab_result_positive", entity=person)  # the drill's premise
    runs = [e for e in world.log.of("lab_run", agent="county_lab") if e.t == result.t]
    assert runs and runs[0].details["single_tubes"] >= 1
    sample = world.log.first("sample_taken", entity=person)
    assert result.t - runs[0].details["run_h"] >= sample.t


def _lab(flagship, machines: int = 1):
    from sim.subjects.testing.labs import LabRunner
    from sim.subjects.testing.params import Lab

    world = World(flagship, 1)
    spec = Lab(agent="county_lab", machines=machines, tubes_per_run=1, run_time=1.0)
    return world, LabRunner(world, spec)


def test_urgent_single_tubes_go_first(flagship) -> None:
    world, lab = _lab(flagship)
    done: dict[str, float] = {}

    def track(name: str, event) -> None:
        event.callbacks.append(lambda _: done.setdefault(name, world.now))

    track("routine-1", lab.deliver_single(1, urgent=False))

    def later():
        yield world.env.timeout(0.5)
        track("routine-2", lab.deliver_single(2, urgent=False))
        track("urgent", lab.deliver_single(3, urgent=True))

    world.spawn(later())
    world.env.run(until=10)
    # the first routine tube had the machine already; the urgent one overtakes the second
    assert done == {"routine-1": 1.0, "urgent": 2.0, "routine-2": 3.0}


def test_machines_changed_stops_and_restarts_runs(flagship) -> None:
    world, lab = _lab(flagship, machines=2)
    lab.set_machines(0)
    ends: list[float] = []
    for person in range(4):
        lab.deliver_single(person, urgent=False).callbacks.append(lambda _: ends.append(world.now))

    def restore():
        yield world.env.timeout(5.0)
        lab.set_machines(2)

    world.spawn(restore())
    world.env.run(until=20)
    assert ends == [6.0, 6.0, 7.0, 7.0]  # nothing ran without machines; then two at a time


@pytest.mark.parametrize(("days", "expected"), [(-0.5, 0.0), (0.2, 0.0), (1.5, 0.3), (99.0, 0.4)])
def test_single_tube_sensitivity_follows_the_day_since_infection(days, expected) -> None:
    from sim.subjects.testing.params import SENSITIVITY_BY_DAY
    from sim.subjects.testing.single import sensitivity

    assert sensitivity(SENSITIVITY_BY_DAY, days) == expected


def test_three_day_run_tests_cases_singly_and_the_county_in_pools(flagship) -> None:
    """The flagship's first three days end to end (fast tier): every positive result
    follows its sample, every confirmed case has one, and the first county round
    samples each covered resident or counts them missed, ten to a tube at most."""
    from tests.subjects._runs import short_run

    result = short_run(12)
    log, summary = result.log, result.summary["mass_testing"]
    sampled: dict[str, float] = {}
    for e in log.of("sample_taken"):
        sampled.setdefault(e.entity, e.t)
    positives = log.of("lab_result_positive")
    assert positives and all(sampled[e.entity] <= e.t for e in positives)
    for e in log.of("case_confirmed"):
        assert log.first("lab_result_positive", entity=e.entity).t <= e.t
    county = next(r for r in summary["rounds"] if r["scope"] == "county")
    assert county["covered"] == flagship.region.population
    hours = log.of("mass_sampling_hour", entity=county["id"])
    sampled = hours[-1].details["cumulative"]
    assert sampled + county["missed"] == county["covered"]
    tubes = sum(e.details["tubes"] for e in hours)
    assert tubes * 9 < sampled <= tubes * 10
    done = {(e.entity, e.details["day"]): e for e in log.of("mass_round_complete")}
    assert done  # the county round itself waits on the failed machines (the MSEL's inject)
    for r in summary["rounds"]:
        if (r["id"], r["day"]) in done:
            e = done[r["id"], r["day"]]
            assert (r["sampled"], r["tubes"]) == (e.details["sampled"], e.details["tubes"])
            assert r["completed_h"] == round(e.t, 4)


TARGETED = """subjects:
  testing:
    mass:
      targeted: {scope: community, rounds_h: [0, 12], groups: 20}
"""


@pytest.mark.slow  # a three-day flagship run (the fast tier is at its budget)
def test_a_positive_orders_pooled_rounds_of_its_community_once(tmp_path) -> None:
    """The first positive of a community orders targeted rounds of all its residents,
    pooled like a county round; a second positive there orders nothing more."""
    from sim import load_scenario
    from sim.api import FLAGSHIP, build_world
    from tests.subjects._runs import THREE_DAYS

    plan = tmp_path / "targeted.yaml"
    plan.write_text(f"plan: {{id: targeted, title: targeted}}\n{TARGETED}", encoding="utf-8")
    scn = load_scenario(FLAGSHIP, [THREE_DAYS, plan])
    world = build_world(scn, 1)
    world.run(20.0)
    log, pop = world.log, world.population
    first = log.first("targeted_round_ordered")
    assert first is not None
    # another positive of the same community (a neighbour of the first case)
    world.emit("lab_result_positive", "testing", "county_lab", str(int(first.details["case"]) + 1))
    world.run(scn.meta.duration_h)
    orders = log.of("targeted_round_ordered")
    assert len({e.entity for e in orders}) == len(orders)
    for order in orders:
        person = int(order.details["case"])
        community = pop.community_ids[int(pop.community[person])]
        assert order.entity == community
        assert log.first("lab_result_positive", entity=order.details["case"]).t == order.t
        starts = [e for e in log.of("mass_round_start") if e.entity.startswith(community + "-")]
        lo, hi = pop.community_range(int(pop.community[person]))
        assert len(starts) == 2 and all(e.details["covered"] == hi - lo for e in starts)
        assert all(
            e.details["scope"] == "targeted" and e.details["pool_size"] == 10 for e in starts
        )
        assert starts[0].t >= order.t and starts[1].t >= starts[0].t + 12


def test_a_large_test_request_is_one_pooled_round(flagship) -> None:
    """An inject's test request for more than ``pooled_above`` people is one pooled
    round of that group (``screening_ordered``), not one single tube each."""
    from sim.api import build_world
    from sim.scenario.injects import TestRequestEffect

    world = build_world(flagship, 2)
    world.run(1.0)
    inject = next(
        i for i in flagship.injects if any(isinstance(e, TestRequestEffect) for e in i.effects)
    )
    effect = next(e for e in inject.effects if isinstance(e, TestRequestEffect))
    world.msel.apply_effect(inject, effect.model_copy(update={"people": 3000}))
    world.run(20.0)
    order = world.log.first("screening_ordered")
    assert order is not None and order.details["people"] == 3000
    same_time = [e for e in world.log.of("test_requested") if e.t == order.t]
    assert not [e for e in same_time if e.subject == order.subject]
    start = world.log.first("mass_round_start", entity=inject.id)
    assert start.details["covered"] == 3000 and start.details["scope"] == "targeted"
    hours = world.log.of("mass_sampling_hour", entity=inject.id)
    assert hours and sum(e.details["tubes"] for e in hours) * 9 < hours[-1].details["cumulative"]
