"""The session journal: every answer and controller action of ``drill play``, as it happens.

A journal is an answer file (:mod:`sim.injects.answers`) with two more keys —
``session`` (the scenario file, plans and language) and ``journal`` (a list of
entries, one line each, appended, flushed and fsynced as they happen)::

    scenario: jiangxian-returnee
    seed: 20220331
    session: {file: scenarios/jiangxian-returnee.yaml, plans: [], lang: zh}
    journal:
    - {"n": 1, "pause": 0, "at": "direct-report-outage", "do": "answer", "text": "…"}
    - {"n": 2, "pause": 0, "at": "direct-report-outage", "do": "release"}

Each entry names the pause it was made at (``pause``: 0, 1, … in the order the
simulation stopped; ``at``: the inject delivered there, or ``@hold`` for a time
jump's stop).  Entries that change the simulation (:data:`SIM_KINDS`) take effect
when their pause is released, in journal order, so replaying them at the same
pauses gives the same event log; the others (devices, the exercise clock) are the
session's record.  An evaluation made while the simulation stands at a pause is
logged (``action_evaluated``) when that pause is released, so MSEL triggers can
follow it: its entry names that pause and ``of``, the pause whose expected action
it judges; one made at no open pause (older journals too) is record only.  A crash
can cut the last line short: the reader drops an unfinished last line, the writer
cuts it off before appending.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import yaml

from sim.injects.answers import AnswerSheet, load_answers
from sim.scenario.source import Problem, ScenarioError, load_yaml

if TYPE_CHECKING:
    from sim.scenario.model import Scenario

HOLD = "@hold"
"""``at`` of a pause that is a time jump's stop rather than an inject."""

SIM_KINDS = ("choose", "answer", "ask", "fire", "skip", "defer", "adhoc", "jump", "release")
"""Entries that change the simulation; they are replayed on resume."""

RECORD_KINDS = (
    "start",
    "hold",
    "resume",
    "join",
    "approve",
    "deny",
    "evaluate",
    "fan",
    "reveal",
    "end",
)
"""Entries kept for the record (and the after-action report); not replayed."""

FIELDS: dict[str, tuple[str, ...]] = {
    "choose": ("option",),
    "answer": ("text",),
    "ask": ("question", "answer"),
    "fire": ("inject",),
    "skip": ("inject", "reason"),
    "defer": ("inject", "hours"),
    "adhoc": ("text", "target", "subject"),
    "jump": ("to_h",),
    "evaluate": ("pause", "inject", "rating", "note"),
}
"""Required fields per kind (besides ``n``, ``pause``, ``at``, ``do``)."""

RATINGS = ("met", "partly", "not_met")
"""An evaluator's verdict on an expected action."""


class JournalError(ScenarioError):
    """A journal that cannot be resumed (exit 2, located like every input problem)."""


@dataclass
class Journal:
    """A journal read back: the answer sheet part, the session header and the entries."""

    sheet: AnswerSheet
    session: dict[str, Any] = field(default_factory=dict)
    entries: list[dict[str, Any]] = field(default_factory=list)

    def pauses(self) -> dict[int, list[dict[str, Any]]]:
        """Simulation entries by pause index, in order."""
        out: dict[int, list[dict[str, Any]]] = {}
        for e in self.entries:
            if changes_simulation(e):
                out.setdefault(int(e["pause"]), []).append(e)
        return out


def changes_simulation(entry: dict[str, Any]) -> bool:
    """Whether ``entry`` takes effect in the simulation when its pause is released
    (:data:`SIM_KINDS`, and an evaluation made at an open pause: it is logged)."""
    return entry["do"] in SIM_KINDS or (entry["do"] == "evaluate" and "of" in entry)


def evaluated_pause(entry: dict[str, Any]) -> int:
    """The pause whose expected action an ``evaluate`` entry judges."""
    return int(entry.get("of", entry["pause"]))


def is_journal(path: str | Path) -> bool:
    """Whether the YAML file at ``path`` carries a ``journal`` (cheap: reads the keys)."""
    try:
        data = yaml.safe_load(_complete_text(Path(path)))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "journal" in data


def _complete_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):  # a write cut short by a crash: drop it
        text = text[: text.rfind("\n") + 1]
    return text


def load_journal(path: str | Path, scenario: Scenario) -> Journal:
    """Read and check a journal against ``scenario``; problems are located lines."""
    path = Path(path)
    text = _complete_text(path)
    clean = path.with_name(f".{path.name}.complete")
    try:  # the loader reads files; give it the complete lines only
        clean.write_text(text, encoding="utf-8")
        sheet = load_answers(clean, scenario, extra=("session", "journal"))
        src = load_yaml(clean)
    except ScenarioError as exc:
        raise JournalError(
            [Problem(str(path), p.line, p.path, p.message) for p in exc.problems]
        ) from None
    finally:
        clean.unlink(missing_ok=True)
    data = src.data
    problems: list[Problem] = []
    injects = {i.id for i in scenario.injects}

    def problem(where: tuple[str | int, ...], message: str) -> None:
        _, line = src.where(where)
        problems.append(Problem(str(path), line, ".".join(map(str, where)), message))

    session = data.get("session") or {}
    if not isinstance(session, dict):
        problem(("session",), "must be a mapping (file, plans, lang)")
        session = {}
    entries = data.get("journal") or []
    if not isinstance(entries, list):
        problem(("journal",), "must be a list of entries")
        entries = []
    out: list[dict[str, Any]] = []
    for i, e in enumerate(entries):
        where: tuple[str | int, ...] = ("journal", i)
        if not isinstance(e, dict) or "do" not in e or "pause" not in e:
            problem(where, "an entry needs at least 'pause' and 'do'")
            continue
        do = e["do"]
        if do not in SIM_KINDS and do not in RECORD_KINDS:
            problem((*where, "do"), f"unknown entry kind '{do}'")
            continue
        missing = [k for k in FIELDS.get(do, ()) if k not in e]
        if missing:
            problem(where, f"'{do}' needs {', '.join(missing)}")
            continue
        if do in ("fire", "skip", "defer") and e["inject"] not in injects:
            problem((*where, "inject"), f"no inject '{e['inject']}' in the scenario")
            continue
        if (
            do == "evaluate"
            and "of" in e
            and (not isinstance(e["of"], int) or e["inject"] not in injects)
        ):
            problem(where, "'evaluate' needs 'of' (a pause number) and an inject of the scenario")
            continue
        out.append(e)
    if problems:
        raise JournalError(problems)
    return Journal(sheet, session, out)


class JournalWriter:
    """Appends entries to a journal file, each flushed and fsynced before returning."""

    def __init__(self, path: str | Path, header: dict[str, Any] | None = None):
        """Start a new journal with ``header`` (scenario, seed, session), or continue
        the existing one at ``path`` when ``header`` is None."""
        self.path = Path(path)
        self.n = 0
        if header is None:
            text = self.path.read_text(encoding="utf-8")
            if text and not text.endswith("\n"):
                text = text[: text.rfind("\n") + 1]
                with self.path.open("r+", encoding="utf-8") as fh:
                    fh.truncate(len(text.encode("utf-8")))
            self.n = sum(1 for line in text.splitlines() if line.startswith("- {"))
            self._fh: TextIO = self.path.open("a", encoding="utf-8")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("x", encoding="utf-8")
            self._write(
                "# drill play session journal: resume with `drill play --resume` and this file\n"
                + yaml.safe_dump(header, allow_unicode=True, sort_keys=False)
                + "journal:\n"
            )

    def _write(self, text: str) -> None:
        self._fh.write(text)
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Write ``entry`` (numbered and time-stamped here) as one line; return it."""
        self.n += 1
        entry = {"n": self.n, **entry, "wall": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        self._write("- " + json.dumps(entry, ensure_ascii=False) + "\n")
        return entry

    def close(self) -> None:
        self._fh.close()


class NullWriter(JournalWriter):
    """A writer that keeps nothing: replaying a journal (``--answers``) must not extend it."""

    def __init__(self) -> None:
        self.path = Path("-")
        self.n = 0

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        self.n += 1
        return {"n": self.n, **entry}

    def close(self) -> None:
        pass


def read_session(path: str | Path) -> dict[str, Any]:
    """The ``session`` header of a journal (scenario file, plans, language), unchecked."""
    try:
        data = yaml.safe_load(_complete_text(Path(path)))
    except OSError as exc:
        raise JournalError([Problem(str(path), 0, "", f"cannot read file: {exc}")]) from None
    except yaml.YAMLError as exc:
        raise JournalError([Problem(str(path), 0, "", f"not YAML: {exc}")]) from None
    session = data.get("session") if isinstance(data, dict) else None
    if not isinstance(session, dict) or not isinstance(session.get("file"), str):
        raise JournalError([Problem(str(path), 1, "session", "not a drill play journal")])
    return session
