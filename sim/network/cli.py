"""The package function behind ``drill network`` (the CLI only parses options)."""

from __future__ import annotations

import json
from pathlib import Path

from sim import outdir
from sim.engine.log import EventLog
from sim.network.analysis import analyse
from sim.network.draw import draw, load_from_log
from sim.network.text import render
from sim.scenario.model import Scenario


def network_command(
    scenario: Scenario,
    as_json: bool = False,
    out: Path | None = None,
    lang: str = "zh",
    run_dir: Path | None = None,
) -> str:
    """Analyse ``scenario``; draw it into ``out/network.png`` when asked; return the text.

    With ``run_dir`` (a ``drill run`` output directory) the drawing is coloured by
    each agent's load in that run, and the JSON gains a ``load`` section.
    """
    if out is not None:
        outdir.check_file(Path(out) / "network.png")  # never replace a file drill did not write
    result = analyse(scenario)
    load = None
    if run_dir is not None:
        load = load_from_log(scenario, EventLog.read_jsonl(Path(run_dir) / "events.jsonl"))
        result["load"] = {a: {k: round(v, 6) for k, v in row.items()} for a, row in load.items()}
    if out is not None:
        png = draw(scenario, result, Path(out) / "network.png", lang=lang, load=load)
        outdir.record(Path(out), "network", [png.name])
        result["drawing"] = str(png)
    if as_json:
        return json.dumps(result, ensure_ascii=False, indent=2)
    text = render(result, lang)
    if out is not None:
        text += "\n\n" + ("网络图: " if lang == "zh" else "drawing: ") + result["drawing"]
    return text
