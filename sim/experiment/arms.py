"""The arms of an experiment: the baseline scenario and each plan or sweep point.

An :class:`Arm` is one fully loaded, validated scenario that replications run
against.  The baseline is the scenario alone (id ``baseline``); a plan arm is
the scenario with one plan file overlaid; a sweep point is the scenario with an
in-memory overlay that sets one path to one value.  A path is dotted keys; a
list element is picked by its id in brackets (``labs[county_lab].machines``:
the element whose ``id`` — or, for elements without one, ``agent`` — is
``county_lab``) or by its 0-based position (``labs[0]``).  Sweep overlays go
through the same loader as plan files (:func:`sim.scenario.load_scenario`:
overlay, schema and reference checks), so a value the schema refuses is
reported like any bad plan, naming the ``--vary`` argument.
"""

from __future__ import annotations

import copy
import hashlib
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.errors import DrillInputError
from sim.language import load_scenario
from sim.scenario import Scenario, ScenarioError
from sim.scenario.checks import suggest
from sim.scenario.source import Problem, choices, load_yaml, overlay, pick

BASELINE = "baseline"


class ExperimentError(DrillInputError, ValueError):
    """Bad experiment input (arguments, a store made by another configuration): exit 2."""


@dataclass
class Arm:
    """One compared configuration and the text that defines it (for the config hash)."""

    id: str
    title: dict[str, str]
    description: dict[str, str] | None
    scenario: Scenario
    sources: list[tuple[str, str]] = field(default_factory=list)
    point: dict[str, Any] | None = None
    """For a sweep point: ``{"path": dotted path, "value": value}``."""


def _text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([Problem(str(path), 0, "", f"cannot read file: {exc}")]) from None


def _title(scn: Scenario) -> dict[str, str]:
    return {"zh": scn.meta.title.zh, "en": scn.meta.title.en}


def baseline_arm(scenario: str | Path, plans: Sequence[str | Path] = ()) -> Arm:
    """The scenario (with any base plans applied) as the baseline arm."""
    scn = load_scenario(scenario, plans)
    sources = [("scenario", _text(scenario))] + [(f"plan {p}", _text(p)) for p in plans]
    return Arm(BASELINE, _title(scn), None, scn, sources)


def plan_arm(scenario: str | Path, plan: str | Path, base: Sequence[str | Path] = ()) -> Arm:
    """The scenario with ``plan`` overlaid; its id, title and description come from the plan."""
    scn = load_scenario(scenario, [*base, plan])
    info = scn.applied_plans[-1]
    desc = (
        None if info.description is None else {"zh": info.description.zh, "en": info.description.en}
    )
    return Arm(
        info.id,
        {"zh": info.title.zh, "en": info.title.en},
        desc,
        scn,
        [(f"plan {plan}", _text(plan))],
    )


def compare_arms(scenario: str | Path, plans: Sequence[str | Path]) -> list[Arm]:
    """Baseline plus one arm per plan file; plan ids must be distinct and not ``baseline``."""
    arms = [baseline_arm(scenario)]
    for p in plans:
        arm = plan_arm(scenario, p)
        if arm.id in {a.id for a in arms}:
            raise ExperimentError(f"{p}: plan id '{arm.id}' is used twice in this comparison")
        arms.append(arm)
    return arms


# --------------------------------------------------------------------------- sweeps


@dataclass(frozen=True)
class Vary:
    """One ``--vary PATH=VALUES`` argument."""

    path: tuple[str, ...]
    values: tuple[Any, ...]
    arg: str

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def _scalar(text: str, arg: str) -> Any:
    value = yaml.safe_load(text)
    if not isinstance(value, int | float | str | bool):
        raise ExperimentError(f"`vary` {arg}: '{text}' is not a single value")
    return value


def _range(spec: str, arg: str) -> list[Any]:
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise ExperimentError(f"`vary` {arg}: a range is START:STOP or START:STOP:STEP")
    nums = [_scalar(p, arg) for p in parts]
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in nums):
        raise ExperimentError(f"`vary` {arg}: range bounds must be numbers")
    start, stop = nums[0], nums[1]
    step = nums[2] if len(nums) == 3 else 1
    if step <= 0 or stop < start:
        raise ExperimentError(f"`vary` {arg}: need START <= STOP and STEP > 0")
    integral = all(isinstance(n, int) for n in (start, stop, step))
    count = int((stop - start) / step + 1e-9) + 1
    if count > 200:
        raise ExperimentError(f"`vary` {arg}: {count} values is too many (at most 200)")
    return [start + i * step if integral else round(start + i * step, 10) for i in range(count)]


SEGMENT = re.compile(r"([A-Za-z0-9_-]+)((?:\[[A-Za-z0-9_-]+\])*)")
"""One step of a path: a key, then any number of ``[id]`` or ``[index]`` selectors."""


def parse_vary(arg: str) -> Vary:
    """``PATH=2,4,6`` or ``PATH=2:12:2`` (inclusive range) → :class:`Vary`."""
    if "=" not in arg:
        raise ExperimentError(
            f"`vary` {arg}: expected PATH=VALUES, e.g. subjects.x.vehicles=2:12:2"
        )
    path_text, spec = arg.split("=", 1)
    path = tuple(path_text.strip().split("."))
    if not all(SEGMENT.fullmatch(p) for p in path):
        raise ExperimentError(
            f"`vary` {arg}: '{path_text}' is not a path of dotted keys "
            "(a list element by id in brackets: labs[county_lab].machines)"
        )
    spec = spec.strip()
    if ":" in spec and "," not in spec:
        values = _range(spec, arg)
    else:
        values = [_scalar(v.strip(), arg) for v in spec.split(",") if v.strip()]
    if not values:
        raise ExperimentError(f"`vary` {arg}: no values")
    if len(set(map(repr, values))) != len(values):
        raise ExperimentError(f"`vary` {arg}: a value is repeated")
    return Vary(path, tuple(values), arg)


def resolve(data: Any, path: tuple[str, ...], arg: str) -> tuple[str | int, ...]:
    """The keys and list positions ``path`` names in ``data``.

    ``labs[county_lab]`` picks the element whose id (or agent) is ``county_lab``;
    ``labs[0]`` the first element, when no element has that id.  A key or id that
    is not there raises :class:`ExperimentError` naming the path and what is there.
    """
    steps: list[str | int] = []
    node = data
    for depth, segment in enumerate(path):
        match = SEGMENT.fullmatch(segment)
        assert match is not None
        key, selectors = match.group(1), re.findall(r"\[([^\]]+)\]", match.group(2))
        shown = ".".join((*path[:depth], key))
        if not isinstance(node, dict) or key not in node:
            known = list(node) if isinstance(node, dict) else []
            raise ExperimentError(
                f"`vary` {arg}: {shown}: no such key in the scenario{suggest(key, known)}"
            )
        steps.append(key)
        node = node[key]
        for sel in selectors:
            shown += f"[{sel}]"
            if not isinstance(node, list):
                raise ExperimentError(f"`vary` {arg}: {shown}: not a list, cannot pick [{sel}]")
            position = pick(node, sel)
            if position is None:
                raise ExperimentError(
                    f"`vary` {arg}: {shown}: no element '{sel}' {choices(node, sel)}"
                )
            steps.append(position)
            node = node[position]
    return tuple(steps)


def _lookup(data: Any, steps: tuple[str | int, ...]) -> Any:
    node = data
    for step in steps:
        node = node[step]
    return node


def _nest(data: Any, steps: tuple[str | int, ...], value: Any) -> Any:
    """The overlay that sets ``value`` at ``steps`` of ``data``: mappings nest, and a list
    is given whole (overlays replace lists) with its one element changed."""
    if not steps:
        return value
    step, rest = steps[0], steps[1:]
    if isinstance(data, list):
        assert isinstance(step, int)
        out = copy.deepcopy(data)
        out[step] = _replace(out[step], rest, value)
        return out
    return {step: _nest(data[step], rest, value)}


def _replace(node: Any, steps: tuple[str | int, ...], value: Any) -> Any:
    """``node`` (a copy) with the value at ``steps`` replaced."""
    if not steps:
        return value
    node[steps[0]] = _replace(node[steps[0]], steps[1:], value)
    return node


def _slug(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "v"


def sweep_arms(
    scenario: str | Path, varies: Sequence[Vary], plans: Sequence[str | Path] = ()
) -> list[Arm]:
    """Baseline plus one arm per (parameter, value), one parameter at a time.

    Each point overlays ``{path: value}`` on the scenario (after ``plans``); the
    path must already exist in the scenario, so a typo is caught before any run.
    A list element picked by id is overlaid as the whole list with that element
    changed (overlays replace lists), so the other elements stay as they are.
    """
    base = baseline_arm(scenario, plans)
    merged = load_yaml(scenario)
    for p in plans:
        merged = overlay(merged, load_yaml(p))
    labels = [v.path[-1] for v in varies]
    if len({v.dotted for v in varies}) != len(varies):
        raise ExperimentError("`vary`: the same path is given twice")
    arms = [base]
    for vary, label in zip(varies, labels, strict=True):
        steps = resolve(merged.data, vary.path, vary.arg)
        current = _lookup(merged.data, steps)
        if isinstance(current, dict | list):
            raise ExperimentError(
                f"`vary` {vary.arg}: {vary.dotted} is a {type(current).__name__}, not a value"
            )
        name = label if labels.count(label) == 1 else vary.dotted
        for value in vary.values:
            arm_id = f"{name}={value}"
            doc = {
                "plan": {
                    "id": f"sweep-{_slug(vary.dotted)}-{_slug(value)}",
                    "title": {"zh": arm_id, "en": arm_id},
                },
                **_nest(merged.data, steps, value),
            }
            text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
            scn = _load_point(scenario, plans, text, vary.arg)
            arms.append(
                Arm(
                    arm_id,
                    {"zh": arm_id, "en": arm_id},
                    None,
                    scn,
                    [(f"vary {arm_id}", text)],
                    {"path": vary.dotted, "value": value},
                )
            )
    return arms


def _load_point(scenario: str | Path, plans: Sequence[str | Path], text: str, arg: str) -> Scenario:
    with tempfile.TemporaryDirectory(prefix="drill-vary-") as tmp:
        file = Path(tmp) / "point.yaml"
        file.write_text(text, encoding="utf-8")
        try:
            return load_scenario(scenario, [*plans, file])
        except ScenarioError as err:
            raise ScenarioError(
                [
                    Problem(f"`vary` {arg}", 0, p.path, p.message) if p.file == str(file) else p
                    for p in err.problems
                ]
            ) from None


def config_hash(arms: Sequence[Arm], seed: int) -> str:
    """SHA-256 of everything that determines the stored rows except their number.

    The scenario text, each arm's id and defining text (plan file or sweep
    overlay) and the base seed.  The number of replications is not part of it:
    replication *i* has the same seed whatever ``--runs`` is, so a store can be
    extended by running again with more replications.
    """
    h = hashlib.sha256()
    h.update(f"seed={int(seed)}\n".encode())
    for arm in arms:
        h.update(f"arm={arm.id}\n".encode())
        for label, text in arm.sources:
            h.update(f"{label}\n{len(text)}\n{text}\n".encode())
    return h.hexdigest()
