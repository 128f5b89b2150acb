"""The run summary (``summary.json``): every figure computed from the event log."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from typing import Any, TypedDict

from sim.engine.log import EventLog
from sim.evaluation.objectives import ObjectiveResult, evaluate
from sim.scenario.model import Scenario
from sim.subjects.registry import REGISTRY


class Infections(TypedDict):
    """Infections of the run: all (``total = local + imported``), those that arrived
    infected, those that happened in the county, and by setting."""

    total: int
    imported: int
    local: int
    by_setting: dict[str, int]


class Contacts(TypedDict):
    """Close contacts: exposed by the epidemic, identified by tracing, isolated, and where."""

    exposed: int
    identified: int
    isolated: int
    central_quarantine: int
    home_quarantine: int


class IndexCaseResult(TypedDict):
    """One index case of the run: who the scenario (or an inject) says it is, when it
    entered, and how and when the response found it (``found_by`` None: not found)."""

    id: str
    label: dict[str, str] | None
    community: str
    entered_h: float
    imported: bool
    found_by: str | None
    found_h: float | None


FOUND_BY = {
    "arrival": "arrival_test",
    "health_monitoring": "health_monitoring",
    "fever_clinic": "fever_clinic",
    "screening": "screening",
    "pool_retest": "screening",
}
"""``found_by`` of a first positive test's reason.  A quarantine-day test of an arrival
handed over point to point (``arrival_quarantine``) found it as an arrival:
``arrival_test``; any other reason (a contact's quarantine day, a test of a push list or
of a leaked vehicle's passengers) found the case as someone's contact or on a list:
``contact_tracing``."""


def index_cases(log: EventLog) -> list[IndexCaseResult]:
    """Each index case (``returnee_arrival``) and what found it: the reason of its first
    positive test, at that hour; found by nothing when it never tested positive."""
    first_positive: dict[str, tuple[float, str]] = {}
    for e in log.of("lab_result_positive"):
        first_positive.setdefault(e.entity, (e.t, str(e.details.get("reason", ""))))
    imported = {e.entity for e in log.of("infection", setting="imported")}
    arrivals = {e.entity for e in log.of("arrival_quarantine")}
    out: list[IndexCaseResult] = []
    for e in log.of("returnee_arrival"):
        found = first_positive.get(e.entity)
        by = None if found is None else FOUND_BY.get(found[1], "contact_tracing")
        if found is not None and e.entity in arrivals and found[1].startswith("quarantine_day"):
            by = "arrival_test"
        label = e.details.get("label")
        out.append(
            {
                "id": str(e.details.get("index_case", "returnee")),
                "label": dict(label) if label else None,
                "community": str(e.details.get("community", "")),
                "entered_h": float(e.details.get("entered_h", e.t)),
                "imported": e.entity in imported,
                "found_by": by,
                "found_h": None if found is None else round(found[0], 4),
            }
        )
    return out


class AgentLoad(TypedDict):
    """One agent's work: tasks done, busy staff-hours, utilisation, longest queue wait."""

    tasks: int
    busy_h: float
    max_wait_h: float
    utilisation: float


class Summary(TypedDict):
    """``summary.json`` of one replication, before the subjects' own sections.

    Each subject that ran adds its section (``Subject.summary``) after these keys.
    """

    scenario: str
    title: dict[str, str]
    plans: list[str]
    seed: int
    start: str
    duration_h: float
    events: int
    infections: Infections
    index_cases: list[IndexCaseResult]
    contacts: Contacts
    agents: dict[str, AgentLoad]
    objectives: list[ObjectiveResult]


def agent_load(scenario: Scenario, log: EventLog, duration_h: float) -> dict[str, AgentLoad]:
    """Per agent: tasks done, busy staff-hours, utilisation and the longest queue wait.

    A task's end is paired with the earliest unpaired start of the same agent,
    entity and task; every end follows its start in the log, so all starts can
    be read first and then all ends, each kind from its own index (an event is
    unpacked as the tuple it is: 20,000 tasks a replication).
    """
    started: defaultdict[tuple[str, str, str], deque[float]] = defaultdict(deque)
    tasks = dict.fromkeys(scenario.agents, 0)
    busy = dict.fromkeys(scenario.agents, 0.0)
    longest = dict.fromkeys(scenario.agents, 0.0)
    for _, t, _, agent, _, entity, details in log.of("task_start"):
        started[agent, entity, details["task"]].append(t)
        wait = details["wait_h"]
        if wait > longest[agent]:
            longest[agent] = wait
    for _, t, _, agent, _, entity, details in log.of("task_end"):
        tasks[agent] += 1
        busy[agent] += t - started[agent, entity, details["task"]].popleft()
    load: dict[str, AgentLoad] = {}
    for aid, spec in scenario.agents.items():
        staff_h = spec.staff * duration_h
        load[aid] = {
            "tasks": tasks[aid],
            "busy_h": round(busy[aid], 4),
            "max_wait_h": round(longest[aid], 4),
            "utilisation": round(busy[aid] / staff_h, 6) if staff_h else 0.0,
        }
    return load


def summarize(scenario: Scenario, log: EventLog, seed: int) -> dict[str, Any]:
    """The machine-readable result of one replication."""
    duration = scenario.meta.duration_h
    infections = log.of("infection")
    imported = sum(1 for e in infections if e.details["setting"] == "imported")
    isolated = log.of("isolated")
    identified = {e.entity for e in log.of("contact_identified")}
    modes = Counter(e.details["mode"] for e in isolated)
    core: Summary = {
        "scenario": scenario.meta.id,
        "title": {"zh": scenario.meta.title.zh, "en": scenario.meta.title.en},
        "plans": [p.id for p in scenario.applied_plans],
        "seed": seed,
        "start": scenario.meta.start.isoformat(),
        "duration_h": duration,
        "events": len(log),
        "infections": {
            "total": len(infections),
            "imported": imported,
            "local": len(infections) - imported,
            "by_setting": dict(sorted(Counter(e.details["setting"] for e in infections).items())),
        },
        "index_cases": index_cases(log),
        "contacts": {
            "exposed": len(log.of("contact_exposed")),
            "identified": len(identified),
            "isolated": sum(1 for e in isolated if e.entity in identified),
            "central_quarantine": modes.get("central_quarantine", 0),
            "home_quarantine": modes.get("home_quarantine", 0),
        },
        "agents": agent_load(scenario, log, duration),
        "objectives": evaluate(scenario, log),
    }
    return {**core, **_subject_sections(scenario, log)}


def _subject_sections(scenario: Scenario, log: EventLog) -> dict[str, Any]:
    """Each subject's own section, present when the subject ran (it logged its ``when``)."""
    out: dict[str, Any] = {}
    for subject in REGISTRY.values():
        section = subject.summary
        if section is not None and log.first(section.when) is not None:
            out[section.key] = section.build(scenario, log)
    return out
