"""Scenario language: YAML files validated into a frozen, typed :class:`Scenario`."""

from sim.scenario.load import load_scenario
from sim.scenario.model import Scenario
from sim.scenario.source import Problem, ScenarioError

__all__ = ["Problem", "Scenario", "ScenarioError", "load_scenario"]
