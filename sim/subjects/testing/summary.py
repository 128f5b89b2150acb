"""The ``mass_testing`` section of ``summary.json``, read from the event log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.subjects.base import rated_time

if TYPE_CHECKING:
    from sim.engine.log import EventLog
    from sim.scenario.model import Scenario


def summarize(scenario: Scenario, log: EventLog) -> dict[str, Any]:
    """Mass-testing rounds from the log: sampled, tubes, lab load, positives, completion.

    Lab turnaround (sample to result) is rated against 12 h (#58: outpatient ≤ 12 h).
    """
    rounds: dict[tuple[str, Any], dict[str, Any]] = {}
    for e in log.among("mass_round_start", "mass_sampling_done", "mass_round_complete"):
        key = (e.entity, e.details.get("day"))
        if e.kind == "mass_round_start":
            rounds[key] = {
                "id": e.entity,
                "scope": e.details["scope"],
                "day": e.details.get("day"),
                "started_h": round(e.t, 4),
                "covered": e.details["covered"],
                "missed": e.details["missed"],
                "pool_size": e.details["pool_size"],
                "groups": e.details["groups"],
                "sampled": 0,
                "tubes": 0,
                "positive_pools": 0,
                "sampling_done_h": None,
                "completed_h": None,
                "completion_h": None,
                "max_turnaround_h": None,
            }
        elif e.kind == "mass_sampling_done" and key in rounds:
            rounds[key]["sampling_done_h"] = round(e.t, 4)
        elif e.kind == "mass_round_complete" and key in rounds:
            r = rounds[key]
            r.update(
                sampled=e.details["sampled"],
                tubes=e.details["tubes"],
                positive_pools=e.details["positive_pools"],
                completed_h=round(e.t, 4),
                completion_h=round(e.t - r["started_h"], 4),
                max_turnaround_h=e.details["max_turnaround_h"],
            )
    labs: dict[str, dict[str, Any]] = {}
    turnaround = 0.0
    for e in log.of("lab_run"):
        row = labs.setdefault(
            e.agent, {"runs": 0, "tubes": 0, "single_tubes": 0, "peak_backlog": 0}
        )
        row["runs"] += 1
        row["tubes"] += e.details["tubes"]
        row["single_tubes"] += e.details.get("single_tubes", 0)
        row["peak_backlog"] = max(row["peak_backlog"], e.details["backlog"])
        turnaround = max(turnaround, e.details["turnaround_h"])
    testing = scenario.subject_params("testing")
    for spec in testing.mass.labs if testing is not None and testing.mass is not None else []:
        row = labs.setdefault(
            spec.agent, {"runs": 0, "tubes": 0, "single_tubes": 0, "peak_backlog": 0}
        )
        row["machines"] = spec.machines
        row["capacity_tubes_per_day"] = round(spec.tubes_per_day)
    county = [r for r in rounds.values() if r["scope"] == "county"]
    first = county[0]["completion_h"] if county else None
    retests = log.of("lab_result_positive", reason="pool_retest")
    return {
        "rounds": list(rounds.values()),
        "labs": labs,
        "positive_pools": len(log.of("pool_positive")),
        "cases_found": len({e.entity for e in retests}),
        "objectives": {
            "first_county_round_24h": rated_time(first, 24.0, scenario.ratings),
            "lab_turnaround_12h": rated_time(turnaround if labs else None, 12.0, scenario.ratings),
        },
    }
