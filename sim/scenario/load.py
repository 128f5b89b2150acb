"""Load a scenario file, overlay plan files in order, validate, locate every problem."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from sim.scenario.checks import Rel, suggest
from sim.scenario.ids import id_problems
from sim.scenario.model import Scenario
from sim.scenario.schema import PlanInfo
from sim.scenario.source import Located, Problem, ScenarioError, dotted, load_yaml, overlay


def keys_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> set[str]:
    """The keys valid where the last part of ``loc`` (a pydantic error location) sits.

    "Did you mean" must suggest from these, not from every key of the language:
    ``meta.vehicles`` is answered with the keys of ``meta``.
    """
    here: list[Any] = [model]
    for part in loc[:-1]:
        after = [nxt for ann in here for nxt in _step(ann, part)]
        if after:  # parts that match nothing are union tags (a distribution's name)
            here = after
    names: set[str] = set()
    for ann in here:
        for member in _members(ann):
            if isinstance(member, type) and issubclass(member, BaseModel):
                names |= {info.alias or n for n, info in member.model_fields.items()}
    return names


def _members(annotation: Any) -> list[Any]:
    """``annotation`` with ``Annotated``, ``Optional`` and unions taken apart."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(annotation) for m in _members(a)]
    return [annotation]


def _step(annotation: Any, part: str | int) -> list[Any]:
    """The annotations reached from ``annotation`` by one key or index."""
    out: list[Any] = []
    for member in _members(annotation):
        origin, args = typing.get_origin(member), typing.get_args(member)
        if isinstance(member, type) and issubclass(member, BaseModel):
            for name, info in member.model_fields.items():
                if part in (name, info.alias):
                    out.append(info.annotation)
        elif origin is dict and isinstance(part, str) and args:
            out.append(args[1])
        elif origin in (list, tuple) and isinstance(part, int) and args:
            out.append(args[0])
    return out


def data_path(data: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Map a pydantic ``loc`` onto the YAML data, dropping union/discriminator tags."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and part == node.get("dist"):
            continue  # discriminator tag of a distribution
        elif isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "bool"}):
            continue  # union member tags such as function-after[...]
        else:
            path.append(part)
            return tuple(path)
    return tuple(path)


def _problems(src: Located, err: ValidationError, model: type[BaseModel]) -> list[Problem]:
    out: list[Problem] = []
    for e in err.errors():
        path = data_path(src.data, tuple(e["loc"]))
        file, line = src.where(path)
        message = e["msg"]
        if e["type"] == "extra_forbidden":
            message = "unknown key" + suggest(str(path[-1]), keys_at(model, tuple(e["loc"])))
        elif e["type"] == "missing":
            message = "required key is missing"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        out.append(Problem(file, line, dotted(path), message))
    return _dedupe(out)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple] = set()
    out = []
    for p in problems:
        key = (p.file, p.line, p.path, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


class _PlanHead(BaseModel):
    """A plan file's ``plan:`` block; the rest of the file is the overlay."""

    model_config = ConfigDict(extra="allow")
    plan: PlanInfo


def _plan_info(plan: Located) -> PlanInfo:
    if not isinstance(plan.data, dict):
        raise ScenarioError([Problem(plan.file, 1, "", "a plan must be a mapping")])
    try:
        return _PlanHead.model_validate(plan.data).plan
    except ValidationError as err:
        raise ScenarioError(_problems(plan, err, _PlanHead)) from None


def load(
    path: str | Path,
    plans: Sequence[str | Path],
    model: type[Scenario],
    references: Callable[[Scenario], Iterable[tuple[Rel, str]]],
    deprecations: Callable[[Scenario], Iterable[tuple[Rel, str]]] | None = None,
    notices: list[Problem] | None = None,
) -> Scenario:
    """Read, overlay and validate with ``model``; raise :class:`ScenarioError` listing
    every problem, those of the schema first, then those ``references`` finds.

    A valid scenario's notices — ids that do not follow the id pattern, and its
    ``deprecations`` (retired values that still work) — are located and appended
    to ``notices``.

    Plans are applied in the order given.  Each problem names the file and line that
    set the offending value, which may be a plan file.  :func:`sim.load_scenario`
    calls this with the model and checks of every registered subject.
    """
    src = load_yaml(path)
    if not isinstance(src.data, dict):
        raise ScenarioError([Problem(src.file, 1, "", "a scenario must be a mapping")])
    infos: list[PlanInfo] = []
    for plan_path in plans:
        plan = load_yaml(plan_path)
        infos.append(_plan_info(plan))
        src = overlay(src, plan)
    data = dict(src.data)
    if "applied_plans" in data:
        file, line = src.where(("applied_plans",))
        raise ScenarioError(
            [Problem(file, line, "applied_plans", "set by the loader, not by files")]
        )
    data["applied_plans"] = [i.model_dump(by_alias=True) for i in infos]
    try:
        scenario = model.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_problems(src, err, model)) from None
    problems, id_notices = id_problems(scenario, src)
    for rel, message in references(scenario):
        file, line = src.where(rel)
        problems.append(Problem(file, line, dotted(rel), message))
    if problems:
        raise ScenarioError(_dedupe(problems))
    if notices is not None:
        notices.extend(id_notices)
        for rel, message in deprecations(scenario) if deprecations is not None else ():
            file, line = src.where(rel)
            notices.append(Problem(file, line, dotted(rel), message))
    return scenario
