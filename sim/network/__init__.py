"""The responsibility network (责任网络): who does what and who tells whom.

:mod:`sim.network.graph` builds one networkx graph from a scenario,
:mod:`sim.network.analysis` finds gaps, single points of failure and overloaded
agents, :mod:`sim.network.draw` draws it (optionally coloured by a run's load).
That a subject's work is done by responsible agents is checked when a scenario
loads (:func:`sim.scenario.checks.not_responsible`).
"""

from sim.network.analysis import analyse
from sim.network.graph import build_graph, handoff_graph

__all__ = ["analyse", "build_graph", "handoff_graph"]
