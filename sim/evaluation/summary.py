"""The run summary (``summary.json``): every figure computed from the event log."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from typing import Any

from sim.engine.log import EventLog
from sim.evaluation.objectives import evaluate
from sim.scenario.model import Scenario


def agent_load(scenario: Scenario, log: EventLog, duration_h: float) -> dict[str, dict[str, Any]]:
    """Per agent: tasks done, busy staff-hours, utilisation and the longest queue wait.

    A task's end is paired with the earliest unpaired start of the same agent,
    entity and task; every end follows its start in the log, so all starts can
    be read first and then all ends, each kind from its own index.
    """
    started: defaultdict[tuple[str, str, str], deque[float]] = defaultdict(deque)
    load = {aid: {"tasks": 0, "busy_h": 0.0, "max_wait_h": 0.0} for aid in scenario.agents}
    for e in log.of("task_start"):
        started[(e.agent, e.entity, e.details["task"])].append(e.t)
        row = load[e.agent]
        row["max_wait_h"] = max(row["max_wait_h"], e.details["wait_h"])
    for e in log.of("task_end"):
        t0 = started[(e.agent, e.entity, e.details["task"])].popleft()
        row = load[e.agent]
        row["tasks"] += 1
        row["busy_h"] += e.t - t0
    for aid, row in load.items():
        staff_h = scenario.agents[aid].staff * duration_h
        row["utilisation"] = round(row["busy_h"] / staff_h, 6) if staff_h else 0.0
        row["busy_h"] = round(row["busy_h"], 4)
        row["max_wait_h"] = round(row["max_wait_h"], 4)
    return load


def summarize(scenario: Scenario, log: EventLog, seed: int) -> dict[str, Any]:
    """The machine-readable result of one replication."""
    duration = scenario.meta.duration_h
    infections = log.of("infection")
    isolated = log.of("isolated")
    identified = {e.entity for e in log.of("contact_identified")}
    modes = Counter(e.details["mode"] for e in isolated)
    return {
        "scenario": scenario.meta.id,
        "title": {"zh": scenario.meta.title.zh, "en": scenario.meta.title.en},
        "plans": [p.id for p in scenario.applied_plans],
        "seed": seed,
        "start": scenario.meta.start.isoformat(),
        "duration_h": duration,
        "events": len(log),
        "infections": {
            "total": len(infections),
            "by_setting": dict(sorted(Counter(e.details["setting"] for e in infections).items())),
        },
        "contacts": {
            "exposed": len(log.of("contact_exposed")),
            "identified": len(identified),
            "isolated": sum(1 for e in isolated if e.entity in identified),
            "central_quarantine": modes.get("central_quarantine", 0),
            "home_quarantine": modes.get("home_quarantine", 0),
        },
        "agents": agent_load(scenario, log, duration),
        "objectives": evaluate(scenario, log),
        **_county_sections(scenario, log),
    }


def _county_sections(scenario: Scenario, log: EventLog) -> dict[str, Any]:
    """Sections of the county-scale subjects, present when the subject ran."""
    out: dict[str, Any] = {}
    if log.first("mass_round_start") is not None:
        out["mass_testing"] = mass_testing_summary(scenario, log)
    if log.first("zone_delineated") is not None:
        out["zones"] = zones_summary(scenario, log)
    if log.first("checkpoint_interval") is not None:
        out["checkpoints"] = checkpoints_summary(scenario, log)
    if log.first("policy_in_force") is not None:
        out["routine_prevention"] = routine_prevention_summary(log)
    return out


def _rated(achieved: float | None, standard: float, scenario: Scenario) -> dict[str, Any]:
    from sim.evaluation.objectives import rate

    return {
        "standard_h": standard,
        "achieved_h": None if achieved is None else round(achieved, 4),
        "rating": rate(achieved, standard, scenario.ratings),
    }


def mass_testing_summary(scenario: Scenario, log: EventLog) -> dict[str, Any]:
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
        row = labs.setdefault(e.agent, {"runs": 0, "tubes": 0, "peak_backlog": 0})
        row["runs"] += 1
        row["tubes"] += e.details["tubes"]
        row["peak_backlog"] = max(row["peak_backlog"], e.details["backlog"])
        turnaround = max(turnaround, e.details["turnaround_h"])
    testing = scenario.subject_params("testing")
    for spec in testing.mass.labs if testing is not None and testing.mass is not None else []:
        row = labs.setdefault(spec.agent, {"runs": 0, "tubes": 0, "peak_backlog": 0})
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
            "first_county_round_24h": _rated(first, 24.0, scenario),
            "lab_turnaround_12h": _rated(turnaround if labs else None, 12.0, scenario),
        },
    }


def zones_summary(scenario: Scenario, log: EventLog) -> dict[str, Any]:
    """Zones from the log: when delineated, in force and lifted; residents; staff.

    The time from the first positive result (the discovery, whichever event the
    plan seals on) to the first sealed zone in force is rated against Beijing's
    24-hour handling rule (lock down risk sites ≤ 24 h, #4).
    """
    zones: dict[str, dict[str, Any]] = {}
    for e in log.among("zone_delineated", "zone_sealed", "zone_lifted"):
        if e.kind == "zone_delineated":
            zones[e.entity] = {
                "id": e.entity,
                "level": e.details["level"],
                "community": e.details["community"],
                "case": e.details["case"],
                "residents": e.details["residents"],
                "delineated_h": round(e.t, 4),
                "sealed_h": None,
                "lifted_h": None,
            }
        elif e.kind == "zone_sealed" and e.entity in zones:
            zones[e.entity].update(
                sealed_h=round(e.t, 4),
                households=e.details["households"],
                staff_needed=e.details["staff_needed"],
                staff_assigned=e.details["staff_assigned"],
                staff_available=e.details["staff_available"],
            )
        elif e.kind == "zone_lifted" and e.entity in zones:
            zones[e.entity]["lifted_h"] = round(e.t, 4)
    found = log.first("lab_result_positive")
    sealed = [z["sealed_h"] for z in zones.values() if z["level"] == "sealed" and z["sealed_h"]]
    to_seal = min(sealed) - found.t if found is not None and sealed else None
    by_level: dict[str, int] = {}
    for z in zones.values():
        if z["sealed_h"] is not None:
            by_level[z["level"]] = by_level.get(z["level"], 0) + z["residents"]
    return {
        "zones": list(zones.values()),
        "residents_covered": by_level,
        "staff_assigned": sum(z.get("staff_assigned", 0) for z in zones.values()),
        "objectives": {"first_seal_24h": _rated(to_seal, 24.0, scenario)},
    }


def checkpoints_summary(scenario: Scenario, log: EventLog) -> dict[str, Any]:
    """Checkpoints from the log: vehicles checked, peak queue, waved through, leaks.

    "No vehicle, no person missed" (不漏一车、不漏一人, #46) is met when no
    risk-area arrival slipped through.
    """
    keys = ("vehicles", "checked", "waved", "persons", "risk_checked", "leaked", "infected_leaked")
    rows: dict[str, dict[str, Any]] = {}
    for e in log.of("checkpoint_interval"):
        row = rows.setdefault(e.entity, {k: 0 for k in keys} | {"peak_queue": 0, "max_wait_h": 0})
        for k in keys:
            row[k] += e.details[k]
        row["peak_queue"] = max(row["peak_queue"], e.details["queue"])
        row["max_wait_h"] = max(row["max_wait_h"], e.details["wait_h"])
    total = {k: sum(r[k] for r in rows.values()) for k in keys}
    total["peak_queue"] = max((r["peak_queue"] for r in rows.values()), default=0)
    risk = total["risk_checked"] + total["leaked"]
    return {
        "checkpoints": rows,
        "total": total,
        "leak_share": round(total["leaked"] / risk, 6) if risk else 0.0,
        "objectives": {
            "no_person_missed": {
                "standard": "0 risk-area arrivals leaked (#46)",
                "leaked": total["leaked"],
                "rating": "P" if total["leaked"] == 0 else "U",
            }
        },
    }


def routine_prevention_summary(log: EventLog) -> dict[str, Any]:
    """Routine policies in force and the key-group screening they ran."""
    policy = log.first("policy_in_force")
    screens = log.of("routine_screening")
    return {
        "policy": dict(policy.details) if policy is not None else {},
        "screening_rounds": len(screens),
        "screened": sum(e.details.get("persons", 0) for e in screens),
    }
