"""The drill subjects the engine simulates: one line per subject, in install order.

The install order is the order in which subjects subscribe to events and draw
their first random numbers, so it is part of what a seed means: append a new
subject at the end.  People read subjects in the drill's own order
(:attr:`Subject.order`, seed 001), which :func:`listed` gives.
"""

from __future__ import annotations

from typing import Any

from sim.subjects import (
    data_verification,
    reporting,
    routine_prevention,
    testing,
    tracing,
    traffic_control,
    transfer_isolation,
    treatment,
    zone_control,
)
from sim.subjects.base import Subject

REGISTRY: dict[str, Subject[Any]] = {
    s.name: s
    for s in (
        traffic_control.SUBJECT,
        testing.SUBJECT,
        reporting.SUBJECT,
        tracing.SUBJECT,
        data_verification.SUBJECT,
        transfer_isolation.SUBJECT,
        treatment.SUBJECT,
        zone_control.SUBJECT,
        routine_prevention.SUBJECT,
    )
}
"""Every subject by name, in install order."""


def listed() -> list[Subject[Any]]:
    """The subjects in the drill's order (seed 001), for people to read."""
    return sorted(REGISTRY.values(), key=lambda s: s.order)


SUBJECTS: tuple[str, ...] = tuple(s.name for s in listed())
"""The subjects' names in the drill's order."""


def label(name: str, lang: str) -> str:
    """The subject's name in ``lang`` (zh or en); a name that is no subject passes through."""
    subject = REGISTRY.get(name)
    return name if subject is None else subject.label(lang)
