"""Benchmarks of the transmission model.

``python benchmarks/bench_epi.py`` times ``drill epi``'s engine on the eight
validation settings of issue 4 (1,000 simulations each by default) and prints
p(control) against ringbp 1.0.  Target: all 8,000 simulations in ≤ 25 s on a
2-core machine (ringbp 1.0 took 614 s for 8 × 500).

``python benchmarks/bench_epi.py --double-fleet 200`` runs the flagship drill
with and without ``scenarios/plans/double-fleet.yaml`` on seeds 1..200 (common
random numbers) and prints the infection counts per plan and per seed.
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


def bench_double_fleet(seeds: int, out: Path | None) -> None:
    from sim.api import FLAGSHIP, run_drill
    from sim.scenario import load_scenario

    base = load_scenario(FLAGSHIP)
    fleet = load_scenario(FLAGSHIP, [ROOT / "scenarios" / "plans" / "double-fleet.yaml"])
    rows = []
    t0 = time.perf_counter()
    for seed in range(1, seeds + 1):
        a = run_drill(base, seed).summary["infections"]["total"]
        b = run_drill(fleet, seed).summary["infections"]["total"]
        rows.append({"seed": seed, "baseline": a, "double_fleet": b})
    dt = time.perf_counter() - t0
    more = [r for r in rows if r["double_fleet"] > r["baseline"]]
    fewer = [r for r in rows if r["double_fleet"] < r["baseline"]]
    mean_a = sum(r["baseline"] for r in rows) / seeds
    mean_b = sum(r["double_fleet"] for r in rows) / seeds
    print(f"seeds 1..{seeds}: mean infections baseline {mean_a:.2f}, double-fleet {mean_b:.2f}")
    print(f"double-fleet fewer on {len(fewer)} seeds, more on {len(more)}, equal on "
          f"{seeds - len(fewer) - len(more)}; {dt:.0f} s for {2 * seeds} drills")  # fmt: skip
    for r in fewer + more:
        print(f"  seed {r['seed']}: {r['baseline']} → {r['double_fleet']}")
    if out:
        out.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--double-fleet", type=int, default=0, metavar="SEEDS")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.double_fleet:
        bench_double_fleet(args.double_fleet, args.out)
    else:
        bench_reference(args.runs, args.seed)


if __name__ == "__main__":
    main()
