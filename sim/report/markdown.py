"""Render a :class:`~sim.report.build.Report` as Markdown next to ``plots/*.png``.

Markdown viewers render inline HTML, so scenario text is escaped here too
(``<``, ``>``, ``&``), and ``|`` is escaped inside table cells.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.report.document import Report
from sim.report.locale import t


def esc(text: Any) -> str:
    """Neutralise markup in ``text`` without turning plain ``&`` into ``&amp;``:
    only ``<`` and ``>`` (which could open a tag) are escaped."""
    return str(text).replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _cell(c: Any) -> str:
    text = c[0] if isinstance(c, tuple) else c
    return esc(text).replace("|", "\\|")


def _block(b: tuple[Any, ...], plot_name: Callable[[str], str] = str) -> list[str]:
    kind = b[0]
    if kind == "h3":
        return [f"### {esc(b[1])}", ""]
    if kind == "h4":
        return [f"#### {esc(b[1])}", ""]
    if kind == "details":
        _, summary, blocks = b
        return [f"**{esc(summary)}**", ""] + [x for blk in blocks for x in _block(blk, plot_name)]
    if kind == "p":
        return [esc(b[1]), ""]
    if kind == "list":
        out = []
        for item in b[1]:
            if isinstance(item, tuple):
                text, subs = item
                out.append(f"- {esc(text)}")
                out += [f"  - {esc(s)}" for s in subs]
            else:
                out.append(f"- {esc(item)}")
        return [*out, ""]
    if kind == "table":
        _, headers, rows = b
        heads = [_cell(h) or " " for h in headers]
        out = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
        return [*out, ""]
    if kind == "figure":
        _, stem, caption, _png = b
        png = plot_name(f"{stem}.png")
        return [f"![{esc(caption)}](plots/{png})", "", f"*{esc(caption)}*", ""]
    raise ValueError(f"unknown block {kind!r}")


def render_markdown(report: Report, plot_name: Callable[[str], str] = str) -> str:
    """The report as Markdown; ``plot_name`` maps a plot's file name to its language's."""
    lines = [f"# {esc(report.title)}", ""]
    if report.subtitle:
        lines += [f"*{esc(report.subtitle)}*", ""]
    for s in report.sections:
        lines += [f"## {esc(s.heading)}", ""]
        for b in s.blocks:
            lines += _block(b, plot_name)
    lines += [f"<sub>{esc(t('generated', report.lang))}</sub>", ""]
    return "\n".join(lines)
