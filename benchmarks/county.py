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
from sim.engine.log import Event
from sim.engine.world import World
from sim.language import load_scenario
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
from sim.language import load_scenario
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


ENGINE_AGENT = "tracing_tf"
"""The flagship agent whose staff the engine benchmark's tasks queue for."""


def _processed(env: simpy.Environment, eid0: int) -> int:
    """SimPy events processed since SimPy's event counter stood at ``eid0``.

    ``_eid`` is SimPy's running count of scheduled events; those still queued
    (the duty roster's next shift change) were scheduled but not processed.
    """
    return next(env._eid) - eid0 - len(env._queue)


def _raw_timeouts(n: int, per: int = 100) -> tuple[int, float]:
    """Raw SimPy: ``n`` timeouts in processes of ``per``; (events processed, seconds)."""
    env = simpy.Environment()

    def ticker() -> Generator[Any, Any, None]:
        for _ in range(per):
            yield env.timeout(1.0)

    for _ in range(max(1, n // per)):
        env.process(ticker())
    eid0 = next(env._eid)
    t0 = time.perf_counter()
    env.run()
    return _processed(env, eid0), time.perf_counter() - t0


def _machinery(units: int, chained: bool = True) -> tuple[int, float, int]:
    """The engine's unit of work, without the model: (SimPy events, seconds, logged events).

    The unit is what a subject does for one entity: a :meth:`World.emit` of a
    declared event (a handoff) whose subscriber starts a process that does one
    :meth:`StaffedAgent.work` task — queue for a member of the flagship's
    tracing task force under its duty roster, hold a quarter hour, log
    ``task_start``/``task_end`` — and then emits the next handoff.  Twice as many
    chains as the agent has staff run ``units`` units each.  (The flagship
    starts about one process per task: 5,377 processes for 5,002 tasks, seed 2.)

    ``chained=False`` runs the same tasks and emits in long-lived loops instead,
    without the process start and end events.
    """
    world = World(load_scenario(FLAGSHIP), 1)
    env, agent = world.env, world.agents[ENGINE_AGENT]
    chains = 2 * agent.staff
    left = [chains * units]
    ended = [0]  # chain processes that ended: SimPy schedules each end as an event, the engine
    # does not when nobody waits (sim.engine.process.Detached); counted as SimPy would count them
    done = env.event()

    def task(entity: str) -> Generator[Any, Any, None]:
        yield from agent.work("tracing", "benchmark", entity, 0.25)
        left[0] -= 1
        if not left[0]:
            done.succeed()

    def chain(event: Event) -> Generator[Any, Any, None]:
        yield from task(event.entity)
        if left[0] >= chains:
            world.emit("handoff", "tracing", agent.id, event.entity, source="benchmark")
        ended[0] += 1

    def loop(entity: str) -> Generator[Any, Any, None]:
        for _ in range(units):
            yield from task(entity)
            world.emit("handoff", "tracing", agent.id, entity, source="benchmark")

    if chained:
        world.on("handoff", chain)
    for i in range(chains):
        if chained:
            world.emit("handoff", "tracing", agent.id, i, source="benchmark")
        else:
            world.spawn(loop(str(i)))
    eid0 = next(env._eid)
    t0 = time.perf_counter()
    world.run(done)
    return _processed(env, eid0) + ended[0], time.perf_counter() - t0, len(world.log)


def engine_rows(units: int = 2_000, repeats: int = 5) -> list[Row]:
    """Engine machinery vs raw SimPy (headline), and a whole replication's events/s.

    Each repeat times the engine's unit of work and then raw SimPy timeouts of
    the same count in the same process; rows are medians over the repeats (the
    ratio is the median of the repeats' ratios), so a neighbour's load hits
    both sides alike.
    """
    _machinery(units // 10)  # warm-up
    runs, loops = [], []
    for _ in range(repeats):
        n, secs, logged = _machinery(units)
        raw_n, raw_s = _raw_timeouts(n)
        runs.append((n / secs, logged / secs, raw_n / raw_s))
        n, secs, _ = _machinery(units, chained=False)
        raw_n, raw_s = _raw_timeouts(n)
        loops.append((n / secs) / (raw_n / raw_s))
    engine_rate = statistics.median(r[0] for r in runs)
    logged_rate = statistics.median(r[1] for r in runs)
    raw_rate = statistics.median(r[2] for r in runs)
    ratio = statistics.median(r[0] / r[2] for r in runs)
    logged_ratio = statistics.median(r[1] / r[2] for r in runs)
    loop_ratio = statistics.median(loops)

    scn = load_scenario(FLAGSHIP)
    run_drill(scn, 0)
    from sim.api import build_world

    world = build_world(scn, 1)
    eid0 = next(world.env._eid)
    t0 = time.perf_counter()
    world.run(scn.meta.duration_h)
    model_s = time.perf_counter() - t0
    model_n = _processed(world.env, eid0)
    model_raw_n, model_raw_s = _raw_timeouts(model_n)
    model_rate, model_raw = model_n / model_s, model_raw_n / model_raw_s
    return [
        ("engine machinery SimPy events/s (emit → work task)", engine_rate, "ev/s", "", None),
        ("  logged events/s (same runs)", logged_rate, "ev/s", "", None),
        ("  raw SimPy timeouts/s (same count, same runs)", raw_rate, "ev/s", "", None),
        ("  engine machinery / raw SimPy", ratio, "×", "≥ 0.5×", ratio >= 0.5),
        # processes nobody waits for end without a SimPy event (sim.engine.process), so the
        # same units of work take fewer SimPy events: logged events per raw timeout is the
        # rate of work itself
        ("  logged events/s / raw SimPy timeouts/s", logged_ratio, "×", "", None),
        ("  same tasks in long-lived loops / raw SimPy", loop_ratio, "×", "", None),
        (
            "flagship replication SimPy events/s (including model work)",
            model_rate,
            "ev/s",
            "",
            None,
        ),
        ("  logged events/s (same run)", len(world.log) / model_s, "ev/s", "", None),
        ("  replication / raw SimPy (no target)", model_rate / model_raw, "×", "", None),
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
