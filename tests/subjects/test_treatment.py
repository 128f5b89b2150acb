"""Treatment: ambulance to the designated hospital, beds, severity, admission isolates."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pytest

from sim import load_scenario
from sim.api import FLAGSHIP, build_world, run_drill
from tests.subjects._runs import plan_file, runs, scenario, short_and_full, short_scenario


@pytest.mark.parametrize(("length", "seeds"), short_and_full((12,), (2,)))
def test_every_positive_admitted_once_after_its_report(length, seeds) -> None:
    [result] = runs(length, seeds)
    log = result.log
    positives = {e.entity for e in log.of("lab_result_positive")}
    admitted = [e.entity for e in log.of("admitted")]
    assert sorted(admitted) == sorted(positives)
    for person in positives:
        report = log.first("direct_report", entity=person)
        amb = log.first("ambulance_dispatched", entity=person)
        adm = log.first("admitted", entity=person)
        assert report.t <= amb.t <= adm.t
        assert adm.agent == result.scenario.subject_params("treatment").hospital


@pytest.mark.parametrize(("length", "seeds"), short_and_full((12,), (2,)))
def test_admission_sets_isolated(length, seeds) -> None:
    scn = short_scenario() if length == "three-days" else scenario()
    world = build_world(scn, *seeds)
    world.env.run(until=scn.meta.duration_h)
    for e in world.log.of("admitted"):
        assert int(e.entity) in world.isolated
        assert world.isolated[int(e.entity)] <= e.t


@pytest.mark.slow  # a full flagship run
def test_one_ambulance_one_bed_make_patients_wait(tmp_path) -> None:
    plan = plan_file(tmp_path, "scarce", "subjects: {treatment: {ambulances: 1, beds: 1}}\n")
    scarce = load_scenario(FLAGSHIP, [plan])
    log = run_drill(scarce, 2).log
    admitted = log.of("admitted")
    discharged = log.of("discharged")
    # one bed: a patient is admitted only after the previous one left
    for a, b in pairwise(admitted):
        assert any(d.t <= b.t for d in discharged if d.entity == a.entity)
    assert log.of("beds_full")


@pytest.mark.slow  # a full flagship run
def test_severity_shares_are_scenario_data(tmp_path) -> None:
    plan = plan_file(
        tmp_path,
        "all-severe",
        "subjects: {treatment: {severity: {mild: 0, moderate: 0, severe: 1, critical: 0}}}\n",
    )
    log = run_drill(load_scenario(FLAGSHIP, [plan]), 2).log
    assert Counter(e.details["severity"] for e in log.of("admitted")) == Counter(
        {"severe": len(log.of("admitted"))}
    )
