"""The report as data: sections made of a few block types, rendered by
:mod:`sim.report.html` and :mod:`sim.report.markdown`.

All text a reader sees comes from the locale table or from the scenario (which
the renderers escape).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from sim import style
from sim.errors import DrillInputError

Cell = str | tuple[str, str]
"""A table cell: its text, or (text, css class)."""


class ReportInputError(DrillInputError, ValueError):
    """A directory that holds neither a run nor a comparison (bad input, exit 2)."""


@dataclass
class Section:
    id: str
    heading: str
    blocks: list[tuple[Any, ...]] = field(default_factory=list)

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def h3(self, text: str) -> None:
        """A sub-section heading (a capability in the analysis)."""
        self.blocks.append(("h3", text))

    def h4(self, text: str) -> None:
        self.blocks.append(("h4", text))

    def items(self, texts: list[Any]) -> None:
        """A bullet list; an item may carry sub-items as ``(text, [sub, ...])``."""
        self.blocks.append(("list", texts))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
        self.blocks.append(("table", headers, rows))

    def figure(self, stem: str, caption: str, png: bytes) -> None:
        self.blocks.append(("figure", stem, caption, png))

    def folded(self, summary: str, section: Section) -> None:
        """Blocks folded away behind ``summary`` (HTML ``<details>``; plain in Markdown)."""
        self.blocks.append(("details", summary, section.blocks))


@dataclass
class Report:
    lang: str
    title: str
    subtitle: str
    sections: list[Section]
    figures: dict[str, bytes]


def png_bytes(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    style.close(fig)
    return buf.getvalue()


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportInputError(f"{path}: missing (not a run or comparison directory)") from None
    except json.JSONDecodeError as err:
        raise ReportInputError(f"{path}:{err.lineno}: invalid JSON: {err.msg}") from None
