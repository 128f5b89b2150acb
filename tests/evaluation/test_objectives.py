"""Objectives measured from hand-written logs: censored quantiles, end-to-end clocks per
index case, count objectives, and the old ``local`` key."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import sim.language  # noqa: F401  -- declares every subject's event kinds
from sim import load_scenario
from sim.engine.log import EventLog
from sim.evaluation.objectives import (
    aggregate,
    by_start,
    censored_quantile,
    judged,
    measure,
    spans,
    tally,
)
from sim.scenario.schema import Count, Measure, Objective, Ratings
from sim.scenario.source import ScenarioWarning
from tests.conftest import ROOT


def _contacts(log: EventLog, done: dict[str, float | None]) -> None:
    """Contacts identified at hour 0, isolated at the given hour (None: still waiting)."""
    for person, at in done.items():
        log.append(
            0.0, "contact_identified", "tracing", "", person, source="case", role="close_contact"
        )
        if at is not None:
            log.append(at, "isolated", "transfer_isolation", "", person, mode="home_quarantine")


def test_a_quantile_counts_people_still_on_their_way_as_not_yet_done() -> None:
    log = EventLog()
    _contacts(log, {"a": 1.0, "b": 2.0, "c": 3.0, "d": None})
    median = Measure.model_validate(
        {"start": "contact_identified", "end": "isolated", "per": "entity", "agg": "median"}
    )
    # the median of 1, 2, 3 and "not yet" is 2.5: reached, although d never was
    assert measure(log, median) == pytest.approx(2.5)
    assert measure(log, median.model_copy(update={"agg": "max"})) is None
    assert measure(log, median.model_copy(update={"agg": "p90"})) is None
    assert censored_quantile([1.0, None, None, None], 50) is None
    assert censored_quantile([4.0, 1.0, 2.0], 50) == 2.0


def test_end_to_end_runs_from_each_index_case_to_its_own_contacts() -> None:
    log = EventLog()
    for case, positive in (("i1", 1.0), ("i2", 10.0)):
        log.append(positive, "lab_result_positive", "testing", "", case)
    # i1 names x and s; s (traced as i1's contact) tests positive later and names y
    log.append(2.0, "contact_identified", "tracing", "", "x", source="i1", role="close_contact")
    log.append(2.0, "contact_identified", "tracing", "", "s", source="i1", role="close_contact")
    log.append(12.0, "contact_identified", "tracing", "", "z", source="i2", role="close_contact")
    log.append(20.0, "lab_result_positive", "testing", "", "s")
    log.append(21.0, "contact_identified", "tracing", "", "y", source="s", role="close_contact")
    for person, at in (("x", 5.0), ("s", 9.0), ("z", 30.0), ("y", 22.0)):
        log.append(at, "isolated", "transfer_isolation", "", person, mode="home_quarantine")
    m = Measure.model_validate(
        {
            "start": "lab_result_positive",
            "unless": "contact_identified",
            "through": {"kind": "contact_identified", "link": "source"},
            "end": "isolated",
            "per": "entity",
            "agg": "max",
        }
    )
    # x: 5 - 1, s: 9 - 1, z: 30 - 10; y belongs to s, a traced contact, not an index case
    assert measure(log, m) == pytest.approx(20.0)
    assert measure(log, m.model_copy(update={"agg": "median"})) == pytest.approx(8.0)


def test_count_objectives_count_entities_or_sum_and_max_a_detail() -> None:
    log = EventLog()
    for person in ("p1", "p2", "p2"):
        log.append(3.0, "risk_arrival_leaked", "traffic_control", "", person, checkpoint="g")
    for hours in (4.0, 13.5):
        log.append(5.0, "lab_run", "testing", "lab", "run", turnaround_h=hours, tubes=10)
    assert tally(log, Count(kind="risk_arrival_leaked")) == 2
    assert tally(log, Count(kind="lab_run", agg="max", field="turnaround_h")) == 13.5
    assert tally(log, Count(kind="lab_run", agg="sum", field="tubes")) == 20
    ratings = Ratings()
    assert ratings.rate(0, 0) == "P"
    assert ratings.rate(1, 0) == "U"  # a standard of 0 leaves no room
    assert ratings.rate(14.0, 12.0) == "S"


def test_an_objective_is_a_time_or_a_count_never_both() -> None:
    base = {"id": "x", "subject": "traffic_control", "title": {"zh": "x", "en": "x"}, "source": "s"}
    count = {
        "count": {"kind": "risk_arrival_leaked"},
        "standard": 0,
        "unit": {"zh": "人", "en": "people"},
    }
    assert not Objective.model_validate(base | count).is_time
    for bad in (
        base,
        base | count | {"standard_h": 2},
        base | {"measure": {"start": "a", "end": "b"}, "standard": 2},
        base | {"count": {"kind": "lab_run", "agg": "max"}, "standard": 1, "unit": count["unit"]},
    ):
        with pytest.raises(ValueError):
            Objective.model_validate(bad)


def test_the_old_local_key_still_works_with_a_located_warning(tmp_path: Path) -> None:
    text = (ROOT / "scenarios" / "jiangxian-returnee.yaml").read_text(encoding="utf-8")
    old = tmp_path / "old.yaml"
    old.write_text(text.replace("unsourced: true", "local: true"), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scn = load_scenario(old)
    notes = [str(w.message) for w in caught if issubclass(w.category, ScenarioWarning)]
    located = [n for n in notes if re.search(r"old\.yaml:\d+: objectives\[\d+\]\.local: dep", n)]
    assert len(located) == text.count("unsourced: true"), notes
    assert [o.id for o in scn.objectives if o.unsourced] == [
        o.id
        for o in load_scenario(ROOT / "scenarios" / "jiangxian-returnee.yaml").objectives
        if o.unsourced
    ]


def test_an_end_to_end_objective_is_also_given_per_index_case() -> None:
    log = EventLog()
    for case, positive in (("i1", 1.0), ("i2", 10.0)):
        log.append(positive, "lab_result_positive", "testing", "", case)
    for person, case, isolated in (("x", "i1", 5.0), ("w", "i1", None), ("z", "i2", 30.0)):
        log.append(positive, "contact_identified", "tracing", "", person, source=case)
        if isolated is not None:
            log.append(
                isolated, "isolated", "transfer_isolation", "", person, mode="home_quarantine"
            )
    m = Measure.model_validate(
        {
            "start": "lab_result_positive",
            "through": {"kind": "contact_identified", "link": "source"},
            "end": "isolated",
            "per": "entity",
        }
    )
    found = spans(log, m)
    assert found is not None
    assert by_start(found, "max") == [
        {"entity": "i1", "achieved_h": None, "entities": 2, "unreached": 1},
        {"entity": "i2", "achieved_h": 20.0, "entities": 1, "unreached": 0},
    ]


def test_the_report_gives_each_case_its_own_end_to_end_time(flagship) -> None:
    from sim.api import scenario_snapshot
    from sim.report.aar import observation
    from sim.report.names import Names

    log = EventLog()
    for person in ("11", "22"):
        log.append(1.0, "lab_result_positive", "testing", "", person)
        log.append(2.0, "case_confirmed", "reporting", "", person)
    row = {
        "kind": "time",
        "title": {"zh": "端到端", "en": "end to end"},
        "unit": {"zh": "小时", "en": "h"},
        "standard": 24.0,
        "achieved": 30.0,
        "standard_h": 24.0,
        "achieved_h": 30.0,
        "rating": "M",
        "by_start": [
            {"entity": "11", "achieved_h": 12.5, "entities": 3, "unreached": 0},
            {"entity": "22", "achieved_h": 30.0, "entities": 4, "unreached": 0},
        ],
    }
    names = Names(scenario_snapshot(flagship), log, "en")
    text = observation(row, [], names, "en")
    assert text.endswith("By case: case 1 12.5 h (3 measured); case 2 30.0 h (4 measured).")


def test_a_maximum_leaves_out_who_is_on_the_way_but_not_yet_late() -> None:
    """Contacts identified at 0, 20 and 34 h of a 36 h run, the last two still waiting:
    with a 12 h standard the one identified at 34 h is not late and is left out; the one
    at 20 h is 4 h past its standard at the end, so not every contact was isolated in time."""
    m = Measure.model_validate(
        {"start": "contact_identified", "end": "isolated", "per": "entity", "agg": "max"}
    )
    log = EventLog()
    for person, at in (("a", 0.0), ("b", 20.0), ("c", 34.0)):
        log.append(at, "contact_identified", "tracing", "", person)
    log.append(5.0, "isolated", "transfer_isolation", "", "a", mode="home_quarantine")
    found = spans(log, m)
    assert found is not None
    assert set(judged(found, "max", 36.0, 12.0)) == {"a", "b"}
    assert aggregate(list(judged(found, "max", 36.0, 12.0).values()), "max") is None
    assert judged(found, "max", 36.0, 48.0) == {"a": 5.0}  # nobody late with 48 h
    assert len(judged(found, "median", 36.0, 12.0)) == 3  # quantiles keep everyone
