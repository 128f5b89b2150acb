"""Responsibility analysis: who is R/A for each subject, gaps, single points of failure.

Information in the drill starts at the first positive result (the laboratory's
network direct report) and must reach every agent responsible, accountable or
informed for a subject along declared handoffs.  The analysis asks, on the
handoff graph:

- **gaps** — a subject with no responsible or accountable agent, or an agent
  that needs the information but cannot be reached from the source at all;
- **single points of failure** — agents whose removal cuts the source from an
  agent that needs the information (vertex dominators of the target: brute
  force over the ~20 agents of a county is exact and instant), and single links
  (handoffs whose loss cuts it);
- **overloaded agents** — responsible or accountable for many subjects with few
  staff per subject.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import networkx as nx

from sim.network.graph import build_graph, handoff_graph, raci_of
from sim.scenario.model import Scenario
from sim.subjects.registry import SUBJECTS

OVERLOAD_MIN_SUBJECTS = 2
"""An agent is flagged as overloaded when it is R or A for at least this many subjects..."""
OVERLOAD_STAFF_PER_SUBJECT = 4.0
"""...and has fewer staff than this per subject it carries (a planning threshold)."""


def information_source(scenario: Scenario) -> str:
    """The agent where the first positive result enters the network.

    The reporting subject's direct-reporting agent (the laboratory) when it is
    configured; otherwise the first agent of kind ``lab``, then ``cdc``.
    """
    rep = scenario.subject_params("reporting")
    if rep is not None and rep.direct_report.agent in scenario.agents:
        return rep.direct_report.agent
    for kind in ("lab", "hospital", "cdc"):
        for aid, a in scenario.agents.items():
            if a.kind == kind:
                return aid
    return next(iter(scenario.agents))


def _cut_vertices(h: nx.DiGraph, s: str, t: str) -> list[str]:
    """Agents other than ``s`` and ``t`` lying on every handoff path from ``s`` to ``t``."""
    out = []
    for v in h.nodes:
        if v in (s, t):
            continue
        view = nx.restricted_view(h, [v], [])
        if not nx.has_path(view, s, t):
            out.append(v)
    return sorted(out)


def _cut_edges(h: nx.DiGraph, s: str, t: str) -> list[tuple[str, str]]:
    """Handoffs lying on every path from ``s`` to ``t``."""
    path = nx.shortest_path(h, s, t)
    out = []
    for u, v in pairwise(path):
        view = nx.restricted_view(h, [], [(u, v)])
        if not nx.has_path(view, s, t):
            out.append((u, v))
    return out


def analyse(scenario: Scenario, source: str | None = None) -> dict[str, Any]:
    """The full responsibility analysis of ``scenario`` as a JSON-ready dict."""
    g = build_graph(scenario)
    h = handoff_graph(g)
    src = source or information_source(scenario)
    subjects: dict[str, dict[str, Any]] = {}
    gaps: list[dict[str, Any]] = []
    spof: dict[str, dict[str, set[str]]] = {}
    links: dict[tuple[str, str], set[str]] = {}
    for subject in SUBJECTS:
        raci = raci_of(g, subject)
        subjects[subject] = {
            "responsible": raci["R"],
            "accountable": raci["A"][0] if raci["A"] else None,
            "consulted": raci["C"],
            "informed": raci["I"],
        }
        if not raci["R"]:
            gaps.append({"type": "no_responsible", "subject": subject, "agent": None})
        if not raci["A"]:
            gaps.append({"type": "no_accountable", "subject": subject, "agent": None})
        needs = dict.fromkeys(raci["R"] + raci["A"] + raci["I"])
        for target in needs:
            if target == src:
                continue
            if not nx.has_path(h, src, target):
                gaps.append(
                    {"type": "unreachable", "subject": subject, "agent": target, "source": src}
                )
                continue
            for v in _cut_vertices(h, src, target):
                row = spof.setdefault(v, {"subjects": set(), "targets": set()})
                row["subjects"].add(subject)
                row["targets"].add(target)
            for edge in _cut_edges(h, src, target):
                links.setdefault(edge, set()).add(subject)
    return {
        "scenario": scenario.meta.id,
        "plans": [p.id for p in scenario.applied_plans],
        "source": src,
        "agents": {
            aid: {
                "name": {"zh": a.name.zh, "en": a.name.en},
                "layer": a.layer,
                "kind": a.kind,
                "staff": a.staff,
            }
            for aid, a in scenario.agents.items()
        },
        "subjects": subjects,
        "gaps": gaps,
        "single_points_of_failure": [
            {"agent": v, "subjects": sorted(r["subjects"]), "cuts_off": sorted(r["targets"])}
            for v, r in sorted(spof.items(), key=lambda kv: (-len(kv[1]["subjects"]), kv[0]))
        ],
        "single_links": [
            {"from": u, "to": v, "subjects": sorted(s)}
            for (u, v), s in sorted(links.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
        "overloaded": overloaded(scenario),
    }


def overloaded(scenario: Scenario) -> list[dict[str, Any]]:
    """Agents that are R or A for several subjects with few staff per subject."""
    carried: dict[str, dict[str, list[str]]] = {
        aid: {"responsible": [], "accountable": []} for aid in scenario.agents
    }
    for subject, raci in scenario.responsibilities.items():
        for aid in raci.responsible:
            if aid in carried:
                carried[aid]["responsible"].append(subject)
        if raci.accountable in carried:
            carried[raci.accountable]["accountable"].append(subject)
    out = []
    for aid, c in carried.items():
        n = len(set(c["responsible"]) | set(c["accountable"]))
        if n < OVERLOAD_MIN_SUBJECTS:
            continue
        per = scenario.agents[aid].staff / n
        if per < OVERLOAD_STAFF_PER_SUBJECT:
            out.append(
                {
                    "agent": aid,
                    "staff": scenario.agents[aid].staff,
                    "responsible": c["responsible"],
                    "accountable": c["accountable"],
                    "staff_per_subject": round(per, 3),
                }
            )
    return sorted(out, key=lambda r: (r["staff_per_subject"], r["agent"]))


def has_problems(result: dict[str, Any]) -> bool:
    """True when the analysis found a gap (unreachable or unassigned subject)."""
    return bool(result["gaps"])
