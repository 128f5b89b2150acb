"""The composition root of the scenario language: the base schema plus every
registered subject's section, the epidemic's and the checks that span them.

:mod:`sim.scenario` knows no subject; this package assembles the whole model
from :mod:`sim.subjects.registry` and hands it to the loader, so
:func:`load_scenario` — also exported as ``sim.load_scenario`` — validates all
nine subjects whoever calls it, a notebook included.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sim.engine.events import EVENT_KINDS
from sim.language.checks import simulated, subject_problems
from sim.language.inject_checks import inject_problems
from sim.language.model import ScenarioModel, SubjectParams
from sim.scenario.checks import Problems, Rel
from sim.scenario.load import load
from sim.scenario.model import Scenario, network_problems, objective_problems
from sim.scenario.settings import RETIRED, SETTINGS
from sim.scenario.source import Problem, ScenarioWarning
from sim.subjects.registry import SUBJECTS

__all__ = ["ScenarioModel", "SubjectParams", "load_scenario", "reference_problems"]


def reference_problems(scn: Scenario) -> Problems:
    """``(path, message)`` for every reference the schema alone cannot check."""
    yield from network_problems(scn, SUBJECTS, simulated(scn))
    yield from inject_problems(scn)
    yield from objective_problems(scn, SUBJECTS, EVENT_KINDS)
    yield from subject_problems(scn)


def deprecations(scn: Scenario) -> Iterator[tuple[Rel, str]]:
    """Values that still validate but are retired: contact settings never drawn, and an
    objective's ``local`` (now ``unsourced``: ``local`` names local infections)."""
    for i, obj in enumerate(scn.objectives):
        if obj.local is not None:
            yield (
                ("objectives", i, "local"),
                "deprecated: an objective's `local` is now `unsourced` "
                "(a local or unsourced objective); `local` still works",
            )
    for path, table in _settings_tables(scn.model_dump(include={"subjects", "epidemic"})):
        for name in table:
            if name in RETIRED:
                yield (
                    (*path, name),
                    f"deprecated: contact setting '{name}' is never drawn by the epidemic "
                    f"and has no effect (settings: {', '.join(SETTINGS)})",
                )


def _settings_tables(node: Any, path: Rel = ()) -> Iterator[tuple[Rel, dict[str, Any]]]:
    """Mappings whose keys are all contact settings (retired ones included)."""
    if isinstance(node, dict):
        if node and all(k in SETTINGS + RETIRED for k in node) and any(k in RETIRED for k in node):
            yield path, node
            return
        for key, value in node.items():
            yield from _settings_tables(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _settings_tables(value, (*path, i))


def load_scenario(path: str | Path, plans: Sequence[str | Path] = ()) -> Scenario:
    """Read ``path``, overlay ``plans`` in order, validate against every subject.

    Raises :class:`~sim.scenario.ScenarioError` listing every problem as
    ``FILE:LINE: dotted.path: message`` (the line of the file — scenario or plan —
    that set the value).  Retired values give a :class:`~sim.scenario.source.ScenarioWarning`
    with the same location.
    """
    problems: list[Problem] = []
    scenario = load(path, plans, ScenarioModel, reference_problems, deprecations, problems)
    for problem in problems:
        warnings.warn(ScenarioWarning(problem), stacklevel=2)
    return scenario
