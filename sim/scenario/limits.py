"""The documented limits of scenario, plan and answer files (docs/scenario.md).

They keep the work of loading and running any file bounded: a file that
passes them loads in well under a second, and a scenario within them fits a
laptop's memory (:mod:`sim.scenario.budget` checks the machine before a run).
"""

from __future__ import annotations

MAX_FILE_BYTES = 4 * 1024 * 1024
"""Largest scenario, plan or answer file read (the bundled scenarios are < 50 kB)."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists (the bundled scenarios need 8)."""
MAX_VALUES = 200_000
"""Most values a document may hold once aliases are expanded (a few thousand in practice)."""
MAX_NUMBER = 1e9
"""Largest magnitude of any number in a file, except a seed (see :data:`MAX_SEED`)."""
MAX_SEED = 2**63 - 1
"""Largest seed: what the results store (SQLite INTEGER) and numpy both take."""
MAX_POPULATION = 50_000_000
"""Most residents of a region (a community likewise): about 6 GB of memory per run."""
MAX_STAFF = 100_000
"""Most staff of one agent (also off-duty staff, grid workers, staff an inject adds)."""
MAX_DURATION_H = 366 * 24
"""Longest drill: a year of simulated time."""
MAX_HOUSEHOLD = 20.0
"""Largest mean household size."""
MAX_R0 = 50.0
"""Largest mean offspring number (measles is about 18)."""

# --- limits of experiment and reference-model arguments ---------------------------------

MAX_RUNS = 100_000
"""Most replications per plan (or reference-model outbreaks per setting)."""
MAX_WORKERS = 1_024
"""Most parallel worker processes."""
MAX_INITIAL_CASES = 5_000
"""Most initial cases of the reference model (its outbreak cap is 5,000 cases)."""
