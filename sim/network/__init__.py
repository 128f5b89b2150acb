"""The responsibility network (责任网络): who does what and who tells whom.

:mod:`sim.network.graph` builds one networkx graph from a scenario,
:mod:`sim.network.analysis` finds gaps, single points of failure and overloaded
agents, :mod:`sim.network.draw` draws it (optionally coloured by a run's load),
:mod:`sim.network.roles` checks that subjects work through responsible agents.
The package imports lazily: subject modules import :mod:`sim.network.roles`
while the scenario model is still being built.
"""

from __future__ import annotations

from typing import Any

__all__ = ["analyse", "build_graph", "handoff_graph"]


def __getattr__(name: str) -> Any:
    if name == "analyse":
        from sim.network.analysis import analyse

        return analyse
    if name in ("build_graph", "handoff_graph"):
        from sim.network import graph

        return getattr(graph, name)
    raise AttributeError(name)
