"""Generate the field reference of the scenario language from the pydantic models.

``python -m sim.language.reference > docs/scenario-reference.md`` rewrites it; a
test fails when the committed file is out of date, so the documentation of every
field always matches what the validator accepts.  Each model gets one section
named by the path where it first appears (``subjects.testing.mass``), so the nine
subjects' models — all of them called ``Params`` in code — each have their own.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.language.model import ScenarioModel


def _type_name(annotation: Any, titles: dict[type[BaseModel], str]) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        inner = args[0]
        if typing.get_origin(inner) in (typing.Union, types.UnionType) and all(
            isinstance(a, type) and a.__name__ in _DISTS for a in typing.get_args(inner)
        ):
            return "distribution"
        return _type_name(inner, titles)
    if origin in (typing.Union, types.UnionType):
        real = [a for a in args if a is not type(None)]
        if all(isinstance(a, type) and a.__name__ in _DISTS for a in real):
            return "distribution" + (" (optional)" if len(real) < len(args) else "")
        names = [_type_name(a, titles) for a in args if a is not type(None)]
        return " or ".join(names) + (" (optional)" if type(None) in args else "")
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (list, tuple):
        return f"list of {_type_name(args[0], titles)}" if args else "list"
    if origin is dict:
        return f"mapping of {_type_name(args[0], titles)} → {_type_name(args[1], titles)}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel) and annotation in titles:
            title = titles[annotation]
            return f"[{title}](#{_anchor(title)})"
        return annotation.__name__
    return str(annotation).replace("typing.", "")


_DISTS = {"Fixed", "Uniform", "Triangular", "Exponential", "LogNormal", "Gamma", "Weibull"}


def _models(model: type[BaseModel], title: str, seen: dict[type[BaseModel], str]) -> None:
    """Every model reachable from ``model``, titled by the first path that reaches it."""
    if model in seen or model.__name__ in _DISTS:
        return
    seen[model] = title
    for name, info in model.model_fields.items():
        key = info.alias or name
        path = f"{title}.{key}" if title != "Scenario" else key
        subs = [m for m in _nested(info.annotation) if m.__name__ not in _DISTS]
        for sub in subs:  # the members of a union are told apart by their class
            _models(sub, path if len(subs) == 1 else f"{path} ({sub.__name__})", seen)


def _anchor(title: str) -> str:
    """The Markdown anchor of a heading ``title`` (GitHub's rule: dots dropped)."""
    return "".join(c for c in title.lower().replace(" ", "-") if c.isalnum() or c in "-_")


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out += _nested(arg)
    return out


def _default(info: Any) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        try:
            value = info.default_factory()
        except TypeError:
            return "(computed)"
        if isinstance(value, BaseModel):
            return "(defaults)"
        return f"`{value}`" if value not in ({}, []) else "empty"
    if info.default is PydanticUndefined:
        return ""
    return f"`{info.default}`"


def _constraints(info: Any) -> str:
    parts = []
    for m in info.metadata:
        for attr, sym in (
            ("gt", ">"),
            ("ge", "≥"),
            ("lt", "<"),
            ("le", "≤"),
            ("min_length", "min items"),
        ):
            value = getattr(m, attr, None)
            if value is not None:
                parts.append(f"{sym} {value}")
        pattern = getattr(m, "pattern", None)
        if pattern:
            parts.append(f"pattern `{pattern}`")
    return ", ".join(parts)


def render() -> str:
    """The reference as Markdown: one table per model, root first."""
    seen: dict[type[BaseModel], str] = {}
    _models(ScenarioModel, "Scenario", seen)
    lines = [
        "# Scenario language — field reference",
        "",
        "Generated from the validator's models by `python -m sim.language.reference`;",
        "do not edit by hand (a test checks it is current).  The guide is `docs/scenario.md`.",
        "A *distribution* is `{dist: NAME, ...}` or a plain number (fixed); see the guide.",
        "",
    ]
    for model, title in seen.items():
        lines += [f"## {title}", ""]
        doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        if doc and not doc.startswith("Usage docs"):
            lines += [doc, ""]
        lines += [
            "| key | type | default | constraints | description |",
            "| --- | --- | --- | --- | --- |",
        ]
        for field, info in model.model_fields.items():
            desc = (info.description or "").replace("|", "\\|")
            kind = _type_name(info.annotation, seen)
            lines.append(
                f"| `{info.alias or field}` | {kind} | {_default(info)} "
                f"| {_constraints(info)} | {desc} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
