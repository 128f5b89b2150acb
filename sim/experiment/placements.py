"""Plan effects over many seeds, read from each replication's event log.

Small helpers for the questions of the transfer-and-isolation subject — does a
plan make an objective measurably worse, where does the overflow go — used by
the tests on a few seeds and by hand on 200 (see ``docs/model.md``).  Every
figure comes from the runs' event logs and summaries.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sim.api import run_drill
from sim.scenario.model import Scenario


def objective_over_seeds(
    scenario: Scenario, objective: str, seeds: Iterable[int]
) -> dict[str, Any]:
    """Mean achieved hours, share meeting the standard and ratings of one objective.

    A run where the objective was never achieved counts as not meeting it and is
    left out of the mean (``unachieved`` says how many).
    """
    achieved: list[float] = []
    ratings: Counter[str] = Counter()
    n = met = 0
    standard = None
    for seed in seeds:
        row = next(
            o for o in run_drill(scenario, seed).summary["objectives"] if o["id"] == objective
        )
        standard = row["standard"]  # in the objective's unit: hours, or a count
        n += 1
        ratings[row["rating"]] += 1
        if row["achieved"] is not None:
            achieved.append(row["achieved"])
            met += row["achieved"] <= standard
    return {
        "plans": [p.id for p in scenario.applied_plans],
        "objective": objective,
        "runs": n,
        "standard_h": standard,
        "mean_achieved_h": round(statistics.fmean(achieved), 4) if achieved else None,
        "sd_achieved_h": round(statistics.stdev(achieved), 4) if len(achieved) > 1 else None,
        "share_meeting_standard": round(met / n, 4) if n else None,
        "unachieved": n - len(achieved),
        "ratings": dict(sorted(ratings.items())),
    }


def placements_over_seeds(scenario: Scenario, seeds: Iterable[int]) -> dict[str, Any]:
    """Where people were isolated (mode/site), and how often each site filled up."""
    placed: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    n = 0
    for seed in seeds:
        log = run_drill(scenario, seed).log
        n += 1
        for e in log.of("isolated"):
            placed[f"{e.details['mode']}:{e.details.get('site', '')}".rstrip(":")] += 1
        for site in {e.entity for e in log.of("site_full")}:
            filled[site] += 1
    return {
        "plans": [p.id for p in scenario.applied_plans],
        "runs": n,
        "isolated_per_run": {k: round(v / n, 3) for k, v in sorted(placed.items())},
        "runs_site_full": dict(sorted(filled.items())),
    }


def main(argv: list[str] | None = None) -> None:
    """``python -m sim.experiment.placements [RUNS]``: the transfer plans over seeds 1..RUNS."""
    import json
    import sys

    from sim.api import FLAGSHIP
    from sim.language import load_scenario

    args = sys.argv[1:] if argv is None else argv
    runs = int(args[0]) if args else 200
    seeds = range(1, runs + 1)
    plans = FLAGSHIP.parent / "plans"
    for plan in ([], [plans / "half-vehicles.yaml"]):
        scn = load_scenario(FLAGSHIP, plan)
        print(json.dumps(objective_over_seeds(scn, "contacts-quarantined-12h", seeds)), flush=True)
    for plan in ([], [plans / "no-second-site.yaml"]):
        scn = load_scenario(FLAGSHIP, plan)
        print(json.dumps(placements_over_seeds(scn, seeds)), flush=True)


if __name__ == "__main__":
    main()
