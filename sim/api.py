"""The package API behind the ``drill`` command: run a drill, write its outputs."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sim import outdir
from sim.budget import check_memory
from sim.engine.log import EventLog
from sim.engine.world import World, collector_paused
from sim.epidemic import contacts
from sim.evaluation.summary import summarize
from sim.injects import msel
from sim.scenario.model import Scenario
from sim.subjects.registry import REGISTRY


def bundled_scenarios() -> Path:
    """The folder of bundled scenarios: ``scenarios/`` at the top of a source checkout
    (or an editable install), else the copy the wheel carries as package data."""
    checkout = Path(__file__).resolve().parent.parent / "scenarios"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("sim") / "scenarios"))


FLAGSHIP = bundled_scenarios() / "jiangxian-returnee.yaml"
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
    ``drill play`` passes its console or a recorded answer sheet.  A run that
    would not fit in memory is refused first (:func:`sim.budget.check_memory`).
    The World is closed (:meth:`~sim.engine.world.World.close`) once summarised.
    """
    seed = scenario.meta.seed if seed is None else int(seed)
    check_memory(scenario)
    # the collector stays paused from set-up to summary (see World.run), and the closed
    # World leaves next to no cycle behind for it to find
    with collector_paused():
        world = build_world(scenario, seed, facilitator)
        world.run(scenario.meta.duration_h)
        msel.finish(world)
        world.emit("run_end", "engine", entity=scenario.meta.id)
        result = RunResult(scenario, seed, world.log, summarize(scenario, world.log, seed))
        world.close()
    return result


def default_out(scenario: Scenario, seed: int) -> Path:
    """``reports/<scenario id>[+plans]/seed-<seed>`` under the working directory."""
    name = "+".join([scenario.meta.id, *(p.id for p in scenario.applied_plans)])
    return Path("reports") / name / f"seed-{seed}"


def scenario_snapshot(scenario: Scenario) -> dict[str, Any]:
    """The scenario (plans applied) as plain JSON data, for reports on a finished run."""
    return scenario.model_dump(mode="json", by_alias=True)


RUN_FILES = ("events.csv", "events.jsonl", "scenario.json", "summary.json")
"""What :func:`write_run` writes."""


def write_run(result: RunResult, out: Path) -> Path:
    """Write ``events.csv``, ``events.jsonl``, ``summary.json`` and ``scenario.json``.

    ``out`` must be new, empty or a previous drill output (see :mod:`sim.outdir`;
    anything else raises :class:`sim.outdir.OutputDirError` before writing).
    Files are written into a temporary sibling directory that becomes ``out``
    only when everything is written, so a failure leaves no partial output; a
    previous drill output there loses only the files drill wrote.
    """
    out = Path(out)
    outdir.check_target(out)
    tmp = outdir.new_directory(out.resolve().parent, out.resolve().name)
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
        outdir.install(tmp, out, "run")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
