"""What ``drill epi`` does, behind the thin typer command: validate, simulate, print, plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pydantic
import typer

from sim.epidemic.params import MODELS, ModelParams
from sim.epidemic.plot import plot_control
from sim.epidemic.reference import Outcome, simulate
from sim.outdir import check_file, record
from sim.scenario.limits import MAX_RUNS, MAX_SEED

PLOT = "p_control_vs_traced.png"


def settings(r0s: list[float], traced: list[float], options: dict[str, Any]) -> list[ModelParams]:
    """One validated :class:`ModelParams` per (R0, traced); ``ValueError`` names the bad field."""
    out = []
    for r0 in r0s:
        for share in traced:
            try:
                out.append(ModelParams(r0=r0, traced=share, **options))
            except pydantic.ValidationError as err:
                first = err.errors()[0]
                name = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "argument"
                raise ValueError(f"{name}: {first['msg']} (got {first.get('input')!r})") from None
    return out


def run_epi(
    r0s: list[float],
    traced: list[float],
    options: dict[str, Any],
    runs: int,
    seed: int,
    out: Path | None,
    as_json: bool,
    bad_input: type[Exception],
    model: str = "ringbp-1.0",
) -> list[Outcome]:
    """Simulate every (R0, traced) setting with ``runs`` outbreaks; print; plot into ``out``.

    ``model`` names the published version (:data:`sim.epidemic.params.MODELS`).
    """
    if model not in MODELS:
        raise bad_input(f"--model must be one of {', '.join(MODELS)} (got {model!r})")
    options = {**options, **MODELS[model]}
    if not 1 <= runs <= MAX_RUNS:
        raise bad_input(f"--runs must be within 1 … {MAX_RUNS:,}")
    if not 0 <= seed <= MAX_SEED:
        raise bad_input(f"--seed must be within 0 … {MAX_SEED}")
    try:
        params = settings(r0s, traced, options)
    except ValueError as err:
        raise bad_input(str(err)) from None
    if out is not None:
        check_file(Path(out) / PLOT)  # never replace a file drill did not write
    outcomes = [simulate(p, runs, seed) for p in params]
    plot = None
    if out is not None:
        plot = plot_control(outcomes, Path(out) / PLOT)
        record(Path(out), "epi", [plot.name])
    if as_json:
        rows = [o.summary() for o in outcomes]
        doc: dict[str, Any] = rows[0] if len(rows) == 1 else {"settings": rows}
        if plot is not None:
            doc["plot"] = str(plot)
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return outcomes
    for o in outcomes:
        low, high = o.wilson()
        p = o.params
        typer.echo(
            f"{model}: R0={p.r0:g} k={p.k:g} traced={p.traced:g} delay={p.delay} "
            f"quarantine={'yes' if p.quarantine else 'no'}: p(control) = {o.p_control:.3f} "
            f"(95% CI {low:.3f}–{high:.3f}), mean cumulative cases {o.cases.mean():.1f}, "
            f"runs {o.runs}"
        )
        weeks = o.weekly.mean(axis=0)
        shown = " ".join(f"{w:.1f}" for w in weeks[:17])
        typer.echo(f"  mean weekly cases by onset, weeks 0–16: {shown}")
    if plot is not None:
        typer.echo(f"plot: {plot}")
    return outcomes
