"""Epidemic fidelity: the flagship's epidemiology beside field data (issue 14).

``python benchmarks/bench_fidelity.py [--seeds N] [--first S] [--scenario FILE]``
runs the scenario (default: the flagship) on seeds S … S+N−1 and prints, for
every row of ``benchmarks/fidelity-targets.yaml``, the realised value with a
95% bootstrap interval (resampling runs), the field range, whether the pass
rule holds, and the source.  The strain's intrinsic values (no control) are
printed for comparison.  Calibration used seeds 1–50; report on seeds 51–100.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import yaml

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--first", type=int, default=51)
    parser.add_argument("--scenario", type=Path, default=FLAGSHIP)
    parser.add_argument("--reps", type=int, default=300, help="bootstrap replicates")
    args = parser.parse_args()
    seeds = range(args.first, args.first + args.seeds)
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
    print(f"{'quantity':<62}{'value':>8}  {'95% interval':<16}{'field':<12}{'pass':<6}")
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
            f"{row['label']:<62}{value:>8.3f}  {lo:.3f}–{hi:.3f}".ljust(88) + f"{field:<12}{mark}"
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
