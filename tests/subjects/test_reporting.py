"""Reporting: every positive is reported; the command activates once; daily reports."""

from __future__ import annotations

import pytest

from tests.subjects._runs import runs, short_and_full


@pytest.mark.parametrize(("length", "seeds"), short_and_full((12,), (2,)))
def test_every_positive_is_reported_and_confirmed_in_order(length, seeds) -> None:
    [result] = runs(length, seeds)
    log = result.log
    positives: dict[str, float] = {}
    for e in log.of("lab_result_positive"):
        positives.setdefault(e.entity, e.t)
    assert len(positives) > 1, "these seeds find cases in quarantine"
    for person, t in positives.items():
        chain = [
            log.first("direct_report", entity=person),
            log.first("report_verified", entity=person),
            log.first("case_confirmed", entity=person),
        ]
        assert all(e is not None for e in chain)
        times = [t] + [e.t for e in chain]
        assert times == sorted(times)


@pytest.mark.parametrize(("length", "seeds"), short_and_full((12,), (2,)))
def test_command_activates_once_press_conference_once(length, seeds) -> None:
    [result] = runs(length, seeds)
    log = result.log
    assert len(log.of("command_activated")) == 1
    assert len(log.of("press_conference")) == 1
    assert len(log.of("public_release")) == len(log.of("case_confirmed"))
    confirmed = [e.entity for e in log.of("case_confirmed")]
    assert len(confirmed) == len(set(confirmed))
    first = log.first("case_confirmed")
    assert log.first("command_activated").entity == first.entity
    received = log.of("report_received", agent="leading_group")
    assert {e.entity for e in received} == {e.entity for e in log.of("case_confirmed")}


@pytest.mark.parametrize(
    ("length", "seeds", "days"),
    [
        pytest.param("three-days", (12,), 2, id="three-days"),
        # seed 2: seven cases, none confirmed after the last 20:00 report
        pytest.param("flagship", (2,), 12, id="flagship", marks=pytest.mark.slow),
    ],
)
def test_daily_reports_at_the_hour_with_log_counts(length, seeds, days) -> None:
    """One report a day from the day the command is activated (``days`` at least)."""
    [result] = runs(length, seeds)
    scn = result.scenario
    d = scn.subject_params("reporting").daily_report
    log = result.log
    reports = log.of("daily_report")
    activated = log.first("command_activated").t
    start = scn.meta.start.hour
    assert len(reports) >= days
    for i, r in enumerate(reports):
        assert r.t > activated
        compiled_from = log.of("task_start", entity=r.entity, task="daily_report")[0].t
        assert round((start + compiled_from) % 24, 6) in (d.hour, 0.0 if d.hour == 24 else d.hour)
        confirmed_by_then = {e.entity for e in log.of("case_confirmed") if e.t <= r.t}
        assert r.details["cases"] == len(confirmed_by_then)
        assert r.details["zero"] == (r.details["new_cases"] == 0)
        if i:
            assert r.t - reports[i - 1].t > 20
    reported = {e.entity for e in log.of("case_confirmed") if e.t <= reports[-1].t}
    assert sum(r.details["new_cases"] for r in reports) == len(reported)
    if length == "flagship":  # the fourteen-day drill reports every case before it ends
        assert len(reported) == len(log.of("case_confirmed"))
