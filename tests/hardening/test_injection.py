"""A scenario full of payloads: no live link, image, formula or markup from it anywhere."""

from __future__ import annotations

import csv
import re

import pytest
from markdown_it import MarkdownIt

from sim.csvsafe import cell
from sim.engine.log import EventLog
from sim.evaluation.improvement import plan_csv
from tests.hardening.common import FLAGSHIP, HERE, drill

PAYLOADS = HERE / "payloads.yaml"
URL = re.compile(r"(?i)(https?|javascript|ftp|mailto):|www\.")


def _run(tmp_path, monkeypatch, capsys, lang):
    out = tmp_path / "run"
    code, stdout, err = drill(
        monkeypatch,
        capsys,
        "run",
        FLAGSHIP,
        "--plan",
        PAYLOADS,
        "--seed",
        3,
        "--out",
        out,
        "--lang",
        lang,
    )
    assert code == 0, err
    return out, stdout


@pytest.mark.slow  # renders a whole report (≈ 3 s of CPU)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_has_no_live_link_image_or_html(tmp_path, monkeypatch, capsys, lang):
    out, _ = _run(tmp_path, monkeypatch, capsys, lang)
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "evil.example" in text  # the payload is shown …
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    inline = [c for tok in tokens for c in (tok.children or [])]
    for tok in [*tokens, *inline]:
        if tok.type == "html_inline":  # drill's own footer only
            assert tok.content in ("<sub>", "</sub>"), tok
        assert tok.type not in ("html_block", "link_open", "autolink"), tok
        if tok.type == "image":
            assert tok.attrs["src"].startswith("plots/"), tok.attrs  # only drill's own plots
    for tok in inline:  # … as text, where no GitHub-style viewer links a bare URL
        if tok.type == "text":
            assert not URL.search(tok.content), tok.content
    # drill's own headings (title, sections, capabilities and their parts) only: the
    # payload's "# heading" (an agent's name) and "# [bold]county..." opened none
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert all(t.tag in ("h1", "h2", "h3", "h4") for t in tokens if t.type == "heading_open")
    assert not [h for h in headings if "heading" in h or "county" in h.lower()], headings


@pytest.mark.slow  # renders a whole report (≈ 3 s of CPU)
def test_csv_cells_are_never_formulas(tmp_path, monkeypatch, capsys):
    out, _ = _run(tmp_path, monkeypatch, capsys, "en")
    for name in ("events.csv", "improvement_plan.csv"):
        with (out / name).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) > 1, name
        for r in rows:
            for c in r:
                if c[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    float(c)  # only a number may start so (e.g. a negative time)


@pytest.mark.slow  # renders a whole report (≈ 3 s of CPU)
def test_console_shows_markup_as_text(tmp_path, monkeypatch, capsys):
    _, stdout = _run(tmp_path, monkeypatch, capsys, "en")
    assert "[/x]" in stdout and "[link=https://evil.example]go[/link]" in stdout
    assert "\x1b" not in stdout


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1.5", "-1.5"),
        ("+3", "+3"),
        (-2.5, -2.5),
        (7, 7),
        ("cdc", "cdc"),
        ("", ""),
        (None, None),
    ],
)
def test_cell(value, written):
    assert cell(value) == written


def test_event_log_and_plan_neutralise_text_but_keep_numbers(tmp_path):
    log = EventLog()
    log.append(-48.0, "run_start", "engine", agent="=1+1", entity="@x", seed=1)
    log.write_csv(tmp_path / "e.csv")
    with (tmp_path / "e.csv").open(encoding="utf-8", newline="") as fh:
        header, row = list(csv.reader(fh))
    assert row[header.index("agent")] == "'=1+1"
    assert row[header.index("entity")] == "'@x"
    assert row[header.index("t")] == "-48.000000"
    text = plan_csv(["action", "n"], [["=2*3", -1.5]])
    assert "'=2*3" in text and ",-1.5" in text
