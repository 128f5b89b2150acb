"""The second county's drill (seed 004): two unrelated chains, found, traced, moved, tested."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import load_scenario
from sim.api import run_drill

YICHENG = Path(__file__).resolve().parents[2] / "scenarios" / "yicheng-two-chains.yaml"


@pytest.mark.slow  # a whole 14-day run of a 310,000-resident county
def test_two_index_cases_found_differently_and_both_chains_worked() -> None:
    scn = load_scenario(YICHENG)
    result = run_drill(scn)
    log = result.log
    cases = {c["id"]: c for c in result.summary["index_cases"]}
    assert set(cases) == {"returnee", "nanliang_case"}
    assert cases["returnee"]["found_by"] == "arrival_test"
    assert cases["nanliang_case"]["found_by"] == "screening"
    # found by the premise's screening test at hour 26 (its result a few hours later),
    # even when a fever-clinic visit tested the person too early the day before
    assert 26 <= cases["nanliang_case"]["found_h"] <= 40
    arrivals = {e.details["index_case"]: e.entity for e in log.of("returnee_arrival")}
    # the returnee is handed over point to point from the checkpoint by the township
    assert log.of("arrival_quarantine", entity=arrivals["returnee"])
    for person in arrivals.values():
        assert log.of("lab_result_positive", entity=person)  # tested
        assert log.of("interview_start", entity=person)  # traced
        contacts = {e.entity for e in log.of("contact_identified") if e.details["source"] == person}
        assert contacts, "tracing names the index case's contacts"
        isolated = {e.entity for e in log.of("isolated")} & contacts
        assert len(isolated) >= 0.9 * len(contacts)  # and they are moved into quarantine
        tested = {e.entity for e in log.of("test_requested")} & contacts
        assert tested, "quarantined contacts are tested"
    # the village's positive orders a pooled round of its community
    assert any(e.details.get("scope") == "targeted" for e in log.of("mass_round_start"))
