"""Benchmark of ``drill compare``: throughput, parallel efficiency, Dask overhead, Covasim.

200 replications × 2 plans (baseline and ``second-hotel``) of the flagship by
default, each configuration into a fresh results store (so the timing includes
the SQLite writes, the evaluation and ``comparison.json``):

* ``drill compare`` with 1 worker (in-process) and with 2 workers → wall time,
  replications per second, parallel efficiency ``T1 / (2 · T2)`` (target ≥ 90 %);
* Dask ``LocalCluster`` with 2 worker processes → overhead against the pool;
* Covasim 4 (if installed: ``pip install covasim``, measured with 4.0.1) on the
  flagship's population for the same 14 days from one seed infection, hybrid
  population, in one process → drill's 1-worker replications per second over
  Covasim's (target ≥ 10×, issue 18);
* with ``--overhead N``: CPU per replication of the experiment layer — a 1-worker
  comparison of N runs against bare ``run_drill`` of the same scenarios and seeds.

Run from the repository root::

    python benchmarks/bench_compare.py                 # the record (--runs 200)
    python benchmarks/bench_compare.py --runs 20 --covasim-runs 2 --no-dask   # a quick look

Figures depend on the machine and its load; the script prints the load average
before each measurement.
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


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def covasim_rate(reps: int, workers: int, pop_size: int, days: int) -> dict:
    """Replications per second of a Covasim MultiSim of a comparable outbreak.

    ``workers`` 1 runs the sims one after another in this process (the binding
    comparison of issue 18); more uses Covasim's own process pool.
    """
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
    if workers == 1:
        msim.run(parallel=False, verbose=0)
    else:
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


def layer_overhead(runs: int) -> dict:
    """CPU seconds per replication: a 1-worker comparison of ``runs`` against bare
    ``run_drill`` of the same arms and seeds (what the experiment layer adds)."""
    from sim.api import run_drill
    from sim.experiment.arms import compare_arms
    from sim.experiment.seeds import replication_seed

    arms = compare_arms(SCENARIO, [PLAN])
    seeds = [replication_seed(arms[0].scenario.meta.seed, r) for r in range(runs)]
    run_drill(arms[0].scenario, 0)  # warm-up, as compare's first replication is not
    c0 = time.process_time()
    for arm in arms:
        for seed in seeds:
            run_drill(arm.scenario, seed)
    bare = time.process_time() - c0
    _, cmp = timed_compare(runs, 1)
    n = runs * len(arms)
    return {"runs": n, "bare_cpu_s": bare / n, "compare_cpu_s": cmp / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="replications per plan")
    parser.add_argument("--covasim-runs", type=int, default=10, help="Covasim MultiSim runs")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--no-covasim", action="store_true")
    parser.add_argument(
        "--overhead",
        type=int,
        default=0,
        metavar="N",
        help="also measure the experiment layer's CPU per replication over N runs per plan",
    )
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
    print(f"load average before: {_load()}  (cpus: {res['cpus']})", flush=True)
    print(f"{total} replications ({args.runs} × 2 plans) of {scn.meta.id}", flush=True)
    t1, c1 = timed_compare(args.runs, 1)
    res["pool_1"] = {"wall_s": t1, "cpu_s": c1, "reps_per_s": total / t1}
    print(
        f"  1 worker : {t1:8.1f} s  {total / t1:7.2f} rep/s  {c1 / total:.3f} s CPU per "
        f"replication  (load now {_load()})",
        flush=True,
    )
    t2, c2 = timed_compare(args.runs, 2)
    res["pool_2"] = {"wall_s": t2, "cpu_s": c2, "reps_per_s": total / t2}
    res["parallel_efficiency"] = t1 / (2 * t2)
    # the share of the 2-worker CPU time that is useful work: unaffected by other load
    res["cpu_efficiency"] = c1 / c2
    eff = res["parallel_efficiency"]
    print(
        f"  2 workers: {t2:8.1f} s  {total / t2:7.2f} rep/s  parallel efficiency {eff:.0%} "
        f"(target ≥ 90%: {'met' if eff >= 0.9 else 'NOT met'})  (load now {_load()})"
    )
    print(
        f"  CPU: {c1:.1f} s with 1 worker, {c2:.1f} s with 2 → pool overhead "
        f"{c2 / c1 - 1:+.1%} (CPU efficiency {c1 / c2:.0%}, independent of other load)",
        flush=True,
    )
    if args.overhead:
        ov = layer_overhead(args.overhead)
        res["layer_overhead"] = ov
        print(
            f"  experiment layer ({ov['runs']} replications, CPU per replication): bare "
            f"run_drill {ov['bare_cpu_s']:.3f} s, inside compare (1 worker) "
            f"{ov['compare_cpu_s']:.3f} s → {ov['compare_cpu_s'] / ov['bare_cpu_s'] - 1:+.1%}",
            flush=True,
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
                f"  dask-local 2 workers: {td:8.1f} s  {total / td:7.2f} rep/s  "
                f"overhead vs pool {td / t2 - 1:+.0%}",
                flush=True,
            )
    if not args.no_covasim:
        try:
            import covasim  # noqa: F401
        except ImportError:
            print("  covasim  : skipped (covasim is not installed; pip install covasim)")
        else:
            days = int(scn.meta.duration_h // 24)
            print(f"  covasim starts (load now {_load()})", flush=True)
            cov = covasim_rate(args.covasim_runs, 1, scn.region.population, days)
            res["covasim"] = cov
            ratio = res["pool_1"]["reps_per_s"] / cov["reps_per_s"]
            res["drill_over_covasim"] = ratio
            print(
                f"  covasim {cov['version']} MultiSim ({cov['reps']} runs, pop "
                f"{cov['pop_size']:,}, {cov['days']} d, hybrid, 1 process): "
                f"{cov['wall_s']:.1f} s  {cov['reps_per_s']:.3f} rep/s"
            )
            print(
                f"  drill (compare, 1 worker) / covasim (1 process) replications per second: "
                f"{ratio:.1f}× (target ≥ 10×: {'met' if ratio >= 10 else 'NOT met'})"
            )
    res["load_after"] = os.getloadavg()
    print(f"load average after: {_load()}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
