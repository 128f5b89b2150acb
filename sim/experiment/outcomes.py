"""What a comparison reports first: key outcomes, and which metrics differ at all.

A replication's metrics are the ~120 numeric leaves of its summary; a planner
asks about a few of them — infections, rooms and tubes used, when the
area-wide round was done, how long a contact waited for isolation — and about
the others only where a plan changed them.  This module names the key outcomes
(each computed from one replication's flat metrics) and sorts every other
metric into one of three groups:

* ``inputs`` — parameters the summary repeats (a policy setting, a lab's
  machines or capacity, an objective's standard): never outcomes;
* ``differ`` — some plan's paired difference from the baseline has an interval
  that excludes 0, or the metric exists in some plans only (a mobile lab);
* ``same`` — everything else: outcomes no plan changed, folded away in reports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Metrics = Mapping[str, float | None]

INPUT_PARTS = frozenset({"policy"})
"""A metric under one of these keys is a setting the summary repeats."""
INPUT_LEAVES = frozenset({"standard_h", "standard", "machines", "capacity_tubes_per_day"})
"""A metric ending in one of these is a parameter of the scenario, not an outcome."""


def is_input(name: str) -> bool:
    """Whether ``name`` is a constant input of the scenario rather than an outcome."""
    parts = name.split(".")
    return parts[-1] in INPUT_LEAVES or any(p in INPUT_PARTS for p in parts[:-1])


def _one(name: str) -> Callable[[Metrics], float | None]:
    return lambda m: m.get(name)


def _lab_tubes(m: Metrics) -> float | None:
    tubes = [
        v
        for k, v in m.items()
        if k.startswith("mass_testing.labs.") and k.endswith(".tubes") and v is not None
    ]
    return float(sum(tubes)) if tubes else None


def _first_round(m: Metrics) -> float | None:
    """Hours the first area-wide round took: the testing section's own rating (kept for
    one release), else the shipped scenarios' objective ``mass-round-24h``."""
    for name in (
        "mass_testing.objectives.first_county_round_24h.achieved_h",
        "objective.mass-round-24h.achieved_h",
    ):
        if m.get(name) is not None:
            return m[name]
    return None


@dataclass(frozen=True)
class KeyOutcome:
    """One outcome of the verdict: its id, zh/en label, unit and how to read it."""

    id: str
    label: dict[str, str]
    unit: str
    """``h`` (hours) or ``count``: both are levels ≥ 0."""
    value: Callable[[Metrics], float | None]


KEY_OUTCOMES: tuple[KeyOutcome, ...] = (
    KeyOutcome(
        "infections",
        # local and imported together for now: the summary does not yet split them
        {"zh": "感染人数", "en": "infections"},
        "count",
        _one("infections.total"),
    ),
    KeyOutcome(
        "rooms_used",
        {"zh": "集中隔离房间（同时占用峰值）", "en": "quarantine rooms used (peak)"},
        "count",
        _one("isolation.rooms_peak"),
    ),
    KeyOutcome("tubes_used", {"zh": "检测管数", "en": "test tubes used"}, "count", _lab_tubes),
    KeyOutcome(
        "round_completion_h",
        {"zh": "首轮全员核酸完成用时", "en": "first area-wide round completed"},
        "h",
        _first_round,
    ),
    KeyOutcome(
        "isolation_h",
        {"zh": "密接端到端隔离用时（中位数）", "en": "end-to-end isolation time (median)"},
        "h",
        _one("isolation.end_to_end_h.median"),
    ),
)


def key_values(outcome: KeyOutcome, reps: Mapping[int, Metrics]) -> dict[int, float]:
    """The outcome in each replication that has it, by replication number."""
    out = {}
    for r in sorted(reps):
        v = outcome.value(reps[r])
        if v is not None:
            out[r] = float(v)
    return out


def group_metrics(
    names: Sequence[str],
    present: Mapping[str, set[str]],
    plans: Sequence[str],
    differences: Sequence[dict[str, Any]],
) -> dict[str, list[str]]:
    """``{"differ": [...], "same": [...], "inputs": [...]}`` over ``names``.

    ``present`` maps a metric to the plans with at least one value of it;
    ``differences`` are the comparison's paired differences (plan − baseline).
    """
    significant = {d["metric"] for d in differences if d.get("significant")}
    groups: dict[str, list[str]] = {"differ": [], "same": [], "inputs": []}
    for name in names:
        if is_input(name):
            groups["inputs"].append(name)
        elif name in significant or present.get(name, set()) != set(plans):
            groups["differ"].append(name)
        else:
            groups["same"].append(name)
    return groups
