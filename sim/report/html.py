"""Render a :class:`~sim.report.build.Report` as one self-contained HTML file.

Plots are embedded as base64 PNG data URIs and the CSS is inline, so the file
opens offline and can be mailed as is; ``@media print`` keeps tables and
figures whole on paper.  Every text goes through :func:`esc` — scenario titles,
agent names and objective sources are user input and must render as text.  A
tiny inline script marks in the DOM whether every plot image decoded, which the
browser test reads.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from typing import Any

from fontTools import subset

from sim.report.document import Report
from sim.report.locale import t
from sim.style import RATING_COLOURS, cjk_font_path


def font_face(text: str) -> str:
    """An ``@font-face`` rule embedding the CJK font, cut down to the glyphs of ``text``.

    A browser on a machine without Chinese fonts would otherwise draw the
    report's Chinese as boxes; the subset (about 0.4 KB per distinct character)
    keeps the page self-contained.  Subsetting for embedding is allowed by the
    font's SIL Open Font License.
    """
    chars = "".join(sorted({c for c in text if ord(c) >= 0x20}))
    if not chars:
        return ""
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.hinting = False
    opts.notdef_outline = True
    font = subset.load_font(str(cjk_font_path()), opts)
    cutter = subset.Subsetter(opts)
    cutter.populate(text=chars)
    cutter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        "@font-face{font-family:DrillCJK;font-style:normal;font-weight:400 700;"
        f'src:url(data:font/otf;base64,{data}) format("opentype")}}'
    )


def esc(text: Any) -> str:
    """HTML-escape ``text`` (quotes too): the only way text enters the page."""
    return html.escape(str(text), quote=True)


CSS = (
    """
body{font-family:DrillCJK,"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC",
"Microsoft YaHei","Noto Sans CJK JP",sans-serif;margin:2rem auto;max-width:1150px;color:#222;
line-height:1.55;padding:0 1rem}
h1{font-size:1.6rem;border-bottom:3px solid #1f5f8b;padding-bottom:.3rem}
h2{font-size:1.25rem;color:#1f5f8b;margin-top:2rem;border-bottom:1px solid #ddd}
.subtitle{color:#8c6d31;font-style:italic}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef3f7}
table:not(:has(th)) td:first-child{width:11em;white-space:nowrap;color:#444}
td.rating{font-weight:bold;text-align:center;color:#fff}
"""
    + "".join(f"td.rating-{r}{{background:{c}}}" for r, c in RATING_COLOURS.items())
    + """
figure{margin:1rem 0;text-align:center}
figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#555;font-size:.9rem}
li ul{margin:.2rem 0 .4rem}
nav a{margin-right:1rem}
footer{margin-top:2rem;color:#888;font-size:.8rem}
h3{font-size:1.1rem;margin:1.4rem 0 .3rem}
h4{font-size:.95rem;margin:.8rem 0 .2rem;color:#444}
details{margin:.6rem 0}summary{cursor:pointer;color:#1f5f8b}
@page{size:A4;margin:16mm 14mm 18mm;
@bottom-center{content:counter(page) " / " counter(pages);font-size:9pt;color:#666}}
@media print{body{margin:0;max-width:none;padding:0;font-size:10pt}nav{display:none}
details{display:block}details>summary{display:none}
h1{margin-top:0}table{font-size:8.5pt}th,td{min-width:3.2em}figure img{max-height:235mm}
figure,tr,li{break-inside:avoid;page-break-inside:avoid}
h2,h3,h4{break-after:avoid;page-break-after:avoid}}
"""
)

CHECK = """
<script>
window.addEventListener('load', function () {
  var imgs = document.querySelectorAll('img.plot'), ok = 0;
  imgs.forEach(function (i) { if (i.complete && i.naturalWidth > 0) { ok++; } });
  var m = document.getElementById('img-check');
  m.setAttribute('data-loaded', ok + '/' + imgs.length);
});
</script>
"""


def _cell(c: Any, tag: str = "td") -> str:
    if isinstance(c, tuple):
        text, cls = c
        return f'<{tag} class="{esc(cls)}">{esc(text)}</{tag}>'
    return f"<{tag}>{esc(c)}</{tag}>"


def _block(b: tuple[Any, ...]) -> str:
    kind = b[0]
    if kind in ("h3", "h4"):
        return f"<{kind}>{esc(b[1])}</{kind}>"
    if kind == "details":
        _, summary, blocks = b
        return f"<details><summary>{esc(summary)}</summary>{''.join(map(_block, blocks))}</details>"
    if kind == "p":
        return f"<p>{esc(b[1])}</p>"
    if kind == "list":
        out = ["<ul>"]
        for item in b[1]:
            if isinstance(item, tuple):
                text, subs = item
                inner = "".join(f"<li>{esc(s)}</li>" for s in subs)
                out.append(f"<li>{esc(text)}<ul>{inner}</ul></li>")
            else:
                out.append(f"<li>{esc(item)}</li>")
        out.append("</ul>")
        return "".join(out)
    if kind == "table":
        _, headers, rows = b
        head = (
            "" if not any(headers) else "<tr>" + "".join(_cell(h, "th") for h in headers) + "</tr>"
        )
        body = "".join("<tr>" + "".join(_cell(c) for c in r) + "</tr>" for r in rows)
        return f"<table>{head}{body}</table>"
    if kind == "figure":
        _, stem, caption, png = b
        data = base64.b64encode(png).decode("ascii")
        return (
            f'<figure id="fig-{esc(stem)}"><img class="plot" alt="{esc(caption)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{esc(caption)}</figcaption></figure>'
        )
    raise ValueError(f"unknown block {kind!r}")


def render_html(report: Report, plot_name: Callable[[str], str] = str) -> str:
    """The whole page as a string (``plot_name`` is unused: plots are embedded)."""
    nav = "".join(f'<a href="#{esc(s.id)}">{esc(s.heading)}</a>' for s in report.sections)
    body = "".join(
        f'<section id="{esc(s.id)}"><h2>{esc(s.heading)}</h2>'
        + "".join(_block(b) for b in s.blocks)
        + "</section>"
        for s in report.sections
    )
    subtitle = f'<p class="subtitle">{esc(report.subtitle)}</p>' if report.subtitle else ""
    page = (
        f"<h1>{esc(report.title)}</h1>{subtitle}<nav>{nav}</nav>{body}"
        f"<footer>{esc(t('generated', report.lang))}</footer>"
    )
    visible = html.unescape(page) + report.title
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(report.lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(report.title)}</title><style>{font_face(visible)}{CSS}</style></head>"
        f'<body>{page}<div id="img-check" data-loaded=""></div>{CHECK}</body></html>\n'
    )
