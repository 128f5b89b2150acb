"""A progress line on stderr every few seconds for long runs whose stderr is no terminal.

A piped or logged ``drill run`` or ``drill compare`` would otherwise print
nothing for minutes; on a terminal the experiment commands draw a progress bar
instead.  Short runs print nothing (the first line comes after
:data:`INTERVAL_S`), and ``--quiet`` or ``--json`` turn the lines off.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

INTERVAL_S = 5.0
"""Seconds between two progress lines."""


def wanted(quiet: bool) -> bool:
    """Progress lines for a non-interactive stderr, unless quiet (``-q``, ``--json``)."""
    silenced = logging.getLogger("sim").getEffectiveLevel() > logging.WARNING
    return not quiet and not silenced and not sys.stderr.isatty()


@contextmanager
def heartbeat(status: Callable[[], str], enabled: bool) -> Iterator[None]:
    """While the block runs, print ``drill: <status()> (<elapsed> s)`` every few seconds."""
    if not enabled:
        yield
        return
    stop = threading.Event()
    start = time.monotonic()

    def beat() -> None:
        while not stop.wait(INTERVAL_S):
            print(f"drill: {status()} ({time.monotonic() - start:.0f} s)", file=sys.stderr)

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
