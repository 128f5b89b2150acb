"""The root :class:`Scenario` model and the cross-reference checks pydantic cannot do."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, Field, create_model

from sim.epidemic.contacts import EpidemicParams
from sim.injects.schema import Inject
from sim.scenario.exercise import Exercise
from sim.scenario.schema import (
    SUBJECTS,
    Agent,
    Handoff,
    Meta,
    Objective,
    PlanInfo,
    Raci,
    Ratings,
    Region,
    Strict,
)
from sim.subjects.registry import SUBJECT_MODULES

SubjectParams: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "SubjectParams",
    __base__=Strict,
    **{name: (module.Params | None, None) for name, module in SUBJECT_MODULES.items()},
)
"""Per-subject parameters; a subject left out is not simulated."""


class Scenario(Strict):
    """A validated, frozen drill scenario (with its plans already applied)."""

    meta: Meta
    region: Region
    agents: dict[str, Agent] = Field(min_length=1)
    responsibilities: dict[str, Raci]
    handoffs: list[Handoff] = Field(default_factory=list)
    subjects: SubjectParams = Field(default_factory=SubjectParams)  # type: ignore[valid-type]
    epidemic: EpidemicParams = Field(default_factory=EpidemicParams)
    injects: list[Inject] = Field(default_factory=list)
    decisions: dict[str, str] = Field(
        default_factory=dict, description="scripted choices: decision inject id → option id"
    )
    objectives: list[Objective] = Field(default_factory=list)
    ratings: Ratings = Field(default_factory=Ratings)
    applied_plans: list[PlanInfo] = Field(default_factory=list)
    exercise: Exercise | None = None

    def handoff(self, src: str, dst: str) -> Handoff | None:
        """The handoff from ``src`` to ``dst``, if the scenario declares one."""
        for h in self.handoffs:
            if h.from_ == src and h.to == dst:
                return h
        return None

    def subject_params(self, subject: str) -> Any:
        return getattr(self.subjects, subject)


def reference_problems(scn: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield ``(path, message)`` for every reference the schema alone cannot check."""
    from sim.engine.events import EVENT_KINDS

    agents = scn.agents

    def agent(path: tuple[str | int, ...], name: str) -> Iterator[tuple[tuple, str]]:
        if name not in agents:
            yield path, f"unknown agent '{name}'{_suggest(name, agents)}"

    for aid, a in agents.items():
        for i, boss in enumerate(a.reports_to):
            yield from agent(("agents", aid, "reports_to", i), boss)
    for subject in scn.responsibilities:
        if subject not in SUBJECTS:
            yield ("responsibilities", subject), f"unknown subject{_suggest(subject, SUBJECTS)}"
    for subject in SUBJECTS:
        raci = scn.responsibilities.get(subject)
        if raci is None:
            yield ("responsibilities",), f"subject '{subject}' has no responsible agent"
            continue
        base = ("responsibilities", subject)
        for role in ("responsible", "consulted", "informed"):
            for i, name in enumerate(getattr(raci, role)):
                yield from agent((*base, role, i), name)
        yield from agent((*base, "accountable"), raci.accountable)
    for i, h in enumerate(scn.handoffs):
        yield from agent(("handoffs", i, "from"), h.from_)
        yield from agent(("handoffs", i, "to"), h.to)
    from sim.injects.check import inject_problems

    yield from inject_problems(scn)
    seen: set[str] = set()
    for i, obj in enumerate(scn.objectives):
        if obj.id in seen:
            yield ("objectives", i, "id"), f"duplicate objective id '{obj.id}'"
        seen.add(obj.id)
        if obj.subject not in SUBJECTS:
            yield ("objectives", i, "subject"), f"unknown subject{_suggest(obj.subject, SUBJECTS)}"
        for end in ("start", "end"):
            kind = getattr(obj.measure, end).kind
            if kind not in EVENT_KINDS:
                yield (
                    ("objectives", i, "measure", end),
                    f"unknown event kind '{kind}'{_suggest(kind, EVENT_KINDS)}",
                )
    for name, module in SUBJECT_MODULES.items():
        params = getattr(scn.subjects, name)
        if params is None:
            continue
        for rel, message in module.check(params, scn):
            yield ("subjects", name, *rel), message


def _suggest(name: str, options: Any) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
