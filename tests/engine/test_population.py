"""Population arrays: reproducible, contiguous, and compact."""

from __future__ import annotations

import numpy as np

from sim.engine.population import Population
from sim.engine.rng import Streams


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
