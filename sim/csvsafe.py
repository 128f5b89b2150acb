"""Spreadsheet-safe CSV cells: scenario text never becomes a formula.

Every CSV drill writes (``events.csv``, ``improvement_plan.csv``) may carry text
from a scenario — an agent id, a title — and a spreadsheet opening it would
evaluate a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) as a formula.  Following OWASP's advice, such a text cell
is prefixed with ``'``, which spreadsheets show as text.  Numbers stay numbers:
a number, or text that is exactly a number such as ``-1.5``, is written as is.
"""

from __future__ import annotations

import math
from typing import Any

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def _number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def cell(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet evaluates."""
    if isinstance(value, str) and value.startswith(DANGEROUS) and not _number(value):
        return "'" + value
    return value


def row(values: list[Any]) -> list[Any]:
    """:func:`cell` applied to every value of a row."""
    return [cell(v) for v in values]
