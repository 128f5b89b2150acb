"""Tracing: core then full trajectory; close contacts by setting; secondary contacts."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import load_scenario
from sim.api import FLAGSHIP, run_drill
from sim.engine.world import World
from sim.subjects.registry import REGISTRY
from sim.subjects.tracing import poisson_quantile
from tests.subjects._runs import plan_file, run, runs, scenario, short_and_full

ZERO = "household: 0, work: 0, venue: 0, transport: 0, community: 0"


@pytest.mark.parametrize(("length", "seeds"), short_and_full((7, 8), (1, 2)))
def test_each_person_identified_once_and_after_the_interview(length, seeds) -> None:
    for result in runs(length, seeds):
        log = result.log
        ids = [e.entity for e in log.of("contact_identified")]
        assert len(ids) == len(set(ids))
        for e in log.of("contact_identified", stage="core"):
            assert e.t >= log.first("core_info", entity=e.details["source"]).t
        for e in log.of("contact_identified", stage="full"):
            assert e.t >= log.first("full_trajectory", entity=e.details["source"]).t


@pytest.mark.slow  # four full flagship runs
def test_secondary_contacts_about_the_scenario_ratio() -> None:
    ratio = scenario().subject_params("tracing").secondary.ratio
    roles: Counter[str] = Counter()
    for seed in (1, 2, 3, 4):
        log = run(seed).log
        roles.update(e.details["role"] for e in log.of("contact_identified"))
        close = {e.entity for e in log.of("contact_identified", role="close_contact")}
        for e in log.of("contact_identified", role="secondary_contact"):
            assert e.details["source"] in close
    observed = roles["secondary_contact"] / roles["close_contact"]
    assert 0.7 * ratio < observed < 1.2 * ratio


@pytest.mark.slow  # a full flagship run
def test_missed_contacts_stay_in_the_community(tmp_path) -> None:
    """With nothing found by interview, true contacts are only found through push lists."""
    plan = plan_file(
        tmp_path,
        "blind",
        f"subjects:\n  tracing:\n    find_core: {{{ZERO}}}\n    find_full: {{{ZERO}}}\n"
        "    venue_code_scan: 0\n  routine_prevention:\n    venue_code: false\n",
    )
    log = run_drill(load_scenario(FLAGSHIP, [plan]), 2).log
    stages = {e.details["stage"] for e in log.of("contact_identified")}
    assert not stages & {"core", "full"}
    exposed = {e.entity for e in log.of("contact_exposed")}
    identified = {e.entity for e in log.of("contact_identified")}
    assert exposed - identified, "some true contacts must stay missed"


def _venue_found(tmp_path, name: str, body: str, n: int = 300) -> set[str]:
    """Venue contacts of one confirmed case that tracing names, under plan ``body``.

    Only routine prevention (if the plan keeps it) and tracing (without the
    secondary search, which would name some of them first) run, on ``n``
    synthetic venue contacts: with the integrated epidemic the returnee is isolated
    within hours and rarely meets anyone at a venue, so real runs cannot show it.
    """
    no_secondary = plan_file(tmp_path, "no-secondary", "subjects: {tracing: {secondary: null}}\n")
    scn = load_scenario(FLAGSHIP, [no_secondary, plan_file(tmp_path, name, body)])
    world = World(scn, 1)
    for subject in ("routine_prevention", "tracing"):
        params = scn.subject_params(subject)
        if params is not None:
            world.subjects[subject] = REGISTRY[subject].install(world, params)
    case = 7
    for person in range(1000, 1000 + n):
        world.emit("contact_exposed", "epidemic", "", person, source=str(case), setting="venue")
    world.emit("case_confirmed", "reporting", "", case)
    world.env.run(until=120)
    assert world.log.first("full_trajectory", entity=str(case)) is not None
    return {
        e.entity
        for e in world.log.of("contact_identified", setting="venue")
        if e.details["stage"] in ("core", "full")
    }


def test_venue_codes_raise_the_venue_find_chance(tmp_path) -> None:
    """The routine-prevention venue-code share decides; tracing's own knob is the fallback."""
    n = 300
    off = _venue_found(
        tmp_path, "codes-off", "subjects: {routine_prevention: {venue_code: false}}\n"
    )
    assert 0.55 * n < len(off) < 0.85 * n  # find_full venue 0.7 of the flagship
    full = "subjects: {routine_prevention: {venue_code: true, venue_code_share: 1.0}}\n"
    everyone = _venue_found(tmp_path, "codes-all", full)
    assert len(everyone) == n and off < everyone  # common random numbers: only additions
    # tracing.venue_code_scan no longer matters while routine prevention is in force
    ignored = "subjects: {routine_prevention: {venue_code: false}, tracing: {venue_code_scan: 1}}\n"
    assert _venue_found(tmp_path, "scan-ignored", ignored) == off
    # without routine prevention, tracing's own share is used
    alone = "subjects: {routine_prevention: null, tracing: {venue_code_scan: 1}}\n"
    assert _venue_found(tmp_path, "scan-alone", alone) == everyone


@given(u=st.floats(1e-12, 1 - 1e-12), mu=st.floats(1e-3, 50.0))
def test_poisson_quantile_is_scipys(u: float, mu: float) -> None:
    from scipy.stats import poisson

    assert poisson_quantile(u, mu) == int(poisson.ppf(u, mu))
