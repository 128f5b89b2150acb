"""Tracing: core then full trajectory; close contacts by setting; secondary contacts."""

from __future__ import annotations

from collections import Counter

from sim.api import FLAGSHIP, run_drill
from sim.scenario import load_scenario
from tests.subjects._runs import plan_file, run, scenario

ZERO = "household: 0, work: 0, venue: 0, transport: 0, community: 0"


def test_each_person_identified_once_and_after_the_interview() -> None:
    for seed in (1, 2):
        log = run(seed).log
        ids = [e.entity for e in log.of("contact_identified")]
        assert len(ids) == len(set(ids))
        for e in log.of("contact_identified", stage="core"):
            assert e.t >= log.first("core_info", entity=e.details["source"]).t
        for e in log.of("contact_identified", stage="full"):
            assert e.t >= log.first("full_trajectory", entity=e.details["source"]).t


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


def test_missed_contacts_stay_in_the_community(tmp_path) -> None:
    """With nothing found by interview, true contacts are only found through push lists."""
    plan = plan_file(
        tmp_path,
        "blind",
        f"subjects:\n  tracing:\n    find_core: {{{ZERO}}}\n    find_full: {{{ZERO}}}\n"
        "    venue_code_scan: 0\n",
    )
    log = run_drill(load_scenario(FLAGSHIP, [plan]), 4).log
    stages = {e.details["stage"] for e in log.of("contact_identified")}
    assert not stages & {"core", "full"}
    exposed = {e.entity for e in log.of("contact_exposed")}
    identified = {e.entity for e in log.of("contact_identified")}
    assert exposed - identified, "some true contacts must stay missed"


def test_venue_codes_raise_the_venue_find_chance(tmp_path) -> None:
    found = {}
    for scan in (0.0, 1.0):
        plan = plan_file(
            tmp_path, f"scan{int(scan)}", f"subjects: {{tracing: {{venue_code_scan: {scan}}}}}\n"
        )
        scn = load_scenario(FLAGSHIP, [plan])
        n = 0
        for seed in (4, 2, 3):
            log = run_drill(scn, seed).log
            n += len(log.of("contact_identified", setting="venue", stage="full"))
        found[scan] = n
    assert found[1.0] > found[0.0]
