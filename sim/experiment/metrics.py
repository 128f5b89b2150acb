"""Per-replication metrics: the numeric leaves of a run summary, flattened.

A comparison stores, for each (plan, replication), a flat ``{name: number}``
map taken from :func:`sim.api.run_drill`'s summary, so that any numeric field
another subject adds to the summary is compared without changes here.  Each
objective contributes ``objective.<id>.achieved_h`` (a count objective
``objective.<id>.achieved``; ``None`` when never achieved) and
``objective.<id>.met`` (1 when achieved within its standard); each index case
``index_cases.<id>.found`` (1 when found) and ``.found_h`` (``None`` when not).
"""

from __future__ import annotations

from typing import Any

SKIP = frozenset({"seed", "duration_h", "events", "agents", "objectives"})
"""Top-level summary keys that are not outcomes (or are handled separately)."""


def _walk(node: Any, prefix: str, out: dict[str, float | None]) -> None:
    if isinstance(node, bool):
        out[prefix] = int(node)
    elif isinstance(node, int | float):
        out[prefix] = node
    elif isinstance(node, dict):
        for key, value in node.items():
            _walk(value, f"{prefix}.{key}" if prefix else str(key), out)


def objective_outcomes(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Per objective: ``id``, ``kind`` (time or count), ``achieved_h`` (what it achieved in
    its unit — hours, or the count — or None), ``met`` (0/1) and ``rating``."""
    out = []
    for o in summary.get("objectives", []):
        achieved = o.get("achieved", o.get("achieved_h"))
        met = achieved is not None and achieved <= o.get("standard", o.get("standard_h"))
        out.append(
            {
                "id": o["id"],
                "kind": o.get("kind", "time"),
                "achieved_h": achieved,
                "met": int(met),
                "rating": o.get("rating"),
            }
        )
    return out


def achieved_metric(oid: str, kind: str) -> str:
    """The metric of what objective ``oid`` achieved: hours (``.achieved_h``) or a count
    (``.achieved``)."""
    return f"objective.{oid}.achieved_h" if kind == "time" else f"objective.{oid}.achieved"


def flatten(summary: dict[str, Any]) -> dict[str, float | None]:
    """The metrics of one replication, by dotted name."""
    out: dict[str, float | None] = {}
    for key, value in summary.items():
        if key not in SKIP:
            _walk(value, key, out)
    for o in objective_outcomes(summary):
        out[achieved_metric(o["id"], o["kind"])] = o["achieved_h"]
        out[f"objective.{o['id']}.met"] = o["met"]
    for c in summary.get("index_cases", []):
        out[f"index_cases.{c['id']}.found"] = int(c["found_by"] is not None)
        out[f"index_cases.{c['id']}.found_h"] = c["found_h"]
    return out


def is_count_breakdown(name: str) -> bool:
    """Metrics under a ``by_*`` mapping are counts whose absent keys mean zero."""
    return any(part.startswith("by_") for part in name.split(".")[:-1])
