"""Benchmark of ``drill compare``: throughput, parallel efficiency, Dask overhead, Covasim.

1,000 replications × 2 plans (baseline and ``second-hotel``) of the flagship by
default, each configuration into a fresh results store:

* process pool with 1 worker (in-process) and with 2 workers → wall time,
  replications per second, parallel efficiency ``T1 / (2 · T2)``;
* Dask ``LocalCluster`` with 2 worker processes → overhead against the pool;
* Covasim (if installed) running a comparable population (240,000) for the
  same 14 days from one seed infection with its own ``MultiSim`` on the same
  number of processes → ratio of replications per second.

Run from the repository root::

    python benchmarks/bench_compare.py                 # the full benchmark
    python benchmarks/bench_compare.py --runs 50       # a quick look

Figures depend on the machine and its load; the script prints the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.experiment import compare  # noqa: E402
from sim.language import load_scenario  # noqa: E402

SCENARIO = ROOT / "scenarios" / "jiangxian-returnee.yaml"
PLAN = ROOT / "scenarios" / "plans" / "second-hotel.yaml"


def _cpu() -> float:
    """CPU seconds used so far by this process and its reaped children (pool workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed_compare(runs: int, workers: int, scheduler: str | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one full comparison (baseline + plan) into a fresh store.

    CPU seconds include the pool's workers (reaped at shutdown), not Dask's.
    """
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        c0, t0 = _cpu(), time.perf_counter()
        compare(
            SCENARIO,
            [PLAN],
            runs=runs,
            workers=workers,
            scheduler=scheduler,
            out=Path(tmp),
            quiet=True,
        )
        return time.perf_counter() - t0, _cpu() - c0


def covasim_rate(reps: int, workers: int, pop_size: int, days: int) -> dict:
    """Replications per second of a Covasim MultiSim of a comparable outbreak."""
    import covasim as cv

    t0 = time.perf_counter()
    # one fresh Sim per run (Covasim 4 cannot reset a copied, initialised Sim)
    sims = [
        cv.Sim(
            pop_size=pop_size,
            pop_infected=1,
            n_days=days,
            pop_type="hybrid",
            rand_seed=i + 1,
            verbose=0,
        )
        for i in range(reps)
    ]
    msim = cv.MultiSim(sims, verbose=0)
    msim.run(n_cpus=workers, verbose=0)
    wall = time.perf_counter() - t0
    return {
        "version": cv.__version__,
        "reps": reps,
        "wall_s": wall,
        "reps_per_s": reps / wall,
        "pop_size": pop_size,
        "days": days,
        "workers": workers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="replications per plan")
    parser.add_argument("--covasim-runs", type=int, default=10, help="Covasim MultiSim runs")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--no-covasim", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    scn = load_scenario(SCENARIO)
    total = 2 * args.runs
    res: dict = {
        "runs_per_plan": args.runs,
        "replications": total,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
        "python": platform.python_version(),
    }
    t1, c1 = timed_compare(args.runs, 1)
    t2, c2 = timed_compare(args.runs, 2)
    res["pool_1"] = {"wall_s": t1, "cpu_s": c1, "reps_per_s": total / t1}
    res["pool_2"] = {"wall_s": t2, "cpu_s": c2, "reps_per_s": total / t2}
    res["parallel_efficiency"] = t1 / (2 * t2)
    # the share of the 2-worker CPU time that is useful work: unaffected by other load
    res["cpu_efficiency"] = c1 / c2
    print(f"load average before: {res['load_before']}  (cpus: {res['cpus']})")
    print(f"{total} replications ({args.runs} × 2 plans) of {scn.meta.id}")
    print(f"  1 worker : {t1:8.1f} s  {total / t1:7.1f} rep/s")
    print(
        f"  2 workers: {t2:8.1f} s  {total / t2:7.1f} rep/s  "
        f"parallel efficiency {res['parallel_efficiency']:.0%} (target ≥ 85%)"
    )
    print(
        f"  CPU: {c1:.1f} s with 1 worker, {c2:.1f} s with 2 → pool overhead "
        f"{c2 / c1 - 1:+.1%} (CPU efficiency {c1 / c2:.0%}, independent of other load)"
    )
    if not args.no_dask:
        try:
            td, _ = timed_compare(args.runs, 2, scheduler="local")
        except RuntimeError as exc:
            print(f"  dask     : skipped ({exc})")
        else:
            res["dask_local_2"] = {
                "wall_s": td,
                "reps_per_s": total / td,
                "overhead_vs_pool": td / t2 - 1,
            }
            print(
                f"  dask-local 2 workers: {td:8.1f} s  {total / td:7.1f} rep/s  "
                f"overhead vs pool {td / t2 - 1:+.0%}"
            )
    if not args.no_covasim:
        try:
            import covasim  # noqa: F401
        except ImportError:
            print("  covasim  : skipped (covasim is not installed; pip install covasim)")
        else:
            days = int(scn.meta.duration_h // 24)
            cov = covasim_rate(args.covasim_runs, 2, scn.region.population, days)
            res["covasim"] = cov
            res["drill_over_covasim"] = res["pool_2"]["reps_per_s"] / cov["reps_per_s"]
            print(
                f"  covasim {cov['version']} MultiSim ({cov['reps']} runs, pop "
                f"{cov['pop_size']:,}, {cov['days']} d, 2 cpus): {cov['wall_s']:.1f} s  "
                f"{cov['reps_per_s']:.3f} rep/s"
            )
            print(f"  drill / covasim replications per second: {res['drill_over_covasim']:.0f}×")
    res["load_after"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
