"""Conservation: every touched person ends in exactly one state; causes precede effects."""

from __future__ import annotations

import pytest

from sim.engine.log import EventLog
from sim.network.conservation import STATES, final_states, touched, violations
from tests.subjects._runs import run, runs

SHARED_RUNS = [
    *((seed, ()) for seed in (1, 2, 3, 4)),
    *((seed, ("half-vehicles",)) for seed in (1, 2, 3)),
    *((seed, ("no-second-site",)) for seed in (1, 3)),
]
"""The cached runs the subject tests assert on (see ``_runs``): checking each of them
costs no extra simulation, and each is a full flagship run with 500–1,300 contacts,
imported cases from the checkpoints and rooms that fill, empty and refill."""
SHORT_RUNS = [(7, ()), (8, ()), (7, ("no-second-site",))]
"""Three-day runs (the fast tier): cases, zones, rooms that fill and home quarantine."""
CASES = [
    *(
        pytest.param("three-days", s, p, id=f"three-days-{s}-{'+'.join(p) or 'base'}")
        for s, p in SHORT_RUNS
    ),
    *(
        pytest.param("flagship", s, p, id=f"{s}-{'+'.join(p) or 'base'}", marks=pytest.mark.slow)
        for s, p in SHARED_RUNS
    ),
]


@pytest.mark.parametrize(("length", "seed", "plans"), CASES)
def test_exactly_one_state_and_no_effect_before_its_cause(
    length: str, seed: int, plans: tuple
) -> None:
    [result] = runs(length, (seed,), *plans)
    log = result.log
    states = final_states(log)
    people = touched(log)
    assert set(states) == people
    assert all(s in STATES for s in states.values())
    assert violations(log, result.scenario) == []
    # every identified contact is accounted for: placed, released, in hospital or waiting
    for e in log.of("contact_identified"):
        assert states[e.entity] not in ("missed_in_community", "wrong_entry", "unreachable")


def _log(*rows: tuple) -> EventLog:
    log = EventLog()
    for t, kind, entity, details in rows:
        log.append(t, kind, "test", "", entity, **details)
    return log


def test_checker_catches_a_double_placement() -> None:
    log = _log(
        (0, "contact_exposed", "7", {"source": "1", "setting": "household"}),
        (1, "contact_identified", "7", {"source": "1", "stage": "core", "role": "close_contact"}),
        (2, "transfer_requested", "7", {}),
        (3, "isolated", "7", {"mode": "central_quarantine", "site": "a"}),
        (4, "isolated", "7", {"mode": "home_quarantine", "site": ""}),
    )
    assert any("while central_quarantine" in v for v in violations(log))


def test_checker_catches_effect_before_cause() -> None:
    log = _log(
        (1, "contact_identified", "7", {"source": "1", "stage": "core", "role": "close_contact"}),
        (2, "contact_exposed", "7", {"source": "1", "setting": "household"}),
        (3, "isolated", "8", {"mode": "central_quarantine", "site": "a"}),
        (4, "admitted", "9", {"severity": "mild", "bed": "bed-1"}),
        (5, "discharged", "9", {"bed": "bed-1"}),
    )
    problems = violations(log)
    assert any("identified before exposed" in v for v in problems)
    assert any("isolated of 8 before any transfer_requested" in v for v in problems)
    assert any("admitted of 9 before any direct_report" in v for v in problems)
    assert final_states(log) == {
        "7": "awaiting_transfer",
        "8": "central_quarantine",
        "9": "discharged",
    }


@pytest.mark.slow  # a full flagship run
def test_known_run_states() -> None:
    states = final_states(run(1).log).values()
    assert "released" in states and "home_monitoring" in states
