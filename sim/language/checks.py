"""Reference checks that span the base schema and the registered subjects."""

from __future__ import annotations

from sim.engine.events import EVENT_KINDS
from sim.scenario.checks import Problems
from sim.scenario.model import Scenario, network_problems, objective_problems
from sim.subjects.registry import REGISTRY, SUBJECTS


def simulated(scn: Scenario) -> list[str]:
    """The registered subjects the scenario simulates (its ``subjects:`` sections).

    Each needs a responsible agent; a registered subject a scenario leaves out
    needs none, so registering a new subject leaves every existing file valid.
    """
    return [name for name in SUBJECTS if scn.subject_params(name) is not None]


def subject_problems(scn: Scenario) -> Problems:
    """Each present subject's own checks, and the subjects it requires."""
    for name, subject in REGISTRY.items():
        params = scn.subject_params(name)
        if params is None:
            continue
        for other in subject.requires:
            if scn.subject_params(other) is None:
                yield ("subjects", name), f"needs the {other} subject, which is left out"
        for rel, message in subject.check(params, scn):
            yield ("subjects", name, *rel), message


def bare_problems(scn: Scenario) -> Problems:
    """Every reference problem except the MSEL's (injects and decisions)."""
    yield from network_problems(scn, SUBJECTS, simulated(scn))
    yield from objective_problems(scn, SUBJECTS, EVENT_KINDS)
    yield from subject_problems(scn)
