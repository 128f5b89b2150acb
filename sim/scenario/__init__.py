"""Scenario language: YAML files validated into a frozen, typed :class:`Scenario`.

This package is the bottom of the data flow and knows no subject: the subjects'
sections are added by the composition root, :mod:`sim.language`, whose
:func:`~sim.language.load_scenario` (also ``sim.load_scenario``) validates a file
against every registered subject.
"""

from sim.scenario.model import Scenario
from sim.scenario.source import Problem, ScenarioError

__all__ = ["Problem", "Scenario", "ScenarioError"]
