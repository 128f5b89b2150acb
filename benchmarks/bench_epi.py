"""Benchmarks of the transmission model.

``python benchmarks/bench_epi.py`` times ``drill epi``'s engine on the eight
validation settings of issue 4 (1,000 simulations each by default) and prints
p(control) against ringbp 1.0.  Target: all 8,000 simulations in ≤ 25 s on a
2-core machine (ringbp 1.0 took 614 s for 8 × 500).

``python benchmarks/bench_epi.py --transfer 200`` runs the flagship drill on
seeds 1..200 with less and more transfer capacity (the fleet doubled; half the
fleet against the flagship's), paired under common random numbers, and prints
mean infections, the paired difference with its 95% interval, on how many seeds
more capacity infected fewer or more, and for the latter the cause of the first
extra infection (:mod:`sim.epidemic.attribution`).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_reference(runs: int, seed: int) -> None:
    from sim.epidemic.reference import simulate
    from sim.epidemic.validation import REFERENCE, SETTINGS, tolerance

    print(f"{'setting':8}{'runs':>6}{'p(control)':>12}{'ringbp 1.0':>12}{'|diff|':>8}"
          f"{'tol':>7}{'seconds':>9}{'sims/s':>9}")  # fmt: skip
    total = 0.0
    for name, params in SETTINGS.items():
        t0 = time.perf_counter()
        o = simulate(params, runs, seed)
        dt = time.perf_counter() - t0
        total += dt
        ref = REFERENCE[name][0]
        tol = tolerance(o.p_control, runs, ref)
        print(f"{name:8}{runs:>6}{o.p_control:>12.3f}{ref:>12.3f}{abs(o.p_control - ref):>8.3f}"
              f"{tol:>7.3f}{dt:>9.2f}{runs / dt:>9.0f}")  # fmt: skip
    n = runs * len(SETTINGS)
    print(f"all {n} simulations: {total:.1f} s ({n / total:.0f} per second; ringbp 1.0: "
          f"{4000 / 614:.1f} per second)")  # fmt: skip


PAIRS = {
    "double-fleet": ([], ["double-fleet.yaml"]),
    "half-vehicles→baseline": (["half-vehicles.yaml"], []),
}
"""Plan pairs (fewer, more transfer capacity): the flagship's fleet doubled, and the
flagship against a plan with half its vehicles (the baseline doubles that fleet)."""


def _pair(args: tuple[list[str], list[str], int]) -> tuple[int, int, str]:
    """Infections of both plans on one seed, and the cause of the first extra one."""
    from sim.api import FLAGSHIP, run_drill
    from sim.epidemic.attribution import first_extra_infection
    from sim.language import load_scenario

    less, more, seed = args
    plans = ROOT / "scenarios" / "plans"
    a = run_drill(load_scenario(FLAGSHIP, [plans / p for p in less]), seed)
    b = run_drill(load_scenario(FLAGSHIP, [plans / p for p in more]), seed)
    extra = first_extra_infection(a.log, b.log)
    n_a, n_b = len(a.log.of("infection")), len(b.log.of("infection"))
    return n_a, n_b, extra.cause if extra is not None and n_b > n_a else ""


def bench_transfer(seeds: int, workers: int, out: Path | None) -> None:
    """Infections with less and more transfer capacity over seeds 1..N (paired)."""
    from collections import Counter
    from concurrent.futures import ProcessPoolExecutor

    from scipy import stats

    report = {}
    for name, (less, more) in PAIRS.items():
        t0 = time.perf_counter()
        with ProcessPoolExecutor(workers) as pool:
            rows = list(pool.map(_pair, [(less, more, s) for s in range(1, seeds + 1)]))
        dt = time.perf_counter() - t0
        a = [r[0] for r in rows]
        b = [r[1] for r in rows]
        diff = [y - x for x, y in zip(a, b, strict=True)]
        ci = stats.ttest_1samp(diff, 0.0).confidence_interval(0.95) if any(diff) else None
        causes = Counter(r[2] for r in rows if r[2])
        fewer, more_n = sum(d < 0 for d in diff), sum(d > 0 for d in diff)
        print(f"{name}: seeds 1..{seeds}, mean infections {sum(a) / seeds:.3f} → "
              f"{sum(b) / seeds:.3f} (paired difference {sum(diff) / seeds:+.3f}"
              + (f", 95% CI {ci.low:+.3f} … {ci.high:+.3f}" if ci else "") + ")")  # fmt: skip
        print(f"  more capacity: fewer infections on {fewer} seeds, more on {more_n}, equal on "
              f"{seeds - fewer - more_n}; {dt:.0f} s for {2 * seeds} drills")  # fmt: skip
        if causes:
            print("  cause of the first extra infection where more capacity infected more: "
                  + ", ".join(f"{c} {n}" for c, n in causes.most_common()))  # fmt: skip
        report[name] = {"seeds": seeds, "less": a, "more": b, "causes": dict(causes)}
    if out:
        out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--transfer", type=int, default=0, metavar="SEEDS")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.transfer:
        bench_transfer(args.transfer, args.workers, args.out)
    else:
        bench_reference(args.runs, args.seed)


if __name__ == "__main__":
    main()
