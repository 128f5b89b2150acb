"""Decision options as plan-like overlays: validate them, and build the world's next scenario.

An option's ``overlay`` is merged onto the scenario exactly like a plan file
(:func:`sim.scenario.source.overlay`: mappings merge, ``null`` deletes) and the
result is validated by the same models and reference checks.  Problems come
back as paths inside the overlay, so the loader can locate them in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from sim.errors import DrillInputError
from sim.language.checks import bare_problems
from sim.language.model import ScenarioModel
from sim.scenario.checks import Rel
from sim.scenario.load import data_path
from sim.scenario.model import Scenario
from sim.scenario.source import SELECTOR, Located, overlay, pick

OVERLAY_KEYS = ("agents", "responsibilities", "handoffs", "subjects", "epidemic")
"""What an option may change in the running world (not the clock, region or MSEL)."""


class OverlayError(DrillInputError, ValueError):
    """An option overlay that does not give a valid scenario."""

    def __init__(self, problems: list[tuple[Rel, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(map(str, p))}: {m}" for p, m in problems))


def overlaid(scn: Scenario, fragment: dict[str, Any]) -> Scenario:
    """``scn`` with ``fragment`` merged on, validated; raise :class:`OverlayError`.

    The MSEL itself (``injects``, ``decisions``) and the applied plans are carried
    over unchanged.
    """
    problems = list(_problems(scn, fragment))
    if problems:
        raise OverlayError(problems)
    merged = _merge(scn, fragment)[0]
    assert not isinstance(merged, ValidationError)
    return merged.model_copy(update={"injects": scn.injects, "decisions": scn.decisions})


def overlay_problems(
    scn: Scenario, fragment: dict[str, Any], known: set[tuple[Rel, str]] | None = None
) -> Iterator[tuple[Rel, str]]:
    """Every problem ``fragment`` brings to ``scn``, as ``(path in the fragment, message)``.

    ``known`` are the reference problems ``scn`` already has (reported once, where
    they are, not again for every option); computed when not given.
    """
    yield from _problems(scn, fragment, known)


def base_problems(scn: Scenario) -> set[tuple[Rel, str]]:
    """The reference problems of ``scn`` without its MSEL."""
    return set(bare_problems(scn))


def _problems(
    scn: Scenario, fragment: dict[str, Any], known: set[tuple[Rel, str]] | None = None
) -> Iterator[tuple[Rel, str]]:
    if not isinstance(fragment, dict):
        yield (), "an overlay must be a mapping"
        return
    bad = [k for k in fragment if k not in OVERLAY_KEYS]
    for key in bad:
        yield (key,), f"an option may only change {', '.join(OVERLAY_KEYS)}"
    if bad:
        return
    merged, data = _merge(scn, fragment)
    if isinstance(merged, ValidationError):
        for e in merged.errors():
            path = data_path(data, tuple(e["loc"]))
            yield _inside(fragment, path, data), _message(e)
        return
    known = base_problems(scn) if known is None else known
    for path, message in bare_problems(merged):
        if (path, message) not in known:
            yield _inside(fragment, path, data), message
    for aid in set(scn.agents) ^ set(merged.agents):
        yield ("agents", aid), "an option cannot add or remove agents"


def _merge(scn: Scenario, fragment: dict[str, Any]) -> tuple[Scenario | ValidationError, Any]:
    """Merge and validate without the MSEL (so checking an option never recurses)."""
    base = scn.model_dump(by_alias=True, exclude_none=False)
    base["injects"], base["decisions"] = [], {}
    data = overlay(Located(base), Located(fragment)).data
    try:
        merged = ScenarioModel.model_validate(data)
    except ValidationError as err:
        return err, data
    return merged, data


def _inside(fragment: dict[str, Any], path: Rel, data: Any) -> Rel:
    """The longest prefix of ``path`` present in ``fragment`` (where the fault was set).

    ``path`` is a path of the merged ``data``; an element the fragment picked by id
    (``labs[city_lab]``) is followed through that key.
    """
    node: Any = fragment
    merged: Any = data
    out: list[str | int] = []
    parts = list(path)
    i = 0
    while i < len(parts):
        part = parts[i]
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node, merged = node[part], _child(merged, part)
            out.append(part)
            i += 1
            continue
        key = _picked(node, part, parts[i + 1] if i + 1 < len(parts) else None, merged)
        if key is None:
            break
        node, merged = node[key], _child(_child(merged, part), parts[i + 1])
        out.append(key)
        i += 2
    return tuple(out)


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _picked(node: Any, name: str | int, position: str | int | None, merged: Any) -> str | None:
    """The key ``name[id]`` of ``node`` that picked element ``position`` of list ``name``."""
    items = _child(merged, name)
    if not isinstance(node, dict) or not isinstance(items, list):
        return None
    for key in node:
        match = SELECTOR.fullmatch(key) if isinstance(key, str) else None
        if match and match.group(1) == name and pick(items, match.group(2)) == position:
            return str(key)
    return None


def _message(e: Any) -> str:
    if e["type"] == "extra_forbidden":
        return "unknown key"
    if e["type"] == "missing":
        return "required key is missing"
    return str(e["msg"]).removeprefix("Value error, ")
