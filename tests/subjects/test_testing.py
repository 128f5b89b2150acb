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


def test_single_tube_staff_time_is_hands_on_only(flagship) -> None:
    from sim.api import build_world

    world = build_world(flagship, 6)
    world.env.run(until=24)
    person = str(world.returnee)
    start = world.log.first("task_start", entity=person, task="lab_run")
    end = world.log.first("task_end", entity=person, task="lab_run")
    result = world.log.first("lab_result_positive", entity=person)
    hands_on = flagship.subjects.testing.individual.hands_on_time
    assert end.t - start.t == pytest.approx(hands_on)
    assert result.t >= end.t


def test_three_day_run_tests_cases_singly_and_the_county_in_pools(flagship) -> None:
    """The flagship's first three days end to end (fast tier): every positive result
    follows its sample, every confirmed case has one, and the first county round
    samples each covered resident or counts them missed, ten to a tube at most."""
    from tests.subjects._runs import short_run

    result = short_run(7)
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
    assert county["sampled"] + county["missed"] == county["covered"]
    assert county["tubes"] * 9 < county["sampled"] <= county["tubes"] * 10
    done = {(e.entity, e.details["day"]): e for e in log.of("mass_round_complete")}
    assert len(done) >= 2
    for r in summary["rounds"]:
        if (r["id"], r["day"]) in done:
            e = done[r["id"], r["day"]]
            assert (r["sampled"], r["tubes"]) == (e.details["sampled"], e.details["tubes"])
            assert r["completed_h"] == round(e.t, 4)
