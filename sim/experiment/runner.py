"""Run the missing replications of an experiment into its results store.

The store is opened (or refused, for ``--resume`` with another configuration),
the (plan, replication) pairs not yet stored are cut into batches, the chosen
backend runs them, and each finished batch is committed before the next is
awaited — so Ctrl-C, SIGTERM or a dead worker loses only batches in flight.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from sim import outdir
from sim.budget import check_memory, estimate_bytes
from sim.errors import RunStopped
from sim.experiment.arms import Arm, ExperimentError, config_hash
from sim.experiment.backends import (
    ClusterLost,
    Row,
    batch_size,
    check_scheduler,
    dask_backend,
    make_batches,
    process_pool,
    serial,
)
from sim.experiment.seeds import replication_seed
from sim.experiment.store import FILENAME as STORE
from sim.experiment.store import Store
from sim.scenario.limits import MAX_RUNS, MAX_WORKERS


class Interrupted(Exception):
    """The run was stopped (Ctrl-C or SIGTERM); finished replications are stored."""

    def __init__(self, stored: int, total: int, out: Path):
        self.stored, self.total, self.out = stored, total, out
        super().__init__(
            f"interrupted: {stored} of {total} replications stored in {out}; "
            "run the same command with `resume` to finish"
        )


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the run like Ctrl-C (only the main thread can install handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def execute(
    arms: Sequence[Arm],
    *,
    runs: int,
    seed: int,
    out: Path,
    resume: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    kind: str = "compare",
    on_start: Callable[[int, int], None] | None = None,
    on_rows: Callable[[list[Row]], None] | None = None,
) -> Store:
    """Run every (arm, replication < runs) missing from ``out/results.sqlite``.

    ``on_start(total, already_stored)`` and ``on_rows(rows)`` feed progress
    output.  Returns the open store; raises :class:`Interrupted` on Ctrl-C or
    SIGTERM after committing everything finished.
    """
    if not 1 <= runs <= MAX_RUNS:
        raise ExperimentError(f"`runs` must be within 1 … {MAX_RUNS:,}")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise ExperimentError(f"`workers` must be within 1 … {MAX_WORKERS:,}")
    workers = workers or default_workers()
    largest = max((a.scenario for a in arms), key=estimate_bytes)
    check_memory(largest, 1 if scheduler else min(workers, runs * len(arms)))
    if scheduler and scheduler != "local":
        check_scheduler(scheduler)
    outdir.prepare(out, kind)  # refuses a directory drill did not write, before any work
    outdir.record(out, kind, [STORE, f"{STORE}-wal", f"{STORE}-shm"])
    store = Store.open(
        out,
        config_hash(arms, seed),
        arms,
        {"kind": kind, "scenario": arms[0].scenario.meta.id, "seed": seed, "runs": runs},
        resume,
    )
    done = store.done()
    todo = {
        a.id: [(r, replication_seed(seed, r)) for r in range(runs) if (a.id, r) not in done]
        for a in arms
    }
    total = runs * len(arms)
    missing = sum(len(v) for v in todo.values())
    if on_start:
        on_start(total, total - missing)
    if missing == 0:
        return store
    batches = make_batches(
        [a.id for a in arms], todo, batch_size(missing, workers), 1 if scheduler else workers
    )
    scenarios = [a.scenario for a in arms]
    if scheduler:
        results = dask_backend(scenarios, batches, scheduler, workers)
    elif workers == 1:
        results = serial(scenarios, batches)
    else:
        results = process_pool(scenarios, batches, workers)
    stored = total - missing
    try:
        with _sigterm_as_interrupt():
            try:
                for rows in results:
                    store.write(rows)
                    stored += len(rows)
                    if on_rows:
                        on_rows(rows)
            finally:
                results.close()
    except KeyboardInterrupt:
        store.close()
        raise Interrupted(stored, total, Path(out)) from None
    except BrokenProcessPool:
        store.close()
        raise RunStopped(
            f"a worker process died; {stored} of {total} replications are stored in {out}; "
            "run the same command with `resume` to finish"
        ) from None
    except ClusterLost as exc:
        store.close()
        raise RunStopped(
            f"the Dask cluster was lost ({exc}); {stored} of {total} replications are stored "
            f"in {out}; run the same command with `resume` to finish"
        ) from None
    return store
