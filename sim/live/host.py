"""Where a live session keeps its journal and what it writes when the drill ends."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim import outdir
from sim.api import write_run
from sim.live.journal import JournalWriter

if TYPE_CHECKING:
    from sim.live.session import Session
    from sim.scenario.model import Scenario

SESSION_FILE = "session.json"
"""The session's record in the run directory (evaluations, controller actions)."""


def journal_path(target: Path) -> Path:
    """``<output directory>.journal.yaml`` beside it, numbered when one exists already."""
    target = Path(target)
    path = target.with_name(f"{target.name}.journal.yaml")
    n = 2
    while path.exists():
        path = target.with_name(f"{target.name}.journal-{n}.yaml")
        n += 1
    return path


def new_journal(
    path: Path,
    scenario: Scenario,
    seed: int,
    scenario_file: Path,
    plans: Sequence[Path],
    lang: str,
    out: Path,
) -> JournalWriter:
    """Start the journal of a new session (refuses to overwrite an existing file)."""
    if path.exists():
        raise outdir.OutputDirError(
            f"{path}: a journal is there already; resume it or name another"
        )
    header = {
        "scenario": scenario.meta.id,
        "seed": seed,
        "session": {
            "file": str(Path(scenario_file).resolve()),
            "plans": [str(Path(p).resolve()) for p in plans],
            "lang": lang,
            "out": str(Path(out).resolve()),
        },
    }
    return JournalWriter(path, header)


def play_outputs(
    session: Session,
    target: Path,
    write_report: Callable[[Path, str], Path],
    no_report: bool,
) -> None:
    """Write the run directory as ``drill run`` does, the session's record beside the
    event log, and the after-action report (zh, and the session's language)."""
    assert session.result is not None
    lang = session.lang
    zh = lang == "zh"
    target = write_run(session.result, target)
    (target / SESSION_FILE).write_text(
        json.dumps(session.record_of(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    outdir.record(target, "run", [SESSION_FILE])
    outputs = {("输出目录" if zh else "run directory"): str(target)}
    if not no_report:
        if lang != "zh":
            write_report(target, "zh")
        outputs["评估报告" if zh else "report"] = str(write_report(target, lang))
    outputs["推演记录" if zh else "session journal"] = str(session.writer.path)
    with session.cond:
        session.outputs = outputs
