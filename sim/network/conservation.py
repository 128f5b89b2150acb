"""Conservation of people: every person the drill touches ends in exactly one state.

Derived from the event log alone (the log is the truth).  :func:`final_states`
walks the log and keeps, for each person, one current state:

- in the community: ``missed_in_community`` (exposed or infected, never found),
  ``wrong_entry`` / ``unreachable`` (a push-list entry that could not be verified),
  ``home_monitoring`` (health code assigned), ``awaiting_transfer`` (identified,
  not yet isolated), ``awaiting_admission`` (positive, not yet held or admitted);
- placed: ``held_at_home``, ``central_quarantine``, ``neighbouring_county``,
  ``home_quarantine``, ``in_hospital``;
- after: ``released`` (end of quarantine), ``discharged`` (from hospital).

:func:`violations` checks that the walk is legal — nobody is placed twice at
once, released without being placed, or discharged without being admitted;
that every effect has its cause earlier in the log (identified after exposed,
isolated after identified or positive, admitted after the direct report ...);
and, given the scenario, that rooms and beds are never over-occupied.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sim.engine.log import EventLog

COMMUNITY = {
    "missed_in_community": 0,
    "wrong_entry": 1,
    "unreachable": 1,
    "home_monitoring": 2,
    "awaiting_transfer": 3,
    "awaiting_admission": 4,
}
PLACED = ("held_at_home", "central_quarantine", "neighbouring_county", "home_quarantine")
STATES = (*COMMUNITY, *PLACED, "in_hospital", "released", "discharged")
PERSON_KINDS = (
    "infection",
    "contact_exposed",
    "contact_identified",
    "push_entry_verified",
    "health_code_assigned",
    "isolated",
    "admitted",
    "case_confirmed",
    "lab_result_positive",
)
"""Event kinds whose entity is a person the drill touches."""


def touched(log: EventLog) -> set[str]:
    """Every person some subject or the epidemic acted on."""
    return {e.entity for e in log if e.kind in PERSON_KINDS}


def _walk(log: EventLog) -> tuple[dict[str, str], list[str]]:
    state: dict[str, str] = {}
    admitted: set[str] = set()
    noncompliant: set[str] = set()
    problems: list[str] = []

    def info(person: str, new: str) -> None:
        old = state.get(person)
        if old is None or (old in COMMUNITY and COMMUNITY[new] >= COMMUNITY[old]):
            state[person] = new

    for e in log:
        p, k, d = e.entity, e.kind, e.details
        if k in ("infection", "contact_exposed"):
            info(p, "missed_in_community")
        elif k == "push_entry_verified":
            outcome = d.get("outcome")
            if outcome in ("wrong", "unreachable"):
                info(p, "wrong_entry" if outcome == "wrong" else "unreachable")
            else:
                info(p, "missed_in_community")
        elif k == "health_code_assigned":
            info(p, "home_monitoring")
        elif k == "contact_identified":
            info(p, "awaiting_transfer")
        elif k == "lab_result_positive":
            info(p, "awaiting_admission")
        elif k == "isolated":
            old = state.get(p)
            mode = d.get("mode")
            # a non-compliant home quarantine is logged but not isolating: hospital may follow
            loose = old == "home_quarantine" and mode == "hospital" and p in noncompliant
            if (old in PLACED or old == "in_hospital") and not loose:
                problems.append(f"seq {e.seq}: {p} isolated ({d.get('mode')}) while {old}")
            if mode == "home_quarantine" and d.get("compliant") is False:
                noncompliant.add(p)
            if mode == "hospital":
                state[p] = "in_hospital"
            elif mode == "central_quarantine" and d.get("site") == "neighbouring_county":
                state[p] = "neighbouring_county"
            elif mode in PLACED:
                state[p] = str(mode)
            else:
                problems.append(f"seq {e.seq}: {p} isolated with unknown mode {mode!r}")
        elif k == "admitted":
            if p in admitted:
                problems.append(f"seq {e.seq}: {p} admitted twice")
            admitted.add(p)
            state[p] = "in_hospital"
        elif k == "quarantine_released":
            old = state.get(p)
            if old not in ("central_quarantine", "neighbouring_county", "home_quarantine"):
                problems.append(f"seq {e.seq}: {p} released from quarantine while {old}")
            state[p] = "released"
        elif k == "discharged":
            if state.get(p) != "in_hospital":
                problems.append(f"seq {e.seq}: {p} discharged while {state.get(p)}")
            state[p] = "discharged"
    return state, problems


def final_states(log: EventLog) -> dict[str, str]:
    """Each touched person's state at the end of the log."""
    return _walk(log)[0]


def _causes(log: EventLog) -> list[str]:
    """Effects whose cause is not earlier in the log."""
    seen: dict[str, set[str]] = defaultdict(set)  # kind → entities so far
    exposed_by: set[tuple[str, str]] = set()
    verified: set[str] = set()
    batches: set[str] = set()
    problems: list[str] = []

    def need(e: Any, kind: str, who: str | None = None) -> None:
        who = e.entity if who is None else who
        if who not in seen[kind]:
            problems.append(f"seq {e.seq}: {e.kind} of {e.entity} before any {kind} of {who}")

    for e in log:
        k, d = e.kind, e.details
        if k == "contact_identified":
            stage = d.get("stage")
            if stage in ("core", "full") and (e.entity, d.get("source")) not in exposed_by:
                problems.append(f"seq {e.seq}: {e.entity} identified before exposed")
            elif stage == "secondary":
                need(e, "contact_identified", str(d.get("source")))
            elif stage == "data_push" and e.entity not in verified:
                problems.append(f"seq {e.seq}: {e.entity} identified from push before verified")
        elif k == "transfer_requested":
            # a traced contact, or a person found breaching home quarantine (moved to a site)
            if e.entity not in seen["home_quarantine_breach_found"]:
                need(e, "contact_identified")
        elif k == "isolated":
            mode = d.get("mode")
            if mode not in PLACED[1:]:
                need(e, "lab_result_positive")
            elif e.entity not in seen["arrival_quarantine"]:  # an arrival's hand-over
                need(e, "transfer_requested")
        elif k in ("direct_report", "ambulance_dispatched"):
            need(e, "lab_result_positive")
        elif k == "report_verified":
            need(e, "direct_report")
        elif k == "case_confirmed":
            need(e, "report_verified")
        elif k == "admitted":
            need(e, "direct_report")
        elif k in ("discharged", "severity_changed") or k == "quarantine_left":
            need(e, "admitted")
        elif k == "quarantine_released":
            need(e, "isolated")
        elif k == "lab_result_positive" or k == "lab_result_negative":
            need(e, "test_requested")
        elif k == "test_requested" and str(d.get("reason", "")).startswith("quarantine_day"):
            need(e, "isolated")
        elif k == "push_entry_verified":
            if d.get("batch") not in batches:
                problems.append(f"seq {e.seq}: entry of {e.entity} before its list arrived")
            if d.get("outcome") == "verified":
                verified.add(e.entity)
        elif k == "data_push_received":
            batches.add(e.entity)
        elif k == "contact_exposed":
            exposed_by.add((e.entity, str(d.get("source", ""))))
        seen[k].add(e.entity)
    return problems


def _capacity(log: EventLog, scenario: Any) -> list[str]:
    problems: list[str] = []
    ti = scenario.subject_params("transfer_isolation")
    tr = scenario.subject_params("treatment")
    rooms = {sid: s.rooms for sid, s in ti.sites.items()} if ti is not None else {}
    use: dict[str, int] = defaultdict(int)
    site_of: dict[str, str] = {}
    beds = 0
    for e in log:
        if e.kind == "site_opened":
            rooms[e.entity] = int(e.details["rooms"])
        elif e.kind == "isolated" and e.details.get("mode") == "central_quarantine":
            site = str(e.details.get("site"))
            if site in rooms:
                site_of[e.entity] = site
                use[site] += 1
                if use[site] > rooms[site]:
                    problems.append(f"seq {e.seq}: site {site} holds {use[site]} > {rooms[site]}")
        elif e.kind in ("quarantine_released", "quarantine_left") and e.entity in site_of:
            use[site_of.pop(e.entity)] -= 1
        elif e.kind == "admitted":
            beds += 1
            if tr is not None and beds > tr.beds - tr.reserve_beds:
                problems.append(f"seq {e.seq}: {beds} patients in {tr.beds} beds")
        elif e.kind == "discharged":
            beds -= 1
    return problems


def violations(log: EventLog, scenario: Any = None) -> list[str]:
    """Every breach of conservation, causality or capacity found in ``log``."""
    state, problems = _walk(log)
    missing = touched(log) - set(state)
    problems += [f"{p} touched but without a final state" for p in sorted(missing)]
    problems += [f"{p} in unknown state {s}" for p, s in state.items() if s not in STATES]
    problems += _causes(log)
    if scenario is not None:
        problems += _capacity(log, scenario)
    return problems
