"""Run the benchmarks and print one table: ``python benchmarks/run.py [--plans N]``.

Sections register in ``SECTIONS``; add yours as a function returning rows
``(benchmark, value, unit, target, met)`` (``met`` None when there is no target).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import county

SECTIONS: dict[str, Callable[[], list[county.Row]]] = {
    "mass-round": county.mass_round_rows,
    "replication": county.replication_rows,
    "city": county.city_rows,
    "engine": county.engine_rows,
}


def _fmt(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def print_table(rows: list[county.Row]) -> None:
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'benchmark':<{width}}{'value':>12}  {'unit':<10}{'target':<10}met")
    print("-" * (width + 38))
    for name, value, unit, target, met in rows:
        mark = "" if met is None else ("yes" if met else "NO")
        print(f"{name:<{width}}{_fmt(value):>12}  {unit:<10}{target:<10}{mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=sorted(SECTIONS), help="sections to run")
    parser.add_argument(
        "--plans",
        type=int,
        default=0,
        metavar="N",
        help="also compare plans over N seeds (e.g. 200)",
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rows: list[county.Row] = []
    for name in args.only or SECTIONS:
        rows += SECTIONS[name]()
    if args.plans:
        rows += county.plan_rows(args.plans, args.workers)
    print_table(rows)


if __name__ == "__main__":
    main()
