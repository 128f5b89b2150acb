"""How the cost of a replication grows: with the population and with the outbreak (issue 18).

Run from the repository root::

    python benchmarks/scaling.py                 # 60 k, 240 k, 1 M, 5 M residents; 5, 50, 500
                                                 # local infections (a few minutes on 2 cores)
    python benchmarks/scaling.py --quick         # 60 k and 240 k; the two smaller outbreaks
    python benchmarks/scaling.py --plot benchmarks/scaling.png --json FILE

**Population.**  The flagship's region is scaled by a factor: every community's
residents and grid workers, the sampling groups (area-wide and door-to-door) and
the machines of each laboratory, in proportion (rounded, at least one each); the
premise, the staff of the task forces and the road traffic stay as they are.
The scaled scenario is written to a temporary file and read by the normal loader,
so it passes every check a user's scenario passes.

**Outbreak.**  The flagship's response holds its outbreak at a few local
infections whatever the R0, so larger outbreaks come from a weaker response:
the returnee is never found by the premise test (``found_by: none``), arrivals
are not transferred point to point, cases present late, R0 is 12, the case
cap is lifted, and the larger outbreak has 25 such index cases (see
``OUTBREAKS``).  Each variant's realised local infections are printed.

Each point runs in its own child process (so its peak memory is its own,
``resource.getrusage(RUSAGE_SELF).ru_maxrss``): a warm-up replication of the
same scenario, then one replication per seed, each timed in wall and CPU
seconds.  CPU seconds are the figure to read on a shared machine; the load
average is printed.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "scenarios" / "jiangxian-returnee.yaml"
FLAGSHIP_RESIDENTS = 240_000

POPULATIONS = (60_000, 240_000, 1_000_000, 5_000_000)
QUICK_POPULATIONS = (60_000, 240_000)


def _scaled(n: float, factor: float) -> int:
    return max(1, round(n * factor))


def scale_region(data: dict[str, Any], residents: int) -> dict[str, Any]:
    """The flagship's scenario data with its region scaled to ``residents``.

    Communities keep their shares of the population (the largest remainders
    make the sum exact, as the loader requires); grid workers, sampling groups
    and laboratory machines scale by the same factor.
    """
    out = copy.deepcopy(data)
    region = out["region"]
    factor = residents / region["population"]
    communities = [c for t in region["townships"].values() for c in t["communities"].values()]
    exact = [c["population"] * factor for c in communities]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: residents - sum(counts)]:
        counts[i] += 1
    for c, n in zip(communities, counts, strict=True):
        c["population"] = n
        c["grid_workers"] = _scaled(c["grid_workers"], factor)
    region["population"] = residents
    mass = out["subjects"]["testing"]["mass"]
    for key in ("groups", "zone_groups"):
        mass["sampling"][key] = _scaled(mass["sampling"][key], factor)
    for lab in mass["labs"]:
        lab["machines"] = _scaled(lab["machines"], factor)
    out["meta"]["id"] = f"{out['meta']['id']}-{residents // 1000}k"
    return out


LATE_PRESENTATION = {"dist": "lognormal", "median": 120, "p95": 240}
"""Onset to fever-clinic visit in the outbreak variants: five days instead of the
flagship's ~1.8 (assumption for the benchmark only: cases present late)."""


def hidden_outbreak(data: dict[str, Any], cases: int, r0: float = 12) -> dict[str, Any]:
    """A weaker response: ``cases`` index cases nobody's premise test finds.

    The returnee is infected just before coming home (so the first onset falls
    after the start) and ``found_by: none``; the other index cases arrive the same
    way in communities spread over the county.  Cases present late at fever
    clinics, arrivals are not transferred point to point, R0 is ``r0`` and the
    case cap is lifted to 5,000.
    """
    out = copy.deepcopy(data)
    tc = out["subjects"]["traffic_control"]
    r = tc.pop("returnee")
    comms = [f"{t}/{c}" for t, tv in out["region"]["townships"].items() for c in tv["communities"]]
    index = {"returnee": r["community"]} | {
        f"hidden{i}": comms[(7 * i + 3) % len(comms)] for i in range(1, cases)
    }
    tc["index_cases"] = {
        cid: {
            "community": c,
            "arrival_h": r["arrival_h"],
            "exposure_h": r["arrival_h"] - 1,
            "found_by": "none",
        }
        for cid, c in index.items()
    }
    tc["point_to_point"] = None
    out["epidemic"].update(r0=r0, max_cases=5_000, presentation_delay=LATE_PRESENTATION)
    return out


OUTBREAKS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "5": ("the flagship as it is", copy.deepcopy),
    "50": (
        "3 index cases not found by a premise test, late presentation, no point-to-point "
        "transfer, R0 12",
        lambda d: hidden_outbreak(d, 3),
    ),
    "500": ("as above with 25 index cases", lambda d: hidden_outbreak(d, 25)),
}
"""Outbreak variants of the flagship by the local infections they aim at (median)."""
QUICK_OUTBREAKS = ("5", "50")


# --------------------------------------------------------------------------- child


def flagship_data() -> dict[str, Any]:
    """The flagship's scenario as plain data, read as drill reads it (YAML 1.1 would
    turn an inject's ``on:`` key into ``True``)."""
    from sim.scenario.source import load_yaml

    return load_yaml(FLAGSHIP).data


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one point in this (fresh) process and return its figures."""
    from sim.api import run_drill
    from sim.language import load_scenario

    data = flagship_data()
    if spec["kind"] == "population":
        data = scale_region(data, spec["residents"])
    else:
        data = OUTBREAKS[spec["variant"]][1](data)
    with tempfile.TemporaryDirectory(prefix="drill-scaling-") as tmp:
        path = Path(tmp) / "scenario.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        scn = load_scenario(path)
    run_drill(scn, spec["seeds"][0] + 1000)  # warm-up: lazy imports and first-call caches
    runs = []
    for seed in spec["seeds"]:
        c0, t0 = time.process_time(), time.perf_counter()
        result = run_drill(scn, seed)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        inf = result.summary["infections"]
        runs.append(
            {
                "seed": seed,
                "wall_s": wall,
                "cpu_s": cpu,
                "events": len(result.log),
                "local": inf["local"],
                "imported": inf["imported"],
            }
        )
        del result
    return {
        **spec,
        "residents": scn.region.population,
        "runs": runs,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Run ``spec`` in a child process (its own peak memory) and return its figures."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode:
        raise SystemExit(f"scaling: the child for {spec} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- summary


def _median(point: dict[str, Any], key: str) -> float:
    return statistics.median(r[key] for r in point["runs"])


def _slope(x0: float, y0: float, x1: float, y1: float) -> float:
    """Exponent of the growth between two points: log(y1/y0) / log(x1/x0) (1 = linear)."""
    return math.log(y1 / y0) / math.log(x1 / x0)


def population_table(points: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"{'residents':>10} {'seeds':>5} {'wall s':>7} {'CPU s':>7} {'CPU µs/resident':>16} "
        f"{'exponent':>8} {'peak MiB':>9} {'events':>8} {'local inf.':>10}"
    ]
    prev = None
    for p in points:
        cpu = _median(p, "cpu_s")
        slope = "" if prev is None else f"{_slope(prev[0], prev[1], p['residents'], cpu):.2f}"
        lines.append(
            f"{p['residents']:>10,} {len(p['runs']):>5} {_median(p, 'wall_s'):>7.2f} {cpu:>7.2f} "
            f"{1e6 * cpu / p['residents']:>16.2f} {slope:>8} {p['peak_rss_mib']:>9.0f} "
            f"{_median(p, 'events'):>8,.0f} {_median(p, 'local'):>10.0f}"
        )
        prev = (p["residents"], cpu)
    return lines


def outbreak_table(points: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"{'target':>6} {'seeds':>5} {'local inf. (median, range)':>27} {'wall s':>7} "
        f"{'CPU s':>7} {'CPU ms/infection':>16} {'exponent':>8} {'peak MiB':>9} {'events':>8}"
    ]
    prev = None
    for p in points:
        local = [r["local"] for r in p["runs"]]
        med = statistics.median(local)
        cpu = _median(p, "cpu_s")
        slope = (
            ""
            if prev is None or med <= prev[0] or med <= 0
            else f"{_slope(max(prev[0], 1), prev[1], med, cpu):.2f}"
        )
        lines.append(
            f"{p['variant']:>6} {len(p['runs']):>5} "
            f"{f'{med:.0f} ({min(local)}–{max(local)})':>27} {_median(p, 'wall_s'):>7.2f} "
            f"{cpu:>7.2f} {1e3 * cpu / max(med, 1):>16.1f} {slope:>8} "
            f"{p['peak_rss_mib']:>9.0f} {_median(p, 'events'):>8,.0f}"
        )
        prev = (med, cpu)
    return lines


def plot(pop: list[dict[str, Any]], outbreak: list[dict[str, Any]], path: Path) -> None:
    """Two log–log panels: CPU seconds (and peak memory) against residents; against
    local infections (every replication a dot); dashed lines are linear growth."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    if pop:
        xs = [p["residents"] for p in pop]
        ys = [_median(p, "cpu_s") for p in pop]
        ax1.loglog(xs, ys, "o-", label="CPU s per replication (median)")
        ax1.loglog(xs, [ys[0] * x / xs[0] for x in xs], "k--", lw=0.8, label="linear from 60 k")
        mem = ax1.twinx()
        mem.set_yscale("log")
        mem.plot(xs, [p["peak_rss_mib"] for p in pop], "s:", color="tab:red", label="peak MiB")
        mem.set_ylabel("peak memory (MiB, child process)", color="tab:red")
        ax1.set_xlabel("residents")
        ax1.set_ylabel("CPU seconds per replication")
        ax1.set_title("against population (flagship region scaled)")
        ax1.legend(loc="upper left", fontsize=8)
    if outbreak:
        for p in outbreak:
            ax2.loglog(
                [max(r["local"], 1) for r in p["runs"]],
                [r["cpu_s"] for r in p["runs"]],
                "o",
                alpha=0.6,
                label=f"aim {p['variant']}",
            )
        first = outbreak[0]
        x0 = max(statistics.median(r["local"] for r in first["runs"]), 1)
        y0 = _median(first, "cpu_s")
        top = max(r["local"] for p in outbreak for r in p["runs"])
        ax2.loglog([x0, top], [y0, y0 * top / x0], "k--", lw=0.8, label="linear from the flagship")
        ax2.set_xlabel("local infections (1 when none)")
        ax2.set_ylabel("CPU seconds per replication")
        ax2.set_title("against outbreak size (240 k residents)")
        ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="small sizes only (≈ 1 min)")
    parser.add_argument("--seeds", type=int, default=3, help="replications per point")
    parser.add_argument("--only", choices=("population", "outbreak"))
    parser.add_argument("--plot", type=Path, help="write the figure (PNG) here")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(json.loads(args.child))))
        return

    seeds = list(range(1, args.seeds + 1))
    load_before = os.getloadavg()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)}", flush=True)
    pop, outbreak = [], []
    if args.only != "outbreak":
        for n in QUICK_POPULATIONS if args.quick else POPULATIONS:
            pop.append(measure({"kind": "population", "residents": n, "seeds": seeds}))
            print(f"  {n:,} residents done", file=sys.stderr, flush=True)
        print("\nagainst population (flagship region scaled; median over seeds)")
        print("\n".join(population_table(pop)))
    if args.only != "population":
        for v in QUICK_OUTBREAKS if args.quick else OUTBREAKS:
            outbreak.append(measure({"kind": "outbreak", "variant": v, "seeds": seeds}))
            print(f"  outbreak {v} done", file=sys.stderr, flush=True)
        print("\nagainst outbreak size (240,000 residents; median over seeds)")
        for v in QUICK_OUTBREAKS if args.quick else OUTBREAKS:
            print(f"  aim {v:>3}: {OUTBREAKS[v][0]}")
        print("\n".join(outbreak_table(outbreak)))
    load_after = os.getloadavg()
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in load_after)}")
    print("exponent: growth between this row and the one above, log(CPU) / log(size); ≤ 1 is")
    print("at most linear")
    if args.plot:
        plot(pop, outbreak, args.plot)
        print(f"figure: {args.plot}")
    if args.json:
        doc = {"load_before": load_before, "load_after": load_after}
        doc |= {"population": pop, "outbreak": outbreak}
        args.json.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
