"""Epidemic fidelity: the flagship's epidemiology beside field data (issue 14).

``python benchmarks/bench_fidelity.py [--seeds N] [--first S] [--scenario FILE]``
runs the scenario (default: the flagship) on seeds S … S+N−1 and prints, for
every row of ``benchmarks/fidelity-targets.yaml``, the realised value with a
95% bootstrap interval (resampling runs), the field range, whether the pass
rule holds, and the source.  The strain's intrinsic values (no control) are
printed for comparison.  Calibration used seeds 1–50; report on seeds 51–100.

``--paired PLAN`` instead runs the scenario with and without ``PLAN`` (a file
of ``scenarios/plans``) on the same seeds (common random numbers) and prints
the mean paired difference of local infections with its 95% t interval.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.api import FLAGSHIP, run_drill
from sim.epidemic import fidelity
from sim.language import load_scenario

TARGETS = Path(__file__).resolve().parent / "fidelity-targets.yaml"


def passes(row: dict[str, Any], value: float) -> bool | None:
    """The row's pass rule applied to the point estimate (None: no rule)."""
    if row["rule"] == "inside":
        return bool(row["low"] <= value <= row["high"])
    if row["rule"] == "above":
        return bool(value > row["low"])
    return None


def paired(scenario: Path, plan: Path, seeds: range) -> None:
    """Local infections with and without ``plan`` on the same seeds: the paired difference."""
    base, other = load_scenario(scenario), load_scenario(scenario, [plan])
    a, b = [], []
    leaked = {"a": 0, "b": 0}
    by_travellers = {"a": 0.0, "b": 0.0}
    for s in seeds:
        for key, scn, out in (("a", base, a), ("b", other, b)):
            result = run_drill(scn, s)
            out.append(result.summary["infections"]["local"])
            leaked[key] += len(result.log.of("infected_arrival", checked=False))
            facts = fidelity.run_facts(result.log, scn.meta.duration_h)
            by_travellers[key] += facts.by_travellers
    d = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size) if d.size > 1 else 0
    print(
        f"{plan.stem} − {scenario.stem}, seeds {seeds.start}–{seeds.stop - 1}: local infections "
        f"{np.mean(a):.3f} → {np.mean(b):.3f}; paired difference {d.mean():+.3f} "
        f"(95% CI {d.mean() - half:+.3f} … {d.mean() + half:+.3f}); "
        f"fewer / more / equal: {(d < 0).sum()} / {(d > 0).sum()} / {(d == 0).sum()}"
    )
    n = len(seeds)
    print(
        f"infected travellers leaked per run {leaked['a'] / n:.3f} → {leaked['b'] / n:.3f}; "
        f"infections caused by travellers per run {by_travellers['a'] / n:.3f} → "
        f"{by_travellers['b'] / n:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--first", type=int, default=51)
    parser.add_argument("--scenario", type=Path, default=FLAGSHIP)
    parser.add_argument("--reps", type=int, default=300, help="bootstrap replicates")
    parser.add_argument("--paired", type=Path, default=None, metavar="PLAN")
    args = parser.parse_args()
    seeds = range(args.first, args.first + args.seeds)
    if args.paired is not None:
        paired(args.scenario, args.paired, seeds)
        return
    t0 = time.perf_counter()
    scn = load_scenario(args.scenario)
    facts = [fidelity.run_facts(run_drill(scn, s).log, scn.meta.duration_h) for s in seeds]
    elapsed = time.perf_counter() - t0
    est = fidelity.estimates(facts)
    ci = fidelity.bootstrap(facts, args.reps)
    own = fidelity.intrinsic(scn.epidemic.model())
    rows = yaml.safe_load(TARGETS.read_text(encoding="utf-8"))
    print(
        f"{args.scenario.name}, seeds {seeds.start}–{seeds.stop - 1} ({len(facts)} runs, "
        f"{elapsed:.0f} s); preset {scn.epidemic.preset}"
    )
    print(f"{'quantity':<62}{'value':>9}  {'95% interval':<16}{'field':<12}{'pass':<6}")
    failed = 0
    for row in rows:
        value = est[row["key"]]
        lo, hi = ci[row["key"]]
        if row["rule"] == "inside":
            field = f"{row['low']:g}–{row['high']:g}"
        elif row["rule"] == "above":
            field = f"> {row['low']:g}"
        else:
            field = "—"
        ok = passes(row, value)
        failed += ok is False
        mark = "" if ok is None else ("yes" if ok else "NO")
        print(
            f"{row['label']:<62}{value:>9.4f}  {lo:.3f}–{hi:.3f}".ljust(89) + f"{field:<12}{mark}"
        )
        print(f"    {row['kind']}; {row['estimator']}")
        print(f"    source: {row['source']}")
    print(
        f"local infections per run {est['local_infections_per_run']:.2f}, imported "
        f"{est['imported_infections_per_run']:.2f}"
    )
    print(
        "intrinsic (the strain without control): "
        f"incubation {own['incubation_mean_d']:.2f} d, generation time "
        f"{own['generation_time_mean_d']:.2f} d, pre-symptomatic share "
        f"{own['presymptomatic_share']:.3f}"
    )
    print("all targets met" if not failed else f"{failed} target(s) missed")


if __name__ == "__main__":
    main()
