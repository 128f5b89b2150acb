"""Checks that a subject's work is configured on agents the network makes responsible.

A subject module names the agents that do its work (the transfer team, the
verifiers...).  The responsibility network is the contract: an agent doing a
subject's work must be responsible (R) or accountable (A) for that subject, so
that the analysis of who does what describes what the simulation does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

Rel = tuple[str | int, ...]


def not_responsible(
    scn: Any, subject: str, refs: Iterable[tuple[Rel, str]]
) -> Iterator[tuple[Rel, str]]:
    """Yield a problem for each ``(path, agent)`` that is neither R nor A for ``subject``."""
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
