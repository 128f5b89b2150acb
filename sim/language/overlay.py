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
from sim.scenario.source import Located, overlay

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
            yield _inside(fragment, path), _message(e)
        return
    known = base_problems(scn) if known is None else known
    for path, message in bare_problems(merged):
        if (path, message) not in known:
            yield _inside(fragment, path), message
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


def _inside(fragment: dict[str, Any], path: Rel) -> Rel:
    """The longest prefix of ``path`` present in ``fragment`` (where the fault was set)."""
    node: Any = fragment
    out: list[str | int] = []
    for part in path:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_dict or in_list):
            break
        node = node[part]
        out.append(part)
    return tuple(out)


def _message(e: Any) -> str:
    if e["type"] == "extra_forbidden":
        return "unknown key"
    if e["type"] == "missing":
        return "required key is missing"
    return str(e["msg"]).removeprefix("Value error, ")
