"""Where replications run: this process, a local process pool, or Dask.

Work is cut into batches (one arm, several replications) so that the cost of
shipping a scenario and a result stays small beside the simulation itself.
Every backend runs the same pure function, :func:`run_batch`, on the same
(arm, replication, seed) triples, so results are identical whatever the
backend and the number of workers; only the order of arrival differs, and the
store is keyed by (plan, replication).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from sim.experiment.arms import ExperimentError
from sim.experiment.metrics import flatten, objective_outcomes
from sim.scenario import Scenario

Row = dict[str, Any]


@dataclass(frozen=True)
class Batch:
    """Replications of one arm to run together: ``items`` = [(rep, seed), ...]."""

    arm: int
    plan: str
    items: tuple[tuple[int, int], ...]


def run_one(scenario: Scenario, plan: str, rep: int, seed: int) -> Row:
    """One replication → its stored row; an exception is recorded, not raised."""
    from sim.api import run_drill  # imported here so that workers import it once, lazily

    try:
        summary = run_drill(scenario, seed).summary
    except Exception as exc:
        last = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{os.path.basename(last.filename)}:{last.lineno}"
        return {
            "plan": plan,
            "rep": rep,
            "seed": seed,
            "status": "error",
            "metrics": None,
            "objectives": [],
            "error": f"{type(exc).__name__}: {exc} ({where})",
        }
    return {
        "plan": plan,
        "rep": rep,
        "seed": seed,
        "status": "ok",
        "metrics": flatten(summary),
        "objectives": objective_outcomes(summary),
        "error": None,
    }


def run_batch(scenario: Scenario, plan: str, items: Sequence[tuple[int, int]]) -> list[Row]:
    """Run a batch of replications of one arm (the unit of work of every backend)."""
    return [run_one(scenario, plan, rep, seed) for rep, seed in items]


def make_batches(
    plans: Sequence[str], todo: dict[str, list[tuple[int, int]]], size: int, workers: int = 1
) -> list[Batch]:
    """Batches in replication-major order, so all plans advance together.

    With several workers the batches shrink toward the end (guided scheduling):
    a round of batches (one per plan) holds at most ``1 / (2 · workers)`` of the
    replications still to do, so the last batches are short and the workers
    finish together instead of one idling while the other runs a full batch.
    Batching never changes results, only when they arrive.
    """
    pos = dict.fromkeys(plans, 0)
    out: list[Batch] = []
    while True:
        left = {p: len(todo[p]) - pos[p] for p in plans}
        if not any(left.values()):
            return out
        k = size
        if workers > 1:
            k = max(1, min(size, -(-sum(left.values()) // (2 * workers * len(plans)))))
        for i, p in enumerate(plans):
            if left[p]:
                out.append(Batch(i, p, tuple(todo[p][pos[p] : pos[p] + k])))
                pos[p] = min(len(todo[p]), pos[p] + k)


def batch_size(total: int, workers: int) -> int:
    """About eight batches per worker, each of 1–25 replications (the largest batch)."""
    return max(1, min(25, -(-total // max(1, workers * 8))))


# --------------------------------------------------------------------------- local


def serial(
    scenarios: Sequence[Scenario], batches: Sequence[Batch]
) -> Generator[list[Row], None, None]:
    """Run every batch in this process, in order."""
    for b in batches:
        yield run_batch(scenarios[b.arm], b.plan, b.items)


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)  # the comparison was killed: do not linger as an orphan


_SCENARIOS: Sequence[Scenario] = ()
"""A pool worker's arms' scenarios, received once when it starts."""


def _worker_init(parent: int, scenarios: Sequence[Scenario]) -> None:
    """Workers leave Ctrl-C to the parent, exit when the parent dies and keep the
    scenarios, so a batch ships only its (replication, seed) pairs."""
    global _SCENARIOS
    _SCENARIOS = scenarios
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _pool_batch(arm: int, plan: str, items: Sequence[tuple[int, int]]) -> list[Row]:
    """:func:`run_batch` in a pool worker, on the scenario it received at start."""
    return run_batch(_SCENARIOS[arm], plan, items)


def process_pool(
    scenarios: Sequence[Scenario], batches: Sequence[Batch], workers: int
) -> Generator[list[Row], None, None]:
    """Run batches on ``workers`` local processes, yielding each batch as it finishes.

    At most two batches per worker are in flight, so an interruption wastes
    little work; closing the generator (Ctrl-C, SIGTERM, an error) cancels the
    rest and stops the workers.
    """
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(os.getpid(), list(scenarios)),
    )
    pending: set[Future] = set()
    queue = list(reversed(batches))
    try:
        while queue or pending:
            while queue and len(pending) < 2 * workers:
                b = queue.pop()
                pending.add(pool.submit(_pool_batch, b.arm, b.plan, b.items))
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                yield fut.result()
    finally:
        for fut in pending:
            fut.cancel()
        if pending:  # interrupted: do not wait for batches in flight
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------- dask


def dask_backend(
    scenarios: Sequence[Scenario], batches: Sequence[Batch], scheduler: str, workers: int
) -> Generator[list[Row], None, None]:
    """Run batches on Dask distributed: ``scheduler`` is ``tcp://HOST:PORT`` or ``local``.

    ``local`` starts a LocalCluster of ``workers`` single-threaded worker
    processes listening on the loopback interface only.  Workers of a remote
    cluster need ``drill`` installed (the scenario itself is sent to them).
    """
    _quiet_distributed()
    try:
        import dask
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise RuntimeError("`scheduler` needs Dask distributed: pip install 'drill[dask]'") from exc
    # Two Dask defaults slow a CPU-bound simulation that allocates large arrays per
    # replication: the nanny's MALLOC_TRIM_THRESHOLD_=65536 makes glibc hand memory
    # back and fault it in again every run (measured: +50% CPU per replication), and
    # the workers' statistical profiler samples the task thread every 10 ms.
    environ = {
        k: v
        for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
        if k != "MALLOC_TRIM_THRESHOLD_"
    }
    settings = dask.config.set(
        {
            "distributed.worker.profile.enabled": False,
            "distributed.worker.profile.interval": "1s",
            "distributed.nanny.pre-spawn-environ": environ,
        }
    )
    settings.__enter__()
    _quiet_distributed()
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        settings.__exit__(None, None, None)
        raise ExperimentError(
            f"cannot reach the Dask scheduler {scheduler}: {_one_line(exc)}"
        ) from None
    futures = []
    try:
        handles = [client.scatter(s, broadcast=True) for s in scenarios]
        futures = [
            client.submit(run_batch, handles[b.arm], b.plan, b.items, pure=False) for b in batches
        ]
        for fut in as_completed(futures):
            try:
                rows = fut.result()
            except Exception as exc:
                if not _lost_cluster(exc):
                    raise
                raise ClusterLost(_one_line(exc)) from None
            yield rows
    except (OSError, TimeoutError) as exc:  # the scheduler went away while submitting
        raise ClusterLost(_one_line(exc)) from None
    finally:
        with contextlib.suppress(Exception):  # a lost cluster cannot be closed politely
            if futures:
                client.cancel(futures)
            client.close(timeout=CONNECT_TIMEOUT_S)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=CONNECT_TIMEOUT_S)
        settings.__exit__(None, None, None)


CONNECT_TIMEOUT_S = 10
"""Seconds to wait for a Dask scheduler (connecting, closing)."""


def check_scheduler(address: str) -> None:
    """Refuse a ``tcp://HOST:PORT`` scheduler nothing listens at, before any work is done."""
    scheme, _, rest = address.partition("://")
    host, _, port = rest.rpartition(":")
    if scheme != "tcp" or not host or not port.isdigit():
        return  # other schemes (tls://, …) are left to Dask
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise ExperimentError(
            f"cannot reach the Dask scheduler {address}: {_one_line(exc)}"
        ) from None


class ClusterLost(Exception):
    """The Dask workers or the scheduler went away during the run."""


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split()).rstrip(":")


def _lost_cluster(exc: BaseException) -> bool:
    """Whether ``exc`` from a Dask future means lost workers or scheduler, not a bug."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError

    return isinstance(exc, CancelledError | KilledWorker | CommClosedError | OSError | TimeoutError)


def _quiet_distributed() -> None:
    """Keep Dask's own log records (tracebacks of a lost scheduler) out of the terminal.

    drill reports a lost cluster in one line; with ``-v`` (the ``sim`` logger at
    INFO or below) Dask's records are shown.  Workers that drill starts inherit
    the setting through the environment.
    """
    verbose = logging.getLogger("sim").getEffectiveLevel() <= logging.INFO
    if verbose:
        return
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical")
    for name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "distributed"]:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
