"""The package API behind the ``drill`` command: run a drill, write its outputs."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.engine.log import EventLog
from sim.engine.world import World
from sim.epidemic import contacts
from sim.evaluation.summary import summarize
from sim.injects import msel
from sim.scenario.model import Scenario
from sim.subjects.registry import REGISTRY

FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios" / "jiangxian-returnee.yaml"
"""The bundled flagship scenario (Jiang County, illustrative)."""


@dataclass
class RunResult:
    """One replication: its scenario, seed, full event log and summary."""

    scenario: Scenario
    seed: int
    log: EventLog
    summary: dict[str, Any]


def build_world(
    scenario: Scenario, seed: int, facilitator: msel.Facilitator | None = None
) -> World:
    """A World with every subject of the scenario and its MSEL installed, ready to run.

    ``facilitator`` answers for the room at injects (default: the scripted choices
    of the scenario's plans, see :class:`sim.injects.msel.Scripted`).
    """
    world = World(scenario, seed)
    world.emit(
        "run_start",
        "engine",
        entity=scenario.meta.id,
        seed=seed,
        plans=[p.id for p in scenario.applied_plans],
    )
    contacts.install(world, scenario.epidemic)
    for name, subject in REGISTRY.items():
        params = scenario.subject_params(name)
        if params is not None:
            world.subjects[name] = subject.install(world, params)
    msel.install(world, facilitator)
    return world


def run_drill(
    scenario: Scenario, seed: int | None = None, facilitator: msel.Facilitator | None = None
) -> RunResult:
    """Run one replication of ``scenario`` (plans already applied).

    ``seed`` defaults to the scenario's own; the same scenario and seed always
    give the same event log.  Without ``facilitator`` the drill is scripted;
    ``drill play`` passes its console or a recorded answer sheet.
    """
    seed = scenario.meta.seed if seed is None else int(seed)
    world = build_world(scenario, seed, facilitator)
    world.run(scenario.meta.duration_h)
    msel.finish(world)
    world.emit("run_end", "engine", entity=scenario.meta.id)
    return RunResult(scenario, seed, world.log, summarize(scenario, world.log, seed))


def default_out(scenario: Scenario, seed: int) -> Path:
    """``reports/<scenario id>[+plans]/seed-<seed>`` under the working directory."""
    name = "+".join([scenario.meta.id, *(p.id for p in scenario.applied_plans)])
    return Path("reports") / name / f"seed-{seed}"


def scenario_snapshot(scenario: Scenario) -> dict[str, Any]:
    """The scenario (plans applied) as plain JSON data, for reports on a finished run."""
    return scenario.model_dump(mode="json", by_alias=True)


RUN_FILES = ("events.csv", "events.jsonl", "scenario.json", "summary.json")
"""What :func:`write_run` writes."""
REPORT_MANIFEST = ".drill-report.json"
"""The rendered files a report wrote into a run directory, by language (see
:func:`sim.report.write_report`): what replacing the run may remove."""


def _clear_previous(out: Path) -> None:
    """Remove from ``out`` only what drill wrote there: a previous run's files and the
    reports listed in the manifest; a file or folder the user added stays."""
    manifest = out / REPORT_MANIFEST
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        listed = {}
    written = {str(f) for files in listed.values() if isinstance(files, list) for f in files}
    for name in sorted(written | set(RUN_FILES)):
        path = (out / name).resolve()
        if path.is_relative_to(out.resolve()) and path.is_file():
            path.unlink()
    manifest.unlink(missing_ok=True)
    plots = out / "plots"
    if plots.is_dir() and not any(plots.iterdir()):
        plots.rmdir()


def write_run(result: RunResult, out: Path) -> Path:
    """Write ``events.csv``, ``events.jsonl``, ``summary.json`` and ``scenario.json``.

    Files are written into a temporary sibling directory first, so a failure leaves
    the previous output as it was.  A previous run in ``out`` is then replaced: its
    files and the reports drill wrote about it go, anything the user put there stays.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        result.log.write_csv(tmp / "events.csv")
        result.log.write_jsonl(tmp / "events.jsonl")
        (tmp / "scenario.json").write_text(
            json.dumps(scenario_snapshot(result.scenario), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        (tmp / "summary.json").write_text(
            json.dumps(result.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if out.is_dir():
            _clear_previous(out)
            for f in tmp.iterdir():
                f.replace(out / f.name)
            tmp.rmdir()
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
