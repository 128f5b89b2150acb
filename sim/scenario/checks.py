"""Reference checks shared by every part of the language: names that must exist.

pydantic checks each value on its own; these check what one value says about
another (an agent named in a subject must be declared, a chain of agents needs
declared handoffs, an agent doing a subject's work must be responsible for it).
Every check yields ``(path, message)`` with the path relative to where it is
called, so the loader can name the file and line that set the value.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario.model import Scenario
    from sim.scenario.schema import Region

Rel = tuple[str | int, ...]
"""A path into the scenario data: keys and list indices."""

Problems = Iterator[tuple[Rel, str]]


def suggest(name: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``options``, or nothing.

    Callers pass the names valid *at that place*, so a valid key in the wrong
    place is never answered with itself.
    """
    close = difflib.get_close_matches(name, [o for o in options if o != name], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown_agents(scn: Scenario, refs: Iterable[tuple[Rel, str]]) -> Problems:
    """A problem for every ``(path, agent)`` naming no agent of the scenario."""
    for path, name in refs:
        if name not in scn.agents:
            yield path, f"unknown agent '{name}'{suggest(name, scn.agents)}"


def missing_handoffs(scn: Scenario, path: Rel, chain: list[str]) -> Problems:
    """A problem for each consecutive pair of ``chain`` with no declared handoff."""
    for i, (a, b) in enumerate(pairwise(chain)):
        if a in scn.agents and b in scn.agents and scn.handoff(a, b) is None:
            yield (*path, i + 1), f"no handoff declared from '{a}' to '{b}'"


def not_responsible(scn: Scenario, subject: str, refs: Iterable[tuple[Rel, str]]) -> Problems:
    """A problem for each ``(path, agent)`` that is neither R nor A for ``subject``.

    The responsibility network is the contract: an agent doing a subject's work
    must be responsible or accountable for it, so that the analysis of who does
    what describes what the simulation does.
    """
    raci = scn.responsibilities.get(subject)
    if raci is None:
        return
    allowed = {*raci.responsible, raci.accountable}
    for path, agent in refs:
        if agent in scn.agents and agent not in allowed:
            yield (
                path,
                f"agent '{agent}' does {subject} work but is not responsible or accountable "
                f"for it in responsibilities.{subject}",
            )


def community_ids(region: Region) -> list[str]:
    """``township/community`` of every community, in the population's order."""
    return [f"{tid}/{cid}" for tid, t in region.townships.items() for cid in t.communities]
