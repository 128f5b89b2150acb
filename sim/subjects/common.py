"""Small helpers shared by the subject modules: agent references and checks."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import Any

from sim.scenario.distributions import Dist
from sim.scenario.schema import Strict

Rel = tuple[str | int, ...]


def unknown_agents(scn: Any, refs: Iterable[tuple[Rel, str]]) -> Iterator[tuple[Rel, str]]:
    """Yield a problem for every ``(path, agent)`` naming no agent of the scenario."""
    for path, name in refs:
        if name not in scn.agents:
            close = difflib.get_close_matches(name, list(scn.agents), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            yield path, f"unknown agent '{name}'{hint}"


def missing_handoffs(scn: Any, path: Rel, chain: list[str]) -> Iterator[tuple[Rel, str]]:
    """Yield a problem for each consecutive pair of ``chain`` with no declared handoff."""
    for i, (a, b) in enumerate(pairwise(chain)):
        if a in scn.agents and b in scn.agents and scn.handoff(a, b) is None:
            yield (*path, i + 1), f"no handoff declared from '{a}' to '{b}'"


class AgentTask(Strict):
    """Work done by one agent, taking ``time`` hours of one staff member."""

    agent: str
    time: Dist
