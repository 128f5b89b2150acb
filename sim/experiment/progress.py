"""A progress bar with ETA and running estimates, shown only on a terminal.

Quiet when stderr is not a TTY, when ``CI`` is set and with ``--json``, so that
logs and machine-readable output stay clean.
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def wanted(quiet: bool) -> bool:
    """Show progress? Only on an interactive terminal outside CI."""
    return not quiet and sys.stderr.isatty() and not os.environ.get("CI")


class ProgressView:
    """Feeds :func:`sim.experiment.runner.execute`'s callbacks into a rich progress bar.

    The running estimate is p(met) by plan for one objective: the one named, or
    else the objective the baseline meets least often so far.
    """

    def __init__(self, enabled: bool, objective: str | None = None):
        self.enabled = enabled
        self.objective = objective
        self.met: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        self.errors = 0
        self.progress: Progress | None = None
        self.task: Any = None
        self.total = 0
        self.done = 0

    def __enter__(self) -> ProgressView:
        if self.enabled:
            self.progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[estimate]}"),
                console=Console(stderr=True),
                transient=True,
            )
            self.progress.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.progress is not None:
            self.progress.__exit__(kind, error, trace)

    def start(self, total: int, done: int) -> None:
        self.total, self.done = total, done
        if self.progress is not None:
            self.task = self.progress.add_task(
                "replications", total=total, completed=done, estimate=""
            )

    def status(self) -> str:
        """One line for a log: replications stored so far and the running estimate."""
        text = f"{self.done} of {self.total} replications"
        estimate = self._estimate()
        return text + (f"; {estimate}" if estimate else "")

    def rows(self, rows: list[dict]) -> None:
        self.done += len(rows)
        for r in rows:
            if r["status"] != "ok":
                self.errors += 1
                continue
            for o in r["objectives"]:
                cell = self.met[(r["plan"], o["id"])]
                cell[0] += o["met"]
                cell[1] += 1
        if self.progress is not None:
            self.progress.update(self.task, advance=len(rows), estimate=self._estimate())

    def _estimate(self) -> str:
        oid = self.objective
        if oid is None:
            base = {o: k / n for (p, o), (k, n) in self.met.items() if p == "baseline" and n}
            if not base:
                return ""
            oid = min(base, key=lambda o: base[o])
        parts = [f"{p} {k / n:.0%}" for (p, o), (k, n) in self.met.items() if o == oid and n][:6]
        text = f"p(met {oid}): " + ", ".join(parts)
        return text + (f"  errors {self.errors}" if self.errors else "")
