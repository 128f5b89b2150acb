"""Benchmarks of the county-scale measures (issue 6).

Each function returns table rows ``(benchmark, value, unit, target, met)``;
``benchmarks/run.py`` prints them.  Times are wall-clock on the machine that runs
them; the tests never assert times.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import numpy as np
import simpy

from sim.api import FLAGSHIP, run_drill
from sim.engine.world import World
from sim.scenario import load_scenario
from sim.subjects.testing import MassTestingService

ROOT = Path(__file__).resolve().parent.parent
CITY = ROOT / "scenarios" / "taiyuan-city.yaml"
Row = tuple[str, float, str, str, bool | None]


def _flagship_round(seed: int) -> tuple[float, int]:
    """Wall time of one vectorised county round of the flagship, set-up to last result."""
    scn = load_scenario(FLAGSHIP)
    world = World(scn, seed)
    rng = np.random.default_rng(seed)
    for p in rng.choice(world.population.size, 200, replace=False):
        world.infected[int(p)] = -72.0
    svc = MassTestingService(world, scn.subjects.testing.mass)
    t0 = time.perf_counter()
    world.spawn(svc.run_round("bench", "county", None, scn.subjects.testing.mass.sampling.groups))
    world.env.run(until=400)
    elapsed = time.perf_counter() - t0
    done = world.log.first("mass_round_complete")
    assert done is not None, "the round must complete"
    return elapsed, int(done.details["sampled"])


def _naive_round(seed: int, residents: int) -> float:
    """The same round with one SimPy process per resident (for the ratio only).

    Sampling groups are a resource each resident queues for (1/45 h per swab);
    every full pool becomes a tube process that travels and queues for a lab
    machine slot.  Opening hours are left out, which only flatters the naive one.
    """
    scn = load_scenario(FLAGSHIP)
    m = scn.subjects.testing.mass
    env = simpy.Environment()
    groups = simpy.Resource(env, capacity=m.sampling.groups)
    machines = simpy.Resource(env, capacity=sum(lab.machines for lab in m.labs))
    rng = np.random.default_rng(seed)
    infected = set(rng.choice(residents, max(1, residents // 1200), replace=False).tolist())
    pool: list[int] = []
    found: list[int] = []
    per_tube_h = m.labs[0].run_time.mean / m.labs[0].tubes_per_run

    def tube(members: list[int]) -> Generator[Any, Any, None]:
        yield env.timeout(float(m.transport_time.sample(rng)))
        with machines.request() as req:
            yield req
            yield env.timeout(per_tube_h)
        if any(x in infected for x in members):
            found.append(len(members))

    def resident(i: int) -> Generator[Any, Any, None]:
        if rng.random() < m.sampling.absent_share + m.sampling.refuse_share:
            return
        with groups.request() as req:
            yield req
            yield env.timeout(1.0 / m.sampling.per_group_per_h)
        pool.append(i)
        if len(pool) >= m.pool_size:
            env.process(tube(pool.copy()))
            pool.clear()

    t0 = time.perf_counter()
    for i in range(residents):
        env.process(resident(i))
    env.run()
    return time.perf_counter() - t0


def mass_round_rows(subset: int = 24_000) -> list[Row]:
    _flagship_round(0)  # warm-up (imports, caches)
    times = [_flagship_round(s)[0] for s in (1, 2, 3)]
    vec = statistics.median(times)
    pop = load_scenario(FLAGSHIP).region.population
    naive_subset = statistics.median(_naive_round(s, subset) for s in (1, 2))
    naive = naive_subset * pop / subset
    return [
        ("flagship mass round, vectorised (240k residents)", vec, "s", "≤ 0.2 s", vec <= 0.2),
        (
            f"  naive 1 process/resident, {subset:,} run, ×{pop / subset:.0f} extrapolated",
            naive,
            "s",
            "",
            None,
        ),
        ("  speed-up vectorised vs naive", naive / vec, "×", "≥ 50×", naive / vec >= 50),
    ]


def replication_rows(runs: int = 9) -> list[Row]:
    scn = load_scenario(FLAGSHIP)
    run_drill(scn, 0)  # warm-up after import
    times = []
    for seed in range(1, runs + 1):
        t0 = time.perf_counter()
        run_drill(scn, seed)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    return [
        (f"flagship replication, median of {runs} (after import)", med, "s", "≤ 0.5 s", med <= 0.5)
    ]


CITY_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from sim.api import run_drill
from sim.scenario import load_scenario
t1 = time.perf_counter()
scn = load_scenario(sys.argv[1])
t2 = time.perf_counter()
result = run_drill(scn, 1)
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "run_s": t3 - t2,
    "events": len(result.log), "residents": scn.region.population,
    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def city_rows() -> list[Row]:
    out = subprocess.run(
        [sys.executable, "-c", CITY_CHILD, str(CITY)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    total = r["load_s"] + r["run_s"]
    gib = r["peak_rss_mib"] / 1024
    return [
        (
            f"5M city replication ({r['residents']:,} residents, load + run)",
            total,
            "s",
            "≤ 15 s",
            total <= 15,
        ),
        ("  of which run_drill", r["run_s"], "s", "", None),
        ("  peak memory (RSS, child process)", gib, "GiB", "≤ 3 GiB", gib <= 3),
    ]


def engine_rows() -> list[Row]:
    """SimPy events/s of a flagship replication vs raw SimPy timeouts of the same count."""
    from sim.api import build_world

    scn = load_scenario(FLAGSHIP)
    run_drill(scn, 0)
    world = build_world(scn, 1)
    t0 = time.perf_counter()
    world.env.run(until=scn.meta.duration_h)
    engine_s = time.perf_counter() - t0
    n = next(world.env._eid)  # SimPy's running count of scheduled events
    env = simpy.Environment()

    def ticker(k: int) -> Generator[Any, Any, None]:
        for _ in range(k):
            yield env.timeout(1.0)

    per = 100
    for _ in range(n // per):
        env.process(ticker(per))
    t0 = time.perf_counter()
    env.run()
    raw_s = time.perf_counter() - t0
    raw_n = next(env._eid)
    engine_rate, raw_rate = n / engine_s, raw_n / raw_s
    # The engine's own per-event machinery, without the model's bulk work: a
    # process that waits and logs one declared event per step, on a World.
    w = World(scn, 2)

    def logged(k: int, name: str) -> Generator[Any, Any, None]:
        for _ in range(k):
            yield w.env.timeout(1.0)
            w.emit("checkpoint_interval", "traffic_control", "", name)

    for i in range(n // per):
        w.spawn(logged(per, str(i)))
    eid0 = next(w.env._eid)
    t0 = time.perf_counter()
    w.env.run(until=per + 0.5)  # agents' duty rosters run forever
    machinery_rate = (next(w.env._eid) - eid0) / (time.perf_counter() - t0)
    return [
        ("engine SimPy events/s (flagship replication)", engine_rate, "ev/s", "", None),
        ("  logged events/s (same run)", len(world.log) / engine_s, "ev/s", "", None),
        ("  raw SimPy timeouts/s", raw_rate, "ev/s", "", None),
        (
            "  engine / raw SimPy",
            engine_rate / raw_rate,
            "×",
            "≥ 0.5×",
            engine_rate >= 0.5 * raw_rate,
        ),
        ("  engine machinery alone (timeout + logged event)", machinery_rate, "ev/s", "", None),
        (
            "  engine machinery / raw SimPy",
            machinery_rate / raw_rate,
            "×",
            "≥ 0.5×",
            machinery_rate >= 0.5 * raw_rate,
        ),
    ]


def _plan_metric(args: tuple[str | None, int, str]) -> tuple[float, str]:
    """One replication's figure for a plan comparison: (value, rating)."""
    plan, seed, metric = args
    plans = [ROOT / "scenarios" / "plans" / f"{plan}.yaml"] if plan else []
    s = run_drill(load_scenario(FLAGSHIP, plans), seed).summary
    if metric == "round_h":
        o = s["mass_testing"]["objectives"]["first_county_round_24h"]
        return (np.nan if o["achieved_h"] is None else o["achieved_h"]), o["rating"]
    return float(s["checkpoints"]["total"]["leaked"]), ""


PLAN_CASES = (
    ("half-labs", "round_h", "first county round completion", "h", "worse"),
    ("more-checkpoint-staff", "leaked", "risk-area arrivals leaked", "persons", "fewer"),
)


def plan_rows(runs: int = 200, workers: int = 2) -> list[Row]:
    """Each plan against the flagship over the same ``runs`` seeds (common random numbers)."""
    from concurrent.futures import ProcessPoolExecutor

    rows: list[Row] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for plan, metric, label, unit, want in PLAN_CASES:
            base = list(pool.map(_plan_metric, [(None, s, metric) for s in range(runs)]))
            alt = list(pool.map(_plan_metric, [(plan, s, metric) for s in range(runs)]))
            b = np.asarray([v for v, _ in base], dtype=float)
            a = np.asarray([v for v, _ in alt], dtype=float)
            better = a > b if want == "worse" else a < b
            rows.append(
                (f"{label}: flagship, mean of {runs} seeds", float(np.nanmean(b)), unit, "", None)
            )
            rows.append((f"  with plan {plan}", float(np.nanmean(a)), unit, "", None))
            rows.append(
                (
                    f"  seeds where the plan's figure is {want}",
                    100 * float(better.mean()),
                    "%",
                    "",
                    None,
                )
            )
            if metric == "round_h":
                for name, res in (("flagship", base), (plan, alt)):
                    p_share = 100 * sum(r == "P" for _, r in res) / runs
                    u_share = 100 * sum(r == "U" for _, r in res) / runs
                    rows.append(
                        (
                            f"  {name}: rated P / U (% of seeds)",
                            p_share,
                            f"% / {u_share:.0f}%",
                            "",
                            None,
                        )
                    )
    return rows
