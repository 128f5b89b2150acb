"""YAML documents that remember where each value came from.

Validation errors must name ``FILE:LINE``; plans overlay scenarios, so after the
merge a value may come from either file.  :class:`Located` keeps, next to the
plain data, a map from each dotted path to the file and line that set it.
"""

from __future__ import annotations

import math
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.errors import DrillInputError
from sim.scenario.checks import suggest
from sim.scenario.limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NUMBER, MAX_SEED, MAX_VALUES

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


_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters (all but tab and newline) that text values must not hold."""
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (about ten times faster at
scanning and composing, which is most of a scenario's load time), else PyYAML's own."""


class _Loader(_Base):
    """Safe loader that rejects duplicate keys instead of silently keeping the last."""


_CONSTRUCT = yaml.SafeLoader("")
"""One constructor for every plain value (libyaml composes; PyYAML's rules construct)."""


@dataclass
class _Walk:
    """State of one document's conversion: where values came from, how many there are."""

    file: str
    origins: dict[Path_, tuple[str, int]] = field(default_factory=dict)
    values: int = 0


def _fail(file: str, line: int, path: Path_, message: str) -> ScenarioError:
    return ScenarioError([Problem(file, line, dotted(path), message)])


def _scalar(node: yaml.ScalarNode, path: Path_, file: str) -> Any:
    """A plain value; YAML 1.1 sexagesimals, infinities, NaN and huge numbers refused."""
    line = node.start_mark.line + 1
    if node.tag in (_INT, _FLOAT) and ":" in node.value:
        raise _fail(
            file,
            line,
            path,
            f"'{node.value}' is a base-60 number in YAML 1.1; "
            "write the plain number, or quote it if it is text",
        )
    value = _CONSTRUCT.construct_object(node, deep=True)
    _CONSTRUCT.constructed_objects.clear()
    if isinstance(value, str):
        bad = _CONTROL.search(value)
        if bad is not None:
            raise _fail(
                file,
                line,
                path,
                f"text holds the control character U+{ord(bad.group()):04X}; "
                "remove it (an escape such as \\e in a quoted string writes one)",
            )
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if not math.isfinite(value):
        raise _fail(file, line, path, f"'{node.value}': numbers must be finite")
    if path and path[-1] == "seed":
        if not 0 <= value <= MAX_SEED:
            raise _fail(file, line, path, f"a seed must be within 0 … {MAX_SEED} (2^63 - 1)")
    elif abs(value) > MAX_NUMBER:
        raise _fail(file, line, path, f"{node.value} is out of range (at most 10^9 in magnitude)")
    return value


def _walk(node: yaml.Node, path: Path_, state: _Walk) -> Any:
    file, origins = state.file, state.origins
    state.values += 1
    if state.values > MAX_VALUES:
        raise _fail(
            file,
            node.start_mark.line + 1,
            path,
            f"the document holds more than {MAX_VALUES:,} values once aliases are expanded",
        )
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
            out[key] = _walk(value_node, (*path, key), state)
            origins[(*path, key)] = (file, key_node.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(v, (*path, i), state) for i, v in enumerate(node.value)]
    return _scalar(node, path, file)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _encoding_hint(data: bytes) -> str:
    """The encoding a non-UTF-8 file is likely in, as advice (or empty)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:200].count(b"\x00") > 20:
        return "; it looks like UTF-16: save it as UTF-8"
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return "; save it as UTF-8"
    return "; it looks like GBK/GB18030 (Chinese Windows): save it as UTF-8"


def _read_text(path: Path, file: str) -> str:
    """The file's text: a regular UTF-8 file of bounded size without control characters."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ScenarioError([Problem(file, 0, "", "file not found")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(file, 0, "", f"cannot read file: {exc.strerror}")]) from None
    if not stat.S_ISREG(info.st_mode):
        what = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise ScenarioError([Problem(file, 0, "", f"cannot read file: {what}")])
    if info.st_size > MAX_FILE_BYTES:
        raise ScenarioError(
            [Problem(file, 0, "", f"file too large ({info.st_size:,} bytes; at most 4 MiB)")]
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError([Problem(file, 0, "", f"cannot read file: {exc.strerror}")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError([Problem(file, 0, "", "file too large (at most 4 MiB)")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        byte = data[exc.start]
        raise ScenarioError(
            [Problem(file, line, "", f"not UTF-8 (byte 0x{byte:02x}){_encoding_hint(data)}")]
        ) from None
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        name = unicodedata.name(bad.group(), "control character")
        raise ScenarioError(
            [
                Problem(
                    file,
                    line,
                    "",
                    f"column {column}: character U+{ord(bad.group()):04X} ({name}) is not "
                    "allowed in a text file; remove it",
                )
            ]
        )
    return text


def _check_events(text: str, file: str) -> None:
    """Refuse explicit tags and deep nesting before building anything (iteratively)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1
        tag = getattr(event, "tag", None)
        if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
            raise ScenarioError(
                [Problem(file, line, "", f"YAML tags such as '{tag}' are not supported")]
            )
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ScenarioError(
                    [Problem(file, line, "", f"nested more than {MAX_DEPTH} levels deep")]
                )
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


def _yaml_problem(exc: yaml.YAMLError, file: str) -> ScenarioError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        return ScenarioError([Problem(file, line, "", f"YAML syntax error: {msg}")])
    return ScenarioError([Problem(file, 0, "", f"YAML error: {exc}")])


def load_yaml(path: str | Path, label: str | None = None) -> Located:
    """Read a YAML file; every problem becomes a located :class:`ScenarioError`.

    The work is bounded whatever the file holds: only regular files up to
    :data:`MAX_FILE_BYTES`, UTF-8 without control characters, no tags, at most
    :data:`MAX_DEPTH` levels and :data:`MAX_VALUES` values after alias expansion,
    and numbers that are finite and within :data:`MAX_NUMBER` (seeds: :data:`MAX_SEED`).
    """
    file = label or str(path)
    text = _read_text(Path(path), file)
    try:
        _check_events(text, file)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, file) from None
    if node is None:
        return Located({}, {(): (file, 1)}, file)
    state = _Walk(file)
    try:
        data = _walk(node, (), state)
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, file) from None
    return Located(data, state.origins, file)


SELECTOR = re.compile(r"([A-Za-z0-9_-]+)\[([A-Za-z0-9_-]+)\]")
"""A key that picks one element of a list: ``labs[city_lab]`` or ``labs[0]``."""
ELEMENT_KEYS = ("id", "agent")
"""What names a list element, in order: its ``id``, else its ``agent`` (a laboratory)."""


def element_ids(items: list[Any]) -> list[str | None]:
    """The name of each element of a list (its ``id``, else its ``agent``), or None."""
    out: list[str | None] = []
    for item in items:
        key = next((k for k in ELEMENT_KEYS if isinstance(item, dict) and k in item), None)
        out.append(None if key is None else str(item[key]))
    return out


def pick(items: list[Any], selector: str) -> int | None:
    """The position of the element named ``selector`` (by id, else a 0-based position)."""
    ids = element_ids(items)
    if selector in ids:
        return ids.index(selector)
    if selector.isdigit() and int(selector) < len(items):
        return int(selector)
    return None


def choices(items: list[Any], selector: str) -> str:
    """``(there are: a, b) (did you mean 'a'?)``: what a selector of ``items`` could be."""
    named = [i for i in element_ids(items) if i is not None]
    listing = ", ".join(named) if named else f"positions 0–{len(items) - 1}"
    return f"(there are: {listing}){suggest(selector, named)}"


def _deep(a: Any, b: Any) -> Any:
    """``b`` merged onto ``a`` as a plan is: mappings merge, ``null`` deletes, else replace."""
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return b
    out = dict(a)
    for key, value in b.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = _deep(out[key], value) if key in out else value
    return out


def _select(base: Located, plan: Located) -> Located:
    """``plan`` with every key ``name[id]`` that picks an element of the list ``name``
    turned into that whole list with the element changed (a plan otherwise replaces a
    list whole), origins following: the other elements keep the base's lines, the
    changed values the plan's.  An id the list does not have is a located error."""
    origins = dict(plan.origins)

    def walk(a: Any, b: Any, path: Path_) -> Any:
        if not isinstance(b, dict):
            return b
        out: dict[Any, Any] = {}
        picked: dict[str, list[Any]] = {}
        for key, value in b.items():
            match = SELECTOR.fullmatch(key) if isinstance(key, str) else None
            inner = a.get(key) if isinstance(a, dict) else None
            if match is None or (isinstance(a, dict) and key in a):
                out[key] = walk(inner, value, (*path, key))
                continue
            name, selector = match.group(1), match.group(2)
            file, line = plan.where((*path, key))
            items = a.get(name) if isinstance(a, dict) else None
            if name in b:
                raise _fail(file, line, (*path, key), f"'{name}' is also set whole here")
            if not isinstance(items, list):
                raise _fail(file, line, (*path, key), f"'{name}' is not a list to pick from")
            at = pick(items, selector)
            if at is None:
                raise _fail(
                    file,
                    line,
                    (*path, key),
                    f"no element '{selector}' {choices(items, selector)}",
                )
            if name not in picked:
                picked[name] = list(items)
                for p, o in base.origins.items():  # the untouched elements keep their lines
                    if p[: len(path) + 1] == (*path, name):
                        origins.setdefault(p, o)
            moved = {
                (*path, name, at, *p[len(path) + 1 :]): o
                for p, o in plan.origins.items()
                if p[: len(path) + 1] == (*path, key)
            }
            for p in [p for p in origins if p[: len(path) + 1] == (*path, key)]:
                del origins[p]
            origins.update(moved)
            value = walk(items[at], value, (*path, name, at))
            picked[name][at] = _deep(items[at], value)
        out.update(picked)
        return out

    return Located(walk(base.data, plan.data, ()), origins, plan.file)


def overlay(base: Located, plan: Located, skip: tuple[str, ...] = ("plan",)) -> Located:
    """Deep-merge ``plan`` onto ``base``: mappings merge, anything else replaces.

    A ``null`` in the plan deletes the key (e.g. remove a quarantine site).  Keys in
    ``skip`` (the plan's own metadata) are not merged.  Origins follow the values.
    A key ``name[id]`` changes one element of the list ``name`` (``labs[city_lab]:
    {machines: 8}``), picked by its ``id`` (or ``agent``) or by its 0-based position.
    """
    plan = _select(base, plan)
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
