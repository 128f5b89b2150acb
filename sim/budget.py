"""Refuse, before starting, a run that needs more memory than the machine has.

A scenario within the documented limits (:mod:`sim.scenario.limits`) is
bounded, but a county of 50 million residents is still about 6 GB per run, and
a comparison runs one such replication per worker at once.  The estimate is
linear in the residents and the staff, fitted to measured peaks (the flagship's
240,000 residents: about 140 MB; ten times as many: about 350 MB) with a margin.
"""

from __future__ import annotations

import os

from sim.errors import DrillInputError
from sim.scenario.model import Scenario

BASE_BYTES = 200 * 2**20
"""Interpreter, libraries and the event log of an ordinary run."""
BYTES_PER_RESIDENT = 120
"""Person arrays (household, compound, zone, infection state …) per resident."""
BYTES_PER_STAFF = 1_000
"""Staff requests and roster events per member of staff."""


class BudgetError(DrillInputError):
    """The run would not fit in this machine's memory (exit 2, nothing was run)."""


def estimate_bytes(scenario: Scenario) -> int:
    """Peak memory of one replication of ``scenario``, estimated from its sizes."""
    staff = sum(a.staff for a in scenario.agents.values())
    return BASE_BYTES + BYTES_PER_RESIDENT * scenario.region.population + BYTES_PER_STAFF * staff


def available_bytes() -> int | None:
    """Memory available to new processes (``MemAvailable``), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _gb(n: float) -> str:
    return f"{n / 2**30:.1f} GB"


def check_memory(scenario: Scenario, copies: int = 1) -> None:
    """Raise :class:`BudgetError` if ``copies`` replications at once would not fit."""
    need = estimate_bytes(scenario) * max(1, copies)
    have = available_bytes()
    if have is None or need <= have:
        return
    at_once = f" ({copies} replications at once)" if copies > 1 else ""
    raise BudgetError(
        f"{scenario.meta.id}: a run needs about {_gb(need)} of memory{at_once} for "
        f"{scenario.region.population:,} residents, and this machine has {_gb(have)} "
        "available; use a smaller region" + (" or fewer parallel workers" if copies > 1 else "")
    )
