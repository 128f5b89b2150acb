"""Data verification: push lists in batches, verified entry by entry by grid workers."""

from __future__ import annotations

from collections import Counter

import pytest

from sim import ScenarioError, load_scenario
from sim.api import FLAGSHIP
from tests.subjects._runs import plan_file, run, runs, scenario, short_and_full


@pytest.mark.parametrize(("length", "seeds"), short_and_full((12,), (4,)))
def test_batches_arrive_after_confirmation_and_every_entry_is_checked(length, seeds) -> None:
    [result] = runs(length, seeds)
    log = result.log
    confirmed = log.first("case_confirmed").t
    batches = log.of("data_push_received")
    p = result.scenario.subject_params("data_verification")
    assert {b.details["source"] for b in batches} == {b.source for b in p.batches}
    end = result.scenario.meta.duration_h
    for b in batches:
        assert b.t > confirmed
        entries = [e for e in log.of("push_entry_verified") if e.details["batch"] == b.entity]
        if b.t > end - 24:  # a list arriving on the last day may outlast the drill
            assert len(entries) <= b.details["size"]
            continue
        assert len(entries) == b.details["size"]
        assert all(e.t >= b.t and e.agent == p.verifiers for e in entries)
        done = log.first("push_list_verified", entity=b.entity)
        counts = Counter(e.details["outcome"] for e in entries)
        assert done.t == max(e.t for e in entries)
        assert {k: done.details[k] for k in counts} == dict(counts)


@pytest.mark.slow  # three full flagship runs
def test_outcome_shares_and_routes() -> None:
    outcomes: Counter[str] = Counter()
    for seed in (1, 2, 3):
        log = run(seed).log
        entries = log.of("push_entry_verified")
        outcomes.update(e.details["outcome"] for e in entries)
        codes = {e.entity for e in log.of("health_code_assigned")}
        for e in entries:
            if e.details["outcome"] == "verified" and e.details["route"] == "health_code":
                assert e.entity in codes
    total = sum(outcomes.values())
    p = scenario().subject_params("data_verification")
    assert total > 300
    assert abs(outcomes["wrong"] / total - p.wrong_share) < 0.04
    assert abs(outcomes["unreachable"] / total - p.unreachable_share) < 0.04


@pytest.mark.parametrize(("length", "seeds"), short_and_full((12,), (1,)))
def test_push_lists_feed_tracing_and_transfer_load(length, seeds) -> None:
    """Most of the transfer load comes from verified push entries (#16)."""
    [result] = runs(length, seeds)
    log = result.log
    by_stage = Counter(e.details["stage"] for e in log.of("contact_identified"))
    assert by_stage["data_push"] > by_stage["core"] + by_stage["full"]
    verified = {e.entity for e in log.of("push_entry_verified", outcome="verified")}
    for e in log.of("contact_identified", stage="data_push"):
        assert e.entity in verified


@pytest.mark.slow  # two full flagship runs
def test_more_wrong_entries_fewer_contacts(tmp_path) -> None:
    plan = plan_file(tmp_path, "bad-data", "subjects: {data_verification: {wrong_share: 0.6}}\n")
    worse = load_scenario(FLAGSHIP, [plan])
    from sim.api import run_drill

    a = len(run(1).log.of("contact_identified", stage="data_push"))
    b = len(run_drill(worse, 1).log.of("contact_identified", stage="data_push"))
    assert b < a


def test_work_only_through_responsible_agents(tmp_path) -> None:
    plan = plan_file(
        tmp_path, "wrong-agent", "subjects: {data_verification: {verifiers: testing_tf}}\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(FLAGSHIP, [plan])
    assert any(
        "not responsible" in p.message and p.path == "subjects.data_verification.verifiers"
        for p in err.value.problems
    )
