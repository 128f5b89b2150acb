"""Text from a scenario, made safe for the terminal.

Rich reads ``[bold]`` … ``[/]`` in printed strings as markup, so a title such
as ``[/x]`` would crash the console (``MarkupError``) and ``[link=…]`` would
make a live link; control characters (ESC sequences) would reach the
terminal.  :func:`markup` gives the text to interpolate into a Rich string:
control characters dropped, markup escaped.  :func:`plain` only drops the
control characters, for ``typer.echo``.
"""

from __future__ import annotations

import re
from typing import Any

from rich.markup import escape

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: Any) -> str:
    """``text`` without control characters (tabs and newlines are kept)."""
    return _CONTROL.sub("", str(text))


def markup(text: Any) -> str:
    """``text`` for a Rich string: no control characters, every ``[`` escaped."""
    return escape(plain(text))
