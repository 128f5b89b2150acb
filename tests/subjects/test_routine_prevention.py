"""Routine prevention: explicit policy values and monotone transmission factors."""

from __future__ import annotations

import numpy as np

from sim.engine.world import World
from sim.subjects import routine_prevention
from tests.subjects.helpers import with_plan


def _install(scn, seed: int = 1) -> World:
    world = World(scn, seed)
    routine_prevention.install(world, scn.subjects.routine_prevention)
    return world


def test_policy_values_for_other_subjects(flagship) -> None:
    world = _install(flagship)
    p = flagship.subjects.routine_prevention
    assert world.policy.venue_code_share == p.venue_code_share
    expected = p.temperature_care_factor * p.fever_clinic_care_factor
    assert world.policy.care_seeking_factor == round(expected, 6)
    assert world.log.first("policy_in_force") is not None


def test_switching_policies_off(tmp_path) -> None:
    scn = with_plan(
        tmp_path,
        "policies-off",
        "subjects:\n  routine_prevention:\n    masks: false\n    venue_code: false\n"
        "    fever_clinics: false\n    temperature_checks: false\n    vaccination_coverage: 0\n",
    )
    world = _install(scn)
    assert world.policy.venue_code_share == 0.0
    assert world.policy.care_seeking_factor == 1.0
    people = np.arange(1000)
    for setting in ("household", "work", "venue", "community"):
        assert np.all(world.transmission_factor(people, setting) == 1.0)


def test_masks_and_vaccination_only_lower_transmission(flagship) -> None:
    world = _install(flagship)
    people = np.arange(20_000)
    venue = world.transmission_factor(people, "venue")
    household = world.transmission_factor(people, "household")
    assert np.all(venue <= household) and np.all(household <= 1.0)
    vaccinated = household < 1.0
    share = vaccinated.mean()
    assert abs(share - flagship.subjects.routine_prevention.vaccination_coverage) < 0.02


def test_key_occupations_screened_in_pools(flagship) -> None:
    from sim.api import build_world

    world = build_world(flagship, 2)
    world.env.run(until=60)
    screening = world.log.of("routine_screening")
    assert screening
    # the routine round's swabs go 20 to a tube (its results may still wait on the labs)
    hours = [e for e in world.log.of("mass_sampling_hour") if e.details["scope"] == "routine"]
    assert hours
    tubes = sum(e.details["tubes"] for e in hours)
    assert tubes * 15 < hours[-1].details["cumulative"]
