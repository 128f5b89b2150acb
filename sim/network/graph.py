"""One networkx MultiDiGraph of the command structure, built from a scenario.

Nodes are the scenario's agents (attributes: ``type="agent"``, ``layer``,
``kind``, ``staff``, ``name_zh``, ``name_en``) and one node per drill subject
(``subject:<code name>``, ``type="subject"``).  Edges carry ``rel``:

- ``reports_to``: agent → superior (the reporting line of the org chart);
- ``handoff``: sender → receiver, with ``channel`` and ``delay_mean_h`` — the
  paths along which a report or a work order actually travels in the simulation;
- ``raci``: agent → subject node with ``role`` one of R, A, C, I.

Analysis and drawing read this graph; the simulation routes its handoffs
through the same scenario declarations (``World.handoff``), so what the
analysis calls unreachable is also what the simulation cannot deliver.
"""

from __future__ import annotations

import networkx as nx

from sim.scenario.model import Scenario
from sim.subjects.registry import SUBJECTS

ROLES = {"responsible": "R", "accountable": "A", "consulted": "C", "informed": "I"}


def subject_node(subject: str) -> str:
    """The graph node of a drill subject."""
    return f"subject:{subject}"


def build_graph(scenario: Scenario) -> nx.MultiDiGraph:
    """The whole responsibility network of ``scenario`` (plans already applied)."""
    g = nx.MultiDiGraph(scenario=scenario.meta.id)
    for aid, a in scenario.agents.items():
        g.add_node(
            aid,
            type="agent",
            layer=a.layer,
            kind=a.kind,
            staff=a.staff,
            name_zh=a.name.zh,
            name_en=a.name.en,
            assumption=a.assumption,
        )
    for subject in SUBJECTS:
        g.add_node(subject_node(subject), type="subject", subject=subject)
    for aid, a in scenario.agents.items():
        for boss in a.reports_to:
            g.add_edge(aid, boss, rel="reports_to")
    for h in scenario.handoffs:
        g.add_edge(h.from_, h.to, rel="handoff", channel=h.channel, delay_mean_h=h.delay.mean)
    for subject, raci in scenario.responsibilities.items():
        node = subject_node(subject)
        for role, letter in ROLES.items():
            value = getattr(raci, role)
            for aid in [value] if isinstance(value, str) else value:
                g.add_edge(aid, node, rel="raci", role=letter)
    return g


def handoff_graph(g: nx.MultiDiGraph) -> nx.DiGraph:
    """The agents and the handoff edges only: where information can flow.

    Parallel handoffs collapse into one edge carrying the shortest mean delay.
    """
    h = nx.DiGraph()
    h.add_nodes_from((n, d) for n, d in g.nodes(data=True) if d["type"] == "agent")
    for u, v, d in g.edges(data=True):
        if d["rel"] != "handoff":
            continue
        if h.has_edge(u, v):
            h[u][v]["delay_mean_h"] = min(h[u][v]["delay_mean_h"], d["delay_mean_h"])
        else:
            h.add_edge(u, v, delay_mean_h=d["delay_mean_h"], channel=d["channel"])
    return h


def raci_of(g: nx.MultiDiGraph, subject: str) -> dict[str, list[str]]:
    """``{R: [...], A: [...], C: [...], I: [...]}`` for ``subject`` read from the graph."""
    out: dict[str, list[str]] = {letter: [] for letter in ROLES.values()}
    for u, _, d in g.in_edges(subject_node(subject), data=True):
        if d["rel"] == "raci":
            out[d["role"]].append(u)
    return out
