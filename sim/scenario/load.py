"""Load a scenario file, overlay plan files in order, validate, locate every problem."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from sim.scenario.ids import id_problems, warn
from sim.scenario.model import Scenario, reference_problems
from sim.scenario.schema import PlanInfo
from sim.scenario.source import Located, Problem, ScenarioError, dotted, load_yaml, overlay


def _field_names(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    """Every field name (and alias) reachable from ``model``, for "did you mean"."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        for sub in _models_in(info.annotation):
            names |= _field_names(sub, seen)
    return names


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    out: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    for arg in getattr(annotation, "__args__", ()) or ():
        out += _models_in(arg)
    meta = getattr(annotation, "__metadata__", None)
    if meta is not None:
        out += _models_in(getattr(annotation, "__origin__", None))
    return out


def _data_path(data: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
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


def _problems(src: Located, err: ValidationError, names: set[str]) -> list[Problem]:
    out: list[Problem] = []
    for e in err.errors():
        path = _data_path(src.data, tuple(e["loc"]))
        file, line = src.where(path)
        message = e["msg"]
        if e["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(path[-1]), names, n=1)
            message = "unknown key" + (f" (did you mean '{close[0]}'?)" if close else "")
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
        raise ScenarioError(_problems(plan, err, _field_names(PlanInfo))) from None


def load_scenario(path: str | Path, plans: Sequence[str | Path] = ()) -> Scenario:
    """Read, overlay and validate; raise :class:`ScenarioError` listing every problem.

    Plans are applied in the order given.  Each problem names the file and line that
    set the offending value, which may be a plan file.
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
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_problems(src, err, _field_names(Scenario))) from None
    problems, warnings = id_problems(scenario, src)
    for rel, message in reference_problems(scenario):
        file, line = src.where(rel)
        problems.append(Problem(file, line, dotted(rel), message))
    if problems:
        raise ScenarioError(_dedupe(problems))
    warn(warnings)
    return scenario
