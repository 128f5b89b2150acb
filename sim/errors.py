"""The one exception family for input a user can fix.

Every error that a scenario, plan, answer file, run directory or experiment
argument can cause derives from :class:`DrillInputError`; the command line maps
the whole family to one readable line on stderr and exit code 2.  Messages name
the file, line and key where they can, and never a command-line flag: the same
errors reach a notebook user who never typed one.  A message that must name an
argument writes its Python name in backticks (`` `runs` ``, `` `resume` ``); the
command line shows it as the flag (``--runs``, ``--resume``).
"""

from __future__ import annotations


class DrillInputError(Exception):
    """Input that cannot be used as given; ``lines()`` is what a person reads."""

    def lines(self) -> list[str]:
        """One line per problem (a subclass that carries several overrides this)."""
        return [str(self)]


class RunStopped(Exception):
    """A run that stopped for a reason outside its input (a worker process or the
    Dask cluster was lost); the message says what is stored and how to finish.
    The command line prints it as one line, exit code 1."""
