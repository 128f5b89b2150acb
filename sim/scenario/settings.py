"""Contact settings: where people meet, the one vocabulary every factor is keyed by.

The epidemic draws contacts in each of :data:`SETTINGS`; tracing's find rates,
zone factors, mask factors and push-list coverage name the same settings, and
validation refuses any other name, so a factor can never name a setting the
epidemic does not draw.  :data:`RETIRED` names were accepted by earlier versions
of the language but were never drawn: they still validate, with a located
deprecation warning, and change nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

SETTINGS: tuple[str, ...] = ("household", "work", "venue", "transport", "community")
"""Settings the epidemic draws contacts in (:mod:`sim.epidemic.contacts`)."""

RETIRED: tuple[str, ...] = ("school", "other")
"""Accepted for old scenario files, never drawn; a deprecation warning names them."""


def check_settings(
    table: Mapping[str, float], what: str, retired_ok: bool = False, bounded: bool = True
) -> None:
    """Raise ``ValueError`` for a key of ``table`` that is no setting or a value outside [0, 1].

    ``what`` names the table in the message (a pydantic validator turns it into a
    located problem); ``retired_ok`` lets :data:`RETIRED` names through (a
    deprecation warning reports them).
    """
    allowed = SETTINGS + RETIRED if retired_ok else SETTINGS
    for name, value in table.items():
        if name not in allowed:
            raise ValueError(f"{what}: unknown setting '{name}' (one of {', '.join(SETTINGS)})")
        if bounded and not 0 <= value <= 1:
            raise ValueError(f"{what}.{name} must be within [0, 1]")
