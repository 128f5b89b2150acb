"""Many replications: plan comparison, capacity sweeps, the results store.

Public API (the ``drill compare`` and ``drill sweep`` commands are thin calls):

* :func:`compare` — baseline vs plan overlays, common random numbers, paired
  statistics, ``results.sqlite`` + ``comparison.json`` in the output directory.
* :func:`sweep` — vary scenario parameters one at a time; smallest value that
  meets an objective with probability ≥ target; tornado ranking.
* :func:`write_comparison` — write the document atomically.
* :func:`build_report_if_available` — the comparison report, by
  :func:`sim.report.write_report` (a failure is reported, not raised).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim import outdir
from sim.experiment.analysis import analyse
from sim.experiment.arms import (
    BASELINE,
    Arm,
    ExperimentError,
    Vary,
    compare_arms,
    parse_vary,
    sweep_arms,
)
from sim.experiment.progress import ProgressView, wanted
from sim.experiment.runner import Interrupted, default_workers, execute
from sim.experiment.sweep import analyse_sweep
from sim.heartbeat import heartbeat
from sim.heartbeat import wanted as lines_wanted
from sim.scenario.limits import MAX_SEED

__all__ = [
    "BASELINE",
    "ExperimentError",
    "Interrupted",
    "build_report_if_available",
    "compare",
    "default_out",
    "default_workers",
    "parse_precision",
    "parse_vary",
    "sweep",
    "write_comparison",
]

COMPARISON = "comparison.json"


def default_out(kind: str, scenario_id: str, ids: Sequence[str]) -> Path:
    """``reports/<kind>-<scenario>[+ids]`` under the working directory."""
    return Path("reports") / "+".join([f"{kind}-{scenario_id}", *ids])


def parse_precision(args: Sequence[str]) -> list[tuple[str | None, float]]:
    """``--precision 0.05`` (relative, every metric) or ``--precision METRIC=H`` (absolute)."""
    out: list[tuple[str | None, float]] = []
    for arg in args:
        name, _, value = arg.rpartition("=")
        try:
            h = float(value)
        except ValueError:
            raise ExperimentError(f"`precision` {arg}: expected H or METRIC=H") from None
        if not math.isfinite(h) or h <= 0:
            raise ExperimentError(f"`precision` {arg}: the half-width must be a number > 0")
        out.append((name or None, h))
    return out


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinity as ``null``: ``comparison.json`` is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def write_comparison(doc: dict[str, Any], out: Path) -> Path:
    """Write ``comparison.json`` atomically (write a temporary file, then rename)."""
    out = Path(out)
    with outdir.staging(out) as staged:
        with (staged / COMPARISON).open("w", encoding="utf-8") as fh:
            json.dump(_finite(doc), fh, ensure_ascii=False, indent=1, allow_nan=False)
            fh.write("\n")
        outdir.publish(staged, out, "compare", replace=False)
    return out / COMPARISON


def _run(
    arms: list[Arm],
    *,
    runs: int,
    seed: int | None,
    out: Path,
    resume: bool,
    workers: int | None,
    scheduler: str | None,
    quiet: bool,
    kind: str,
    objective: str | None = None,
    precision: Sequence[tuple[str | None, float]] = (),
) -> dict[str, Any]:
    seed = arms[0].scenario.meta.seed if seed is None else int(seed)
    if not 0 <= seed <= MAX_SEED:
        raise ExperimentError(f"`seed` must be within 0 … {MAX_SEED}")
    with (
        ProgressView(wanted(quiet), objective) as view,
        heartbeat(view.status, lines_wanted(quiet) and not wanted(quiet)),
    ):
        store = execute(
            arms,
            runs=runs,
            seed=seed,
            out=out,
            resume=resume,
            workers=workers,
            scheduler=scheduler,
            kind=kind,
            on_start=view.start,
            on_rows=view.rows,
        )
    try:
        rows = store.rows(runs)
    finally:
        store.close()
    doc = analyse(arms, rows, runs=runs, seed=seed, precision=precision)
    for name, _ in precision:
        if name is not None and name not in doc["metrics"]:
            raise ExperimentError(f"`precision` {name}: no such metric")
    return doc


def compare(
    scenario: str | Path,
    plans: Sequence[str | Path],
    *,
    runs: int = 100,
    seed: int | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    quiet: bool = False,
    precision: Sequence[tuple[str | None, float]] = (),
) -> tuple[dict[str, Any], Path]:
    """Compare the scenario (baseline) with each plan over ``runs`` paired replications.

    Returns the comparison document and the output directory, which holds
    ``results.sqlite`` and ``comparison.json``.
    """
    arms = compare_arms(scenario, plans)
    out = (
        Path(out)
        if out
        else default_out("compare", arms[0].scenario.meta.id, [a.id for a in arms[1:]])
    )
    doc = _run(
        arms,
        runs=runs,
        seed=seed,
        out=out,
        resume=resume,
        workers=workers,
        scheduler=scheduler,
        quiet=quiet,
        kind="compare",
        precision=precision,
    )
    write_comparison(doc, out)
    return doc, out


def sweep(
    scenario: str | Path,
    varies: Sequence[Vary | str],
    *,
    plans: Sequence[str | Path] = (),
    objective: str | None = None,
    target: float = 0.95,
    runs: int = 100,
    seed: int | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    quiet: bool = False,
) -> tuple[dict[str, Any], Path]:
    """Vary each parameter over its values (one at a time); see :mod:`sim.experiment.sweep`."""
    if not varies:
        raise ExperimentError("give at least one `vary` PATH=VALUES")
    if not 0 < target < 1:
        raise ExperimentError("`target` must be between 0 and 1")
    parsed = [v if isinstance(v, Vary) else parse_vary(v) for v in varies]
    arms = sweep_arms(scenario, parsed, plans)
    ids = {o.id for o in arms[0].scenario.objectives}
    if objective is not None and objective not in ids:
        raise ExperimentError(
            f"`objective` {objective}: no such objective (have: {', '.join(sorted(ids))})"
        )
    out = (
        Path(out)
        if out
        else default_out("sweep", arms[0].scenario.meta.id, [v.path[-1] for v in parsed])
    )
    doc = _run(
        arms,
        runs=runs,
        seed=seed,
        out=out,
        resume=resume,
        workers=workers,
        scheduler=scheduler,
        quiet=quiet,
        kind="sweep",
        objective=objective,
    )
    doc["sweep"] = analyse_sweep(doc, arms, parsed, objective, target)
    write_comparison(doc, out)
    return doc, out


def build_report_if_available(out: Path, lang: str) -> tuple[bool, str]:
    """Write the comparison's after-action report with :func:`sim.report.write_report`.

    Returns ``(built, message)``: the report's location, or why it failed.  The
    comparison itself is written before and kept either way, so a report failure
    is only reported, never raised.
    """
    from sim.report import write_report  # imported late: workers never need matplotlib

    try:
        html = write_report(out, lang)
    except Exception as exc:  # the comparison is written; a report failure is only reported
        return False, f"report failed: {type(exc).__name__}: {exc}"
    return True, f"report: {html}"
