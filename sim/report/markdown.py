"""Render a :class:`~sim.report.build.Report` as Markdown next to ``plots/*.png``.

All text in a block comes from the locale table or from the scenario, and is
escaped so that it is shown, never interpreted: inline HTML (``<``, ``>``,
``&``), every Markdown punctuation mark that could open a link, image, code
span, emphasis or table cell, block markers at the start of a line, and bare
URLs (which GitHub-flavoured viewers link automatically: a word joiner after
the scheme or ``www`` keeps them text).  The only links in ``report.md`` are
the renderer's own, to ``plots/*.png``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sim.report.document import Report
from sim.report.locale import t
from sim.textsafe import plain

_PUNCT = re.compile(r"([\\`*_\[\]!|~<>])")
"""Inline Markdown punctuation (and ``<``/``>``, which could open a tag), backslash-escaped."""
_ENTITY = re.compile(r"&(?=#?\w+;)")
"""An ``&`` that would start an HTML entity."""
_LEADING = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)](?:\s|$)))")
"""What opens a block (heading, list, quote) at the start of text: escaped there."""
_AUTOLINK = re.compile(r"(?i)\b(?:(?:https?|ftp|mailto|javascript|data|file)(?=:)|www(?=\.))")
"""A scheme before its colon, or ``www`` before its dot: what a viewer would link."""
_JOINER = "\u2060"


def _lead(marker: str) -> str:
    return f"{marker}\\" if marker[0].isdigit() else f"\\{marker}"


def esc(text: Any) -> str:
    """``text`` shown literally by any Markdown viewer (on one line), with no HTML
    entity in the source: ``<``, ``>`` and Markdown punctuation are backslash-escaped,
    ``&`` only where it would start an entity."""
    out = plain(text).replace("\n", " ").replace("\t", " ")
    out = _PUNCT.sub(r"\\\1", out)
    out = _ENTITY.sub(r"\\&", out)
    out = _LEADING.sub(lambda m: m.group(1) + _lead(m.group(2)), out)
    return _AUTOLINK.sub(lambda m: m.group(0)[0] + _JOINER + m.group(0)[1:], out)


def _cell(c: Any) -> str:
    text = c[0] if isinstance(c, tuple) else c
    return esc(text)  # esc escapes "|" too


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
