"""Diagnostics through the standard :mod:`logging` module, set up by the command line.

Library code logs to loggers under ``sim`` (warnings such as a deprecated id
are already located lines: ``FILE:LINE: path: message``).  The command line
prints them on stderr: warnings by default, nothing below errors with
``--quiet``, info with ``-v`` and debug with ``-vv``.  Dask's own loggers
(``distributed``) are kept out of the terminal unless ``-v`` is given: a lost
worker is reported by drill in one line.
"""

from __future__ import annotations

import logging
import sys

_OURS = "_drill_handler"


class _Formatter(logging.Formatter):
    """Warnings from drill as they are (located lines); everything else labelled."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.name.startswith("sim") and record.levelno == logging.WARNING:
            return text
        return f"drill: {record.levelname.lower()}: {record.name}: {text}"


def configure_logging(verbosity: int) -> None:
    """``-1`` quiet (errors), ``0`` warnings, ``1`` info, ``2`` debug — on stderr."""
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    setattr(handler, _OURS, True)
    for name, wanted in (("sim", level), ("distributed", max(level, logging.CRITICAL + 1))):
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if getattr(h, _OURS, False)]:
            logger.removeHandler(old)
        if name == "distributed" and verbosity >= 1:
            wanted = level
        logger.setLevel(wanted)
        logger.addHandler(handler)
