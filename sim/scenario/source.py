"""YAML documents that remember where each value came from.

Validation errors must name ``FILE:LINE``; plans overlay scenarios, so after the
merge a value may come from either file.  :class:`Located` keeps, next to the
plain data, a map from each dotted path to the file and line that set it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.errors import DrillInputError

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One validation problem, printed as ``FILE:LINE: dotted.path: message``."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path or '(root)'}: {self.message}"


class ScenarioError(DrillInputError):
    """A scenario or plan that cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class ScenarioWarning(UserWarning):
    """A value that still works but should change (a retired name), with its location."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class Located:
    """Plain YAML data plus the origin (file, line) of every path in it."""

    data: Any
    origins: dict[Path_, tuple[str, int]] = field(default_factory=dict)
    file: str = ""

    def where(self, path: Path_) -> tuple[str, int]:
        """The file and line of ``path`` or, failing that, of its nearest ancestor."""
        p = tuple(path)
        while p:
            if p in self.origins:
                return self.origins[p]
            p = p[:-1]
        return self.origins.get((), (self.file, 0))


def dotted(path: Path_) -> str:
    """``("agents", "cdc", "staff")`` → ``agents.cdc.staff``; list items as ``[i]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Loader(yaml.SafeLoader):
    """Safe loader that rejects duplicate keys instead of silently keeping the last."""


def _walk(node: yaml.Node, path: Path_, file: str, origins: dict) -> Any:
    origins[path] = (file, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError(
                    [Problem(file, key_node.start_mark.line + 1, "", "mapping keys must be plain")]
                )
            key = str(key_node.value)
            if key in out:
                raise ScenarioError(
                    [
                        Problem(
                            file,
                            key_node.start_mark.line + 1,
                            dotted((*path, key)),
                            "duplicate key",
                        )
                    ]
                )
            out[key] = _walk(value_node, (*path, key), file, origins)
            origins[(*path, key)] = (file, key_node.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(v, (*path, i), file, origins) for i, v in enumerate(node.value)]
    return _Loader("").construct_object(node, deep=True)


def load_yaml(path: str | Path, label: str | None = None) -> Located:
    """Read a YAML file; syntax errors become a located :class:`ScenarioError`."""
    file = label or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(file, 0, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(file, 0, "", f"cannot read file: {exc}")]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise ScenarioError([Problem(file, line, "", f"YAML syntax error: {msg}")]) from None
    origins: dict[Path_, tuple[str, int]] = {}
    if node is None:
        return Located({}, {(): (file, 1)}, file)
    try:
        data = _walk(node, (), file, origins)
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(file, 0, "", f"YAML error: {exc}")]) from None
    return Located(data, origins, file)


def overlay(base: Located, plan: Located, skip: tuple[str, ...] = ("plan",)) -> Located:
    """Deep-merge ``plan`` onto ``base``: mappings merge, anything else replaces.

    A ``null`` in the plan deletes the key (e.g. remove a quarantine site).  Keys in
    ``skip`` (the plan's own metadata) are not merged.  Origins follow the values.
    """
    origins = dict(base.origins)

    def merge(a: Any, b: Any, path: Path_) -> Any:
        if isinstance(a, dict) and isinstance(b, dict):
            out = dict(a)
            for key, value in b.items():
                sub = (*path, key)
                if not path and key in skip:
                    continue
                if value is None:
                    out.pop(key, None)
                    for p in [p for p in origins if p[: len(sub)] == sub]:
                        del origins[p]
                    continue
                if key in out and isinstance(out[key], dict) and isinstance(value, dict):
                    out[key] = merge(out[key], value, sub)
                    origins[sub] = plan.origins.get(sub, origins.get(sub, (plan.file, 0)))
                else:
                    for p in [p for p in origins if p[: len(sub)] == sub]:
                        del origins[p]
                    for p, o in plan.origins.items():
                        if p[: len(sub)] == sub:
                            origins[p] = o
                    out[key] = value
            return out
        return b

    data = merge(base.data, plan.data, ())
    return Located(data, origins, base.file)
