"""The what-if fan: at a decision point, each option played out over paired replications.

SimPy cannot fork a running World, so each replication replays the drill from the
start with the room's earlier decisions as premises (``scenario.decisions``) and
the option under study applied at the decision.  Every option runs on the same
replication seeds (common random numbers), so the spread between options is the
decision's, not the dice's.  The objectives at stake are those the inject names,
else those of its subject.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.experiment.arms import ExperimentError
from sim.experiment.backends import batch_size, make_batches, process_pool, serial
from sim.experiment.seeds import replication_seeds
from sim.scenario.limits import MAX_RUNS

if TYPE_CHECKING:
    from sim.scenario.model import Scenario

MIN_RUNS = 20
"""Fewer paired replications than this give no spread worth showing."""


def what_if_fan(
    scenario: Scenario,
    inject_id: str,
    premises: Mapping[str, str] | None = None,
    runs: int = MIN_RUNS,
    seed: int | None = None,
    workers: int = 1,
    lang: str = "zh",
    progress: Callable[[int, int], None] | None = None,
    objectives: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Per option of decision ``inject_id``: the spread of each objective at stake.

    Returns ``{inject, runs, seed, options: [{id, label, objectives: [{id, title,
    median_h, p10_h, p90_h, met_share, achieved, values}]}], seeds}`` where
    ``achieved`` counts the replications in which the objective was achieved at all
    and ``values`` lists each replication's hours (None: not achieved), in seed order.
    ``objectives`` names the objectives at stake (default: the inject's, else its
    subject's, else every objective whose outcome differs between the options in
    any replication).  ``progress`` is told
    (done, total) replications as batches finish.
    """
    inj = next((i for i in scenario.injects if i.id == inject_id), None)
    if inj is None or inj.type != "decision":
        raise ExperimentError(f"`inject`: '{inject_id}' is not a decision point of the scenario")
    if not MIN_RUNS <= runs <= MAX_RUNS:
        raise ExperimentError(f"`runs` must be within {MIN_RUNS} … {MAX_RUNS}")
    stake = list(objectives or inj.objectives) or [
        o.id for o in scenario.objectives if o.subject == inj.subject
    ]
    every = not stake  # nothing named: every objective, kept where the options differ
    stake = stake or [o.id for o in scenario.objectives]
    unknown = [o for o in stake if o not in {x.id for x in scenario.objectives}]
    if unknown:
        raise ExperimentError(f"`objectives`: no objective '{unknown[0]}' in the scenario")
    base = {**scenario.decisions, **(premises or {})}
    ids = [o.id for o in inj.options]
    arms = [scenario.model_copy(update={"decisions": {**base, inj.id: option}}) for option in ids]
    seeds = replication_seeds(scenario.meta.seed if seed is None else seed, runs)
    todo = {option: list(enumerate(seeds)) for option in ids}
    batches = make_batches(ids, todo, batch_size(runs * len(ids), workers), workers)
    rows = process_pool(arms, batches, workers) if workers > 1 else serial(arms, batches)
    index = {seed: i for i, seed in enumerate(seeds)}
    values: dict[str, dict[str, list[float | None]]] = {
        o: {s: [None] * runs for s in stake} for o in ids
    }
    done = 0
    for batch in rows:
        done += len(batch)
        if progress is not None:
            progress(done, runs * len(ids))
        for row in batch:
            if row["status"] != "ok":
                raise ExperimentError(f"a replication failed: {row['error']}")
            for o in row["objectives"]:
                if o["id"] in values[row["plan"]]:
                    # hours for a time objective, its tally for a count objective
                    values[row["plan"]][o["id"]][index[row["seed"]]] = o["achieved_h"]
    if every:  # paired replications: an objective no option moves is not at stake
        stake = [sid for sid in stake if len({tuple(values[o][sid]) for o in ids}) > 1]
    titles = {o.id: o.title(lang) for o in scenario.objectives}
    # hours for a time objective, a tally for a count objective (validated: never unset)
    standards = {
        o.id: float((o.standard_h if o.is_time else o.standard) or 0.0) for o in scenario.objectives
    }
    return {
        "inject": inj.id,
        "runs": runs,
        "seed": scenario.meta.seed if seed is None else seed,
        "seeds": seeds,
        "options": [
            {
                "id": option,
                "label": inj.option(option).label(lang),
                "objectives": [
                    _spread(sid, titles[sid], standards[sid], values[option][sid]) for sid in stake
                ],
            }
            for option in ids
        ],
    }


def _spread(sid: str, title: str, standard: float, xs: list[float | None]) -> dict[str, Any]:
    done = np.asarray([x for x in xs if x is not None], dtype=float)
    met = sum(1 for x in xs if x is not None and x <= standard)
    return {
        "id": sid,
        "title": title,
        "standard_h": standard,
        "median_h": float(np.median(done)) if done.size else None,
        "p10_h": float(np.percentile(done, 10)) if done.size else None,
        "p90_h": float(np.percentile(done, 90)) if done.size else None,
        "met_share": met / len(xs) if xs else 0.0,
        "achieved": int(done.size),
        "values": xs,
    }
