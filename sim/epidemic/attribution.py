"""Why did one plan infect someone that another plan, on the same seed, did not?

Under common random numbers two runs of the same seed draw the same offspring,
times and settings for every person, so an infection that happens only in run
*b* has a cause that can be read off the two event logs: the infector was found
(identified as a contact or detected by a positive test) later in *b*, or was
found at the same moment but isolated later, or was isolated at the same time
and the exposure was not thinned away in *b* (a zone or policy differed).  The
first two mean that something upstream of the isolation changed — a shared team
or laboratory was busier, a case that revealed a cluster was prevented; only
the last two arise with the infector found at the same moment in both runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.engine.log import EventLog

_STEPS = (
    ("detected_later", "lab_result_positive"),
    ("identified_later", "contact_identified"),
    ("isolated_later", "isolated"),
)
CAUSES = (*(name for name, _ in _STEPS), "exposure_not_thinned")
"""Causes of an extra infection, from the furthest upstream to the exposure itself."""


@dataclass(frozen=True)
class ExtraInfection:
    """The first infection of run *b* that run *a* did not have, and its cause."""

    person: str
    t: float
    source: str
    setting: str
    cause: str


def _firsts(log: EventLog, kind: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for e in log.of(kind):
        out.setdefault(e.entity, e.t)
    return out


def _later(a: dict[str, float], b: dict[str, float], who: str) -> bool:
    """``who`` reached this step later in *b* than in *a* (or only in *a*)."""
    if who not in a:
        return False
    return who not in b or b[who] > a[who] + 1e-9


def first_extra_infection(a: EventLog, b: EventLog) -> ExtraInfection | None:
    """The earliest infection in ``b`` absent from ``a``, with its cause; None if none."""
    in_a = {e.entity for e in a.of("infection")}
    extra = next((e for e in b.of("infection") if e.entity not in in_a), None)
    if extra is None:
        return None
    src = str(extra.details.get("source", ""))
    cause = next(
        (name for name, kind in _STEPS if _later(_firsts(a, kind), _firsts(b, kind), src)),
        CAUSES[-1],
    )
    return ExtraInfection(extra.entity, extra.t, src, str(extra.details.get("setting", "")), cause)
