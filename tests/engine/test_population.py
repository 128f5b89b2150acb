"""Population arrays: reproducible, contiguous, and compact."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from sim.engine.population import Population
from sim.engine.rng import Streams
from sim.scenario.schema import Region


def _build(flagship, seed: int = 1) -> Population:
    return Population.build(flagship.region, Streams(seed).gen("population"))


def test_every_resident_is_a_row(flagship) -> None:
    pop = _build(flagship)
    assert pop.size == flagship.region.population
    for arr in (pop.township, pop.community, pop.household, pop.compound, pop.zone, pop.tests):
        assert arr.shape == (pop.size,)
    assert pop.zone.dtype == np.int8 and pop.community.dtype == np.int32


def test_same_seed_same_households(flagship) -> None:
    a, b, c = _build(flagship, 5), _build(flagship, 5), _build(flagship, 6)
    assert np.array_equal(a.household, b.household)
    assert np.array_equal(a.compound, b.compound)
    assert not np.array_equal(a.household, c.household)


def test_households_and_compounds_nest_in_communities(flagship) -> None:
    pop = _build(flagship)
    # Each household and each compound lies in exactly one community, contiguously.
    for key in (pop.household, pop.compound):
        assert np.all(np.diff(key) >= 0)
        first = np.concatenate([[True], np.diff(key) != 0])
        assert np.unique(key[first]).size == first.sum()
        starts = np.flatnonzero(first)
        ends = np.concatenate([starts[1:], [pop.size]]) - 1
        assert np.array_equal(pop.community[starts], pop.community[ends])
    # A compound is an index range whose residents all carry its number.
    for c in (0, 7, int(pop.compound[-1])):
        lo, hi = pop.compound_range(c)
        assert hi > lo and np.all(pop.compound[lo:hi] == c)


def test_household_members_share_the_household(flagship) -> None:
    pop = _build(flagship)
    members = pop.household_members(1234)
    assert 1234 not in members
    assert np.all(pop.household[members] == pop.household[1234])


def _region(**community: object) -> Region:
    """A two-township region whose first community carries ``community``'s extra keys."""
    return Region.model_validate(
        {
            "name": {"zh": "县", "en": "County"},
            "population": 9000,
            "household_size": {"dist": "fixed", "value": 3},
            "townships": {
                "a": {
                    "name": {"zh": "甲镇", "en": "A"},
                    "communities": {
                        "x": {"name": {"zh": "甲", "en": "X"}, "population": 6000, **community}
                    },
                },
                "b": {
                    "name": {"zh": "乙镇", "en": "B"},
                    "household_size": {"dist": "fixed", "value": 1},
                    "communities": {"y": {"name": {"zh": "乙", "en": "Y"}, "population": 3000}},
                },
            },
        }
    )


def test_declared_compounds_take_their_households_in_order() -> None:
    """Explicit compounds hold their declared households first, with their grid workers;
    households beyond them form blocks of 250."""
    compounds = {
        "lvyuan": {
            "name": {"zh": "绿苑小区", "en": "Lvyuan"},
            "households": 300,
            "grid_workers": 12,
        },
        "east": {"name": {"zh": "东区", "en": "East"}, "households": 100, "grid_workers": 3},
    }
    pop = Population.build(_region(compounds=compounds), Streams(1).gen("population"))
    lvyuan, east = pop.compound_ids["a/x/lvyuan"], pop.compound_ids["a/x/east"]
    for k, households in ((lvyuan, 300), (east, 100)):
        lo, hi = pop.compound_range(k)
        assert np.unique(pop.household[lo:hi]).size == households
        assert hi - lo == 3 * households  # households of three (the region's size)
    assert pop.compound_grid_workers[lvyuan] == 12 and pop.compound_grid_workers[east] == 3
    # 2,000 households: 400 declared, then blocks of 250 (default blocks have no grid workers)
    community_x = pop.compound[pop.community == 0]
    assert np.unique(community_x).size == 2 + 1600 // 250 + 1
    assert np.all(pop.compound_grid_workers[2 : np.unique(community_x).size] == -1)
    assert pop.community_grid_workers[0] == 0  # none declared beyond the compounds'


def test_household_size_per_township() -> None:
    """A township's own household size applies to its residents only."""
    pop = Population.build(_region(), Streams(1).gen("population"))
    a, b = pop.township == 0, pop.township == 1
    assert np.unique(pop.household[a]).size == 2000  # 6,000 residents in households of 3
    assert np.unique(pop.household[b]).size == 3000  # 3,000 residents living alone


def test_compounds_cannot_hold_more_households_than_residents() -> None:
    big = {"k": {"name": {"zh": "大", "en": "Big"}, "households": 7000}}
    with pytest.raises(ValidationError, match="more than the 6000 residents"):
        _region(compounds=big)
