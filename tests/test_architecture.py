"""The package's import structure: the layer contract and no import cycles.

The layer contract itself lives in ``pyproject.toml`` (import-linter, run by CI as
``lint-imports``); this test runs the same contract and adds what a layers
contract cannot see: cycles between modules of one package.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _graph() -> nx.DiGraph:
    imports = grimp.build_graph("sim", exclude_type_checking_imports=True)
    g = nx.DiGraph()
    for module in imports.modules:
        for imported in imports.find_modules_directly_imported_by(module):
            # a package's __init__ importing its own modules is how a package exports
            if not imported.startswith(module + "."):
                g.add_edge(module, imported)
    return g


def test_no_runtime_import_cycle() -> None:
    cycles = [c for c in nx.simple_cycles(_graph()) if len(c) > 1]
    assert not cycles, f"runtime import cycles: {cycles[:3]}"


def test_scenario_and_engine_import_nothing_above_them() -> None:
    above = ("subjects", "epidemic", "injects", "language", "network", "evaluation", "report")
    above += ("experiment", "live", "api", "cli")
    g = _graph()
    for low in ("sim.scenario", "sim.engine"):
        for module in [m for m in g if m == low or m.startswith(low + ".")]:
            for imported in g.successors(module):
                assert not any(
                    imported == f"sim.{p}" or imported.startswith(f"sim.{p}.") for p in above
                ), f"{module} imports {imported}"


@pytest.mark.slow  # a subprocess (lint-imports)
def test_layer_contract_is_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:]
