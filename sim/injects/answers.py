"""Answer files: the room's responses recorded, to replay a drill without a terminal.

An answer file is YAML::

    seed: 20220331              # optional; used when --seed is not given
    answers:                    # per inject id: the option (decisions) or the answer text
      lab-machine-fails: mobile_lab
      spot-grid-worker: 立即核查推送名单，落实五包一
    ad_hoc:                     # questions asked at an inject's pause, in order
      - {at: venue-finding, question: 谁负责调取场所码？, answer: 公安大数据专班}

Every problem (an inject that does not exist, an option that is not offered)
is reported as ``FILE:LINE: dotted.path: message`` before anything runs.
``drill play --save`` writes a finished live session in the same form.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from sim.outdir import write_atomic
from sim.scenario.source import Problem, ScenarioError, dotted, load_yaml

if TYPE_CHECKING:
    from sim.scenario.model import Scenario

KEYS = ("scenario", "seed", "answers", "ad_hoc")


@dataclass
class AnswerSheet:
    """Recorded responses: per inject id an option or text, and ad-hoc Q&A per inject."""

    answers: dict[str, str] = field(default_factory=dict)
    ad_hoc: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    seed: int | None = None
    scenario: str | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.scenario is not None:
            data["scenario"] = self.scenario
        if self.seed is not None:
            data["seed"] = self.seed
        data["answers"] = dict(self.answers)
        data["ad_hoc"] = [
            {"at": at, "question": q, "answer": a}
            for at, pairs in self.ad_hoc.items()
            for q, a in pairs
        ]
        return data

    def save(self, path: str | Path) -> Path:
        """Write the sheet as an answer file that :func:`load_answers` reads back."""
        text = "# drill play answers (replay with --answers)\n" + yaml.safe_dump(
            self.to_data(), allow_unicode=True, sort_keys=False
        )
        return write_atomic(Path(path), text)


def load_answers(path: str | Path, scenario: Scenario, extra: tuple[str, ...] = ()) -> AnswerSheet:
    """Read and check an answer file against ``scenario``; raise :class:`ScenarioError`.

    ``extra`` names further top-level keys a caller reads itself (a session journal,
    :mod:`sim.live.journal`, is an answer file with more keys)."""
    src = load_yaml(path)
    problems: list[Problem] = []

    def problem(p: tuple[str | int, ...], message: str) -> None:
        file, line = src.where(p)
        problems.append(Problem(file, line, dotted(p), message))

    data = src.data
    if not isinstance(data, dict):
        raise ScenarioError([Problem(src.file, 1, "", "an answer file must be a mapping")])
    for key in data:
        if key not in KEYS and key not in extra:
            close = difflib.get_close_matches(str(key), (*KEYS, *extra), n=1)
            problem((key,), "unknown key" + (f" (did you mean '{close[0]}'?)" if close else ""))
    injects = {i.id: i for i in scenario.injects}
    sheet = AnswerSheet()
    seed = data.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        problem(("seed",), "must be a whole number >= 0")
    else:
        sheet.seed = seed
    name = data.get("scenario")
    if name is not None and name != scenario.meta.id:
        problem(("scenario",), f"recorded for scenario '{name}', not '{scenario.meta.id}'")
    sheet.scenario = scenario.meta.id
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        problem(("answers",), "must map inject ids to an option or an answer")
        answers = {}
    for iid, value in answers.items():
        where = ("answers", iid)
        inj = injects.get(iid)
        if inj is None:
            problem(where, f"no inject '{iid}' in the scenario{_hint(iid, injects)}")
            continue
        if not isinstance(value, str) or isinstance(value, bool):
            problem(where, "must be text (an option id or the answer)")
            continue
        if inj.type == "decision":
            ids = [o.id for o in inj.options]
            if value not in ids:
                problem(where, f"'{value}' is not an option of '{iid}' ({', '.join(ids)})")
                continue
        sheet.answers[iid] = value
    ad_hoc = data.get("ad_hoc") or []
    if not isinstance(ad_hoc, list):
        problem(("ad_hoc",), "must be a list of {at, question, answer}")
        ad_hoc = []
    for i, item in enumerate(ad_hoc):
        where = ("ad_hoc", i)
        if not isinstance(item, dict) or set(item) != {"at", "question", "answer"}:
            problem(where, "needs exactly the keys at, question, answer")
            continue
        at = item["at"]
        if at not in injects:
            problem((*where, "at"), f"no inject '{at}' in the scenario{_hint(str(at), injects)}")
            continue
        if not all(isinstance(item[k], str) for k in ("question", "answer")):
            problem(where, "question and answer must be text")
            continue
        sheet.ad_hoc.setdefault(at, []).append((item["question"], item["answer"]))
    if problems:
        raise ScenarioError(problems)
    return sheet


def _hint(name: str, options: Any) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
