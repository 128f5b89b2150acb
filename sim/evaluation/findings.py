"""Findings: why an objective was not performed without challenges, read from the log.

For each objective rated S, M or U the evaluation locates the *critical entity*
(the contact isolated last, the case whose report was late), then walks the
chain of events that led from the objective's clock start to its end and
attributes every hour of that span to one cause (critical-path attribution):

- ``queue``    — waiting for a staff member of an agent (``task_start.wait_h``);
- ``work``     — an agent working on a task (``task_start`` → ``task_end``);
- ``handoff``  — a declared handoff delay between agents (``handoff.delay_h``);
- ``vehicle_queue`` — waiting for a free transfer vehicle: from the person's
  ``transfer_requested`` to the ``vehicle_at`` of the trip that carried them
  (``transfer_departed``), or to the end of the span if no trip ever did;
- ``gap``      — any other waiting, blamed on the agent of the event that ended it.

Causes that took a meaningful share of the span become findings with their
evidence.  Resource detectors add what ran out during the run (a quarantine site
full, the whole transfer fleet busy).  Everything here reads the event log
generically: unknown event kinds are ignored, absent ones simply yield nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sim.engine.log import Event, EventLog
from sim.evaluation.objectives import matching, spans
from sim.scenario.schema import Count, EventMatch, Measure

PRIORITY = {"work": 0, "queue": 1, "handoff": 2, "vehicle_queue": 3}
EPS = 1e-4
"""Tolerance in hours: the log rounds times and delays to 6 decimals."""
MIN_SHARE = 0.1
"""A cause is a finding when it took at least this share of the objective's span ..."""
MIN_HOURS = 0.25
"""... and at least this many hours."""
MAX_CAUSES = 3
"""At most this many path causes per objective (the largest)."""
VEHICLE_REQUEST = "transfer_requested"
"""The event that puts a person on the transfer team's waiting list for a vehicle."""


@dataclass
class Segment:
    """A stretch of the critical path spent on one cause."""

    cause: str
    agent: str
    label: str
    subject: str
    t0: float
    t1: float

    @property
    def hours(self) -> float:
        return self.t1 - self.t0


@dataclass
class Located:
    """Where an objective's measurement starts and ends in the log."""

    start_t: float | None
    end_t: float | None
    chain: list[str] = field(default_factory=list)
    entities: int = 0
    late: int = 0
    unreached: int = 0


@dataclass
class Finding:
    """One cause of a challenged objective (or a resource that ran out), with evidence."""

    objective: str | None
    subject: str
    cause: str
    agent: str
    resource: str
    hours: float
    share: float
    evidence: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def locate(log: EventLog, m: Measure, standard_h: float, end_h: float | None = None) -> Located:
    """The clock start, end and critical entity chain of measure ``m`` in ``log``.

    With the run's end ``end_h``, an entity still on its way but within its
    standard at the end is no critical entity (it is not late; see
    :func:`sim.evaluation.objectives.judged`).
    """
    found = spans(log, m)
    if found is None:
        return Located(None, None)
    if m.per == "none":
        [(entity, start)] = found.starts.items()
        end = found.ends.get(entity)
        chain = [start.entity] + ([end.entity] if end and end.entity != start.entity else [])
        return Located(
            start.t, end.t if end else None, chain, 1, int(_late(start, end, standard_h))
        )
    ends, clocks, hours = found.ends, found.clocks, found.hours
    unreached = [x for x, v in hours.items() if v is None]
    overdue = [x for x in unreached if end_h is None or end_h - clocks[x].t > standard_h]
    late = len(overdue) + sum(1 for v in hours.values() if v is not None and v > standard_h)
    reached = [x for x, v in hours.items() if v is not None]
    if overdue or not reached:
        worst = min(overdue or unreached, key=lambda x: clocks[x].t)
    else:
        worst = max(reached, key=lambda x: (hours[x] or 0.0, -clocks[x].seq))
    clock = clocks[worst]
    t0 = clock.t
    chain = ([clock.entity] if clock.entity != worst else []) + [worst]
    end_t = ends[worst].t if worst in ends else None
    return Located(t0, end_t, chain, len(hours), late, len(unreached))


def _late(start: Event, end: Event | None, standard_h: float) -> bool:
    return end is None or end.t - start.t > standard_h


def _linked(log: EventLog, person: str) -> set[str]:
    """Entities that carried ``person`` (a transfer trip lists its ``persons``)."""
    out = {person}
    for e in log:
        persons = e.details.get("persons")
        if isinstance(persons, list) and person in persons:
            out.add(e.entity)
    return out


def critical_path(log: EventLog, t0: float, t1: float, chain: list[str]) -> list[Segment]:
    """Attribute every hour of ``[t0, t1]`` along the entity ``chain`` to one cause.

    Walks backwards from the end: at each instant it takes the segment (work,
    queue wait, handoff, vehicle wait) of the current entity that finished last
    before it — the step everything after waited for — and jumps to that step's
    start; time no segment explains is a ``gap`` blamed on the agent of the
    event that ended it.  The chain's entities are taken from last to first: the
    contact back to its identification, then the case that named it.
    """
    if t1 <= t0:
        return []
    phases = []
    for entity in chain:
        linked = _linked(log, entity)
        events = [e for e in log if e.entity in linked]
        acted = [e.t for e in events if e.agent and t0 - EPS <= e.t <= t1 + EPS]
        phases.append((min(acted) if acted else t1, events, _raw_segments(events, entity, t1)))
    out: list[Segment] = []
    tau = t1
    i = len(phases) - 1
    while tau > t0 + EPS:
        while i > 0 and tau <= phases[i][0] + EPS:
            i -= 1
        bound, events, raw = phases[i]
        done = [s for s in raw if s.t1 <= tau + EPS and s.t1 > s.t0]
        best = max(done, key=lambda s: (s.t1, -PRIORITY.get(s.cause, 9)), default=None)
        floor = max(best.t1 if best else t0, bound if i > 0 else t0)
        if tau - max(floor, t0) > EPS:  # nothing ends exactly here: a wait no task explains
            nxt = next((e for e in events if e.t >= tau - EPS and e.agent), None)
            g0 = max(floor, t0)
            out.append(
                Segment(
                    "gap",
                    nxt.agent if nxt else "",
                    nxt.kind if nxt else "",
                    nxt.subject if nxt else "",
                    g0,
                    tau,
                )
            )
            tau = g0
            continue
        if best is None:
            break
        raw.remove(best)
        s0 = max(best.t0, t0)
        out.append(Segment(best.cause, best.agent, best.label, best.subject, s0, min(best.t1, tau)))
        tau = s0
    out.reverse()
    merged: list[Segment] = []
    for seg in out:
        if merged and _same(merged[-1], seg) and abs(merged[-1].t1 - seg.t0) < EPS:
            merged[-1].t1 = seg.t1
        else:
            merged.append(seg)
    return merged


def _raw_segments(events: list[Event], entity: str, t1: float) -> list[Segment]:
    raw: list[Segment] = []
    open_tasks: dict[tuple[str, str, str], Event] = {}
    last_own: float | None = None
    # The person's pending request for a vehicle.  The wait is measured from the
    # request, not from the person's last event: a waiting contact may meanwhile be
    # tested or held by others, and those events do not end the wait for a vehicle.
    request: Event | None = None
    for e in events:
        if e.kind == "task_start":
            w = float(e.details.get("wait_h", 0.0) or 0.0)
            task = str(e.details.get("task", ""))
            if w > 0:
                raw.append(Segment("queue", e.agent, task, e.subject, e.t - w, e.t))
            open_tasks[(e.agent, e.entity, task)] = e
        elif e.kind == "task_end":
            task = str(e.details.get("task", ""))
            s = open_tasks.pop((e.agent, e.entity, task), None)
            if s is not None:
                raw.append(Segment("work", e.agent, task, e.subject, s.t, e.t))
        elif e.kind == "handoff":
            d = float(e.details.get("delay_h", 0.0) or 0.0)
            label = f"{e.details.get('source', '')}→{e.agent}"
            raw.append(Segment("handoff", e.agent, label, e.subject, e.t - d, e.t))
        elif "vehicle_at" in e.details and entity in _persons(e):
            at = float(e.details["vehicle_at"])
            since = request.t if request is not None else last_own
            if since is not None and at > since:
                raw.append(Segment("vehicle_queue", e.agent, "vehicles", e.subject, since, at))
            request = None
        if e.entity == entity:
            last_own = e.t
            if e.kind == VEHICLE_REQUEST:
                request = e
    for (agent, _entity, task), s in open_tasks.items():  # never finished: at work until t1
        if s.t < t1:
            raw.append(Segment("work", agent, task, s.subject, s.t, t1))
    if request is not None and request.t < t1:  # no trip ever came: waiting until t1
        raw.append(
            Segment("vehicle_queue", request.agent, "vehicles", request.subject, request.t, t1)
        )
    return raw


def _persons(e: Event) -> list[str]:
    persons = e.details.get("persons")
    return persons if isinstance(persons, list) else []


def _same(a: Segment, b: Segment) -> bool:
    return (a.cause, a.agent, a.label) == (b.cause, b.agent, b.label)


def attribute(segments: list[Segment]) -> list[dict[str, Any]]:
    """Hours per (cause, agent, label), largest first."""
    hours: dict[tuple[str, str, str, str], float] = defaultdict(float)
    for s in segments:
        hours[(s.cause, s.agent, s.label, s.subject)] += s.hours
    rows = [
        {"cause": c, "agent": a, "label": lab, "subject": sub, "hours": h}
        for (c, a, lab, sub), h in hours.items()
    ]
    return sorted(rows, key=lambda r: (-r["hours"], r["cause"], r["agent"], r["label"]))


def objective_findings(
    log: EventLog, scenario: dict[str, Any], objective: dict[str, Any], rating: dict[str, Any]
) -> tuple[list[Finding], list[Segment]]:
    """Findings for one challenged objective and its critical path."""
    measure = Measure.model_validate(objective["measure"])
    standard = float(objective["standard_h"])
    loc = locate(log, measure, standard, float(scenario["meta"]["duration_h"]))
    if loc.start_t is None:
        return [
            Finding(
                objective["id"],
                objective["subject"],
                "not_started",
                "",
                "",
                0.0,
                0.0,
                {"start": measure.start.kind, "standard_h": standard},
            )
        ], []
    end = loc.end_t if loc.end_t is not None else float(scenario["meta"]["duration_h"])
    if measure.end.kind == ROUND_END:
        scope = measure.end.where.get("scope")
        rounds = round_findings(
            log, scenario, objective, _base(loc, standard, rating), loc, end, scope
        )
        if rounds:
            return rounds, []
    path = critical_path(log, loc.start_t, end, loc.chain)
    span = end - loc.start_t
    base = _base(loc, standard, rating)
    found: list[Finding] = []
    # When the end never came, the path still explains the span if the critical
    # entity was, at the end, waiting on something known (a vehicle, an unfinished
    # task); a path ending in unexplained waiting is reported as not completed.
    explained = loc.end_t is not None or bool(path and path[-1].cause != "gap")
    for row in attribute(path) if explained else []:
        if len(found) >= MAX_CAUSES:
            break
        if not row["agent"]:
            continue
        if found and row["hours"] < max(MIN_HOURS, MIN_SHARE * span):
            break  # rows come largest first; the largest cause is always reported
        evidence = base | {
            "label": row["label"],
            "path_subject": row["subject"],
            "span_h": round(span, 4),
        }
        evidence |= _cause_evidence(log, row)
        if row["cause"] == "queue":
            last = max(s.t1 for s in path if (s.cause, s.agent) == ("queue", row["agent"]))
            evidence["queue_ended_clock_h"] = round((_start_hour(scenario) + last) % 24, 4)
        found.append(
            Finding(
                objective["id"],
                objective["subject"],
                row["cause"],
                row["agent"],
                "vehicles" if row["cause"] == "vehicle_queue" else "staff",
                round(row["hours"], 4),
                round(row["hours"] / span, 4) if span > 0 else 0.0,
                evidence,
            )
        )
    if not found:  # the end never came, or nothing on the path names an agent
        found.append(
            Finding(
                objective["id"],
                objective["subject"],
                "not_completed",
                "",
                "",
                round(span, 4),
                1.0,
                base | {"label": measure.end.kind, "span_h": round(span, 4)},
            )
        )
    return found, path


def _base(loc: Located, standard: float, rating: dict[str, Any]) -> dict[str, Any]:
    """Evidence every finding of an objective shares: its rating and its critical entity."""
    return {
        "standard_h": standard,
        "achieved_h": rating.get("achieved_h"),
        "rating": rating.get("rating"),
        "start_t": None if loc.start_t is None else round(loc.start_t, 4),
        "end_t": None if loc.end_t is None else round(loc.end_t, 4),
        "critical_entity": loc.chain[-1] if loc.chain else "",
        "entities": loc.entities,
        "late": loc.late,
        "unreached": loc.unreached,
    }


def _start_hour(scenario: dict[str, Any]) -> float:
    start = datetime.fromisoformat(str(scenario["meta"]["start"]))
    return start.hour + start.minute / 60


def _cause_evidence(log: EventLog, row: dict[str, Any]) -> dict[str, Any]:
    """Counts that back a cause: the agent's longest queue, the fleet's saturation."""
    agent = row["agent"]
    starts = [e for e in log.of("task_start") if e.agent == agent]
    out: dict[str, Any] = {
        "agent_tasks": len(starts),
        "agent_max_wait_h": round(max((e.details.get("wait_h", 0) for e in starts), default=0), 4),
        "agent_max_queue": max((int(e.details.get("queue", 0) or 0) for e in starts), default=0),
    }
    if row["cause"] == "vehicle_queue":
        out |= fleet_evidence(log, agent)
    return out


def fleet_evidence(log: EventLog, team: str) -> dict[str, Any]:
    """Trips, people carried and how often every vehicle was out, for ``team``'s fleet."""
    trips = [e for e in log if "vehicle_at" in e.details and e.agent == team]
    if not trips:
        return {}
    vehicles = max(int(e.details.get("vehicles", 0) or 0) for e in trips)
    saturated = sum(1 for e in trips if int(e.details.get("vehicles_busy", 0) or 0) >= vehicles)
    waits = []
    requested = {e.entity: e.t for e in log.of(VEHICLE_REQUEST)}
    for e in trips:
        for p in e.details.get("persons") or []:
            if p in requested:
                waits.append(max(0.0, float(e.details["vehicle_at"]) - requested[p]))
    carried = {p for e in trips for p in _persons(e)}
    isolated = {e.entity for e in log.of("isolated")}
    return {
        "vehicles": vehicles,
        "trips": len(trips),
        "persons_carried": sum(len(e.details.get("persons") or []) for e in trips),
        "trips_with_fleet_busy": saturated,
        "max_vehicle_wait_h": round(max(waits, default=0.0), 4),
        "persons_waited_for_vehicle": sum(1 for w in waits if w > 1e-9),
        # requested, never carried nor isolated otherwise: still on the list at the end
        "persons_still_waiting": len(set(requested) - carried - isolated),
    }


def resource_findings(log: EventLog) -> list[Finding]:
    """Resources that ran out during the run, from their own events."""
    out: list[Finding] = []
    seen: set[str] = set()
    for e in log.of("site_full"):
        if e.entity not in seen:
            seen.add(e.entity)
            out.append(
                Finding(
                    None,
                    e.subject,
                    "rooms_full",
                    e.agent,
                    f"rooms:{e.entity}",
                    0.0,
                    0.0,
                    {"site": e.entity, "rooms": e.details.get("rooms"), "t": round(e.t, 4)},
                )
            )
    return out


def count_finding(
    log: EventLog, objective: dict[str, Any], rating: dict[str, Any], responsible: str = ""
) -> Finding:
    """The finding of a count objective over its standard: what was counted, by whom, when
    (cause ``count_over``; ``max_over`` when the count is the largest value of a detail).

    A count names the agent that logged most of the counted events, or, when no
    agent logged them (an arrival nobody checked), the subject's ``responsible``
    agent; a largest value names the agent and hour of the event that had it.  The
    evidence keeps the count, the standard and the hours of the first and last
    counted events (of the largest, for ``max_over``).
    """
    count = Count.model_validate(objective["count"])
    events = matching(log, EventMatch(kind=count.kind, where=count.where))
    if count.agg == "max" and events:
        field = count.field or ""
        worst = max(events, key=lambda e: float(e.details.get(field, 0) or 0))
        events = [worst]
    by_agent: dict[str, int] = defaultdict(int)
    for e in events:
        by_agent[e.agent] += 1
    agent = max(sorted(a for a in by_agent if a), key=lambda a: by_agent[a], default=responsible)
    return Finding(
        objective["id"],
        objective["subject"],
        "max_over" if count.agg == "max" else "count_over",
        agent,
        "",
        0.0,
        0.0,
        {
            "standard": rating.get("standard"),
            "achieved": rating.get("achieved"),
            "rating": rating.get("rating"),
            "unit": rating.get("unit") or objective.get("unit"),
            "label": count.kind,
            "logged_by": agent if by_agent.get(agent) else "",
            "events": len(events),
            "first_t": round(events[0].t, 4) if events else None,
            "last_t": round(events[-1].t, 4) if events else None,
        },
    )


def evaluate_findings(
    log: EventLog, scenario: dict[str, Any], objectives: list[dict[str, Any]]
) -> dict[str, Any]:
    """Strengths, findings and critical paths for every rated objective of a run.

    ``objectives`` are the rated rows of ``summary.json``; ``scenario`` is the
    scenario snapshot as plain data (``scenario.json``).
    """
    specs = {o["id"]: o for o in scenario.get("objectives", [])}
    strengths, findings, paths = [], [], {}
    for row in objectives:
        spec = specs.get(row["id"])
        if spec is None:
            continue
        if row["rating"] == "P":
            strengths.append(row)
            continue
        if spec.get("count"):
            raci = (scenario.get("responsibilities") or {}).get(spec["subject"]) or {}
            owner = (raci.get("responsible") or [""])[0]
            findings.append(count_finding(log, spec, row, owner))
            continue
        found, path = objective_findings(log, scenario, spec, row)
        findings += found
        paths[row["id"]] = [asdict(s) for s in path]
    for f in resource_findings(log):
        related = [x for x in findings if x.subject == f.subject]
        f.objective = related[0].objective if related else None
        findings.append(f)
    return {
        "strengths": strengths,
        "findings": [f.to_dict() for f in findings],
        "critical_paths": paths,
    }


# --- screening rounds ------------------------------------------------------------------

ROUND_END = "mass_round_complete"
"""Objectives ending at this event are explained by the stages of the round, not by tasks."""
ROUND_STAGES = ("schedule", "setup", "sampling", "closed", "transport", "lab_queue")
"""The stages of a screening round, in the order a round passes through them:
waiting for the scheduled day, setting up the sampling points (with the
organiser's queue), sampling at the groups' pace, sampling points closed
outside opening hours, transport to the lab plus a machine run, and tubes
waiting for a free machine."""


def round_stages(
    log: EventLog, scenario: dict[str, Any], rid: str, t0: float, t1: float, scope: Any = None
) -> dict[str, Any] | None:
    """Hours of ``[t0, t1]`` spent in each stage of screening round ``rid``, with evidence.

    Read from the round's own events: ``task_start``/``task_end`` of its set-up,
    ``mass_round_start``, one ``mass_sampling_hour`` per sampling step (a gap of
    more than an hour between steps is time the points were closed),
    ``mass_sampling_done``, the laboratories' ``lab_run`` events that carried its
    tubes (the shortest turnaround is transport plus one run; the rest of the time
    after sampling is tubes waiting for a machine), and ``pool_positive`` (retests).
    Returns None when the round never started in the window.
    """
    ev = [e for e in log if e.entity == rid and e.t >= t0 - EPS]
    if scope is not None:
        ev = [e for e in ev if e.details.get("scope", scope) == scope or e.kind.startswith("task")]
    start = next((e for e in ev if e.kind == "mass_round_start"), None)
    if start is None:
        return None
    setup = next((e for e in ev if e.kind == "task_start" and e.t <= start.t + EPS), None)
    setup_t0 = setup.t - float(setup.details.get("wait_h", 0) or 0) if setup else start.t
    hours = dict.fromkeys(ROUND_STAGES, 0.0)
    hours["schedule"] = max(0.0, setup_t0 - t0)
    hours["setup"] = max(0.0, min(start.t, t1) - max(setup_t0, t0))
    done = next((e for e in ev if e.kind == "mass_sampling_done" and e.t >= start.t), None)
    sampling_end = min(done.t if done else t1, t1)
    steps = [e.t for e in ev if e.kind == "mass_sampling_hour" and start.t < e.t <= sampling_end]
    closed, last = 0.0, start.t
    for t in steps:
        closed += max(0.0, t - last - 1.0)
        last = t
    if done is None:  # still sampling at t1: time since the last step beyond an hour is closed
        closed += max(0.0, sampling_end - last - 1.0)
    span = max(0.0, sampling_end - start.t)
    hours["closed"] = min(closed, span)
    hours["sampling"] = span - hours["closed"]
    runs = [e for e in log.of("lab_run") if rid in (e.details.get("rounds") or [])]
    runs = [e for e in runs if start.t <= e.t <= t1 + EPS]
    tail = max(0.0, t1 - sampling_end) if done is not None else 0.0
    fastest = min((float(e.details.get("turnaround_h", 0)) for e in runs), default=0.0)
    hours["transport"] = min(tail, fastest)
    hours["lab_queue"] = tail - hours["transport"]
    sampled = [e for e in ev if e.kind == "mass_sampling_hour" and e.t <= t1 + EPS]
    tubes = sum(int(e.details.get("tubes", 0) or 0) for e in sampled)
    people = sum(int(e.details.get("sampled", 0) or 0) for e in sampled)
    mass = ((scenario.get("subjects") or {}).get("testing") or {}).get("mass") or {}
    sampling = mass.get("sampling") or {}
    # laboratory throughput while this round's tubes waited (every round's tubes count)
    window = [e for e in log.of("lab_run") if sampling_end < e.t <= t1 + EPS]
    lab_h = max(hours["lab_queue"], 1e-9)
    by_lab: dict[str, int] = defaultdict(int)
    for e in window:
        by_lab[e.agent] += int(e.details.get("tubes", 0) or 0)
    backlog = tubes - sum(
        int(e.details.get("tubes", 0) or 0)
        for e in runs
        if e.t <= sampling_end and e.details.get("rounds") == [rid]
    )
    retests = [e for e in log.of("pool_positive") if e.entity == rid and t0 <= e.t <= t1 + EPS]
    return {
        "round": rid,
        "scope": start.details.get("scope", ""),
        "stages_h": {k: round(v, 4) for k, v in hours.items()},
        "groups": int(start.details.get("groups", 0) or 0),
        "per_group_per_h": float(sampling.get("per_group_per_h", 0) or 0),
        "open_hours": list(sampling.get("hours") or [0, 24]),
        "door_to_door": start.details.get("scope") == "zone-sealed",
        "sampled": people,
        "tubes": tubes,
        "lab_backlog_at_sampling_end": max(0, backlog),
        "lab_tubes_per_h": round(sum(by_lab.values()) / lab_h, 2) if window else 0.0,
        "labs": sorted(by_lab, key=lambda a: (-by_lab[a], a)),
        "fastest_turnaround_h": round(fastest, 4),
        "positive_pools": len(retests),
        "retested": sum(int(e.details.get("members", 0) or 0) for e in retests),
        "completed": any(e.kind == ROUND_END for e in ev if e.t <= t1 + EPS),
    }


STAGE_AGENT = {"lab_queue": "lab", "transport": "organiser"}
STAGE_RESOURCE = {
    "schedule": "schedule",
    "setup": "staff",
    "sampling": "sampling_groups",
    "closed": "opening_hours",
    "transport": "transport",
    "lab_queue": "lab_capacity",
}


def round_findings(
    log: EventLog,
    scenario: dict[str, Any],
    objective: dict[str, Any],
    base: dict[str, Any],
    loc: Located,
    end: float,
    scope: Any,
) -> list[Finding]:
    """Findings of a screening-round objective: the stages that held the round, largest first."""
    rid = loc.chain[-1] if loc.chain else ""
    assert loc.start_t is not None
    stages = round_stages(log, scenario, rid, loc.start_t, end, scope)
    if stages is None:
        return []
    mass = ((scenario.get("subjects") or {}).get("testing") or {}).get("mass") or {}
    organiser = str(mass.get("organiser", ""))
    span = end - loc.start_t
    ranked = sorted(stages["stages_h"].items(), key=lambda kv: (-kv[1], kv[0]))
    out: list[Finding] = []
    for stage, h in ranked:
        if h <= EPS or (out and h < max(MIN_HOURS, MIN_SHARE * span)) or len(out) >= MAX_CAUSES:
            break
        agent = stages["labs"][0] if stage == "lab_queue" and stages["labs"] else organiser
        out.append(
            Finding(
                objective["id"],
                objective["subject"],
                f"round_{stage}",
                agent,
                STAGE_RESOURCE[stage],
                round(h, 4),
                round(h / span, 4) if span > 0 else 0.0,
                base | {"span_h": round(span, 4), "stage": stage, **stages},
            )
        )
    return out
