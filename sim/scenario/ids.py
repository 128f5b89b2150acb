"""The one pattern every id in a scenario follows, checked after validation.

An id is a name the scenario gives to something: a key of a mapping of
declared things (agents, townships, communities, quarantine sites,
checkpoints …) or the ``id`` of an objective, inject, option or plan.  Ids are
Unicode letters and digits, ``_`` and ``-`` (so Chinese ids are fine): they
appear in error lines (``FILE:LINE: path: message``), in references such as
``township/community`` and in output files, which must stay unambiguous.

Files written before the pattern existed keep working: an id that fails it
only draws a located deprecation warning — unless it holds a separator
(``/``, ``.`` or ``:``, which make references and dotted paths ambiguous: the
communities ``a/b`` + ``c`` and ``a`` + ``b/c`` would both be ``a/b/c``) or it
looks exactly like a sibling id (the same after Unicode NFKC normalisation,
e.g. full-width letters), which are errors.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from sim.scenario.source import Located, Path_, Problem, dotted

SEPARATORS = "/.:"
"""Characters an id must never hold: they separate ids in references and paths."""


def valid_id(name: str) -> bool:
    """True when ``name`` is letters and digits (any script), ``_`` and ``-`` only."""
    return bool(name) and all(c.isalnum() or c in "_-" for c in name)


def _ids(value: Any, path: Path_) -> Iterator[tuple[Path_, str, list[str]]]:
    """(path, id, sibling ids) of every id in a validated model tree."""
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            key = info.alias or name
            child = getattr(value, name)
            if name == "id" and isinstance(child, str):
                yield (*path, key), child, []
            elif isinstance(child, dict) and any(isinstance(v, BaseModel) for v in child.values()):
                keys = [str(k) for k in child]
                for k, v in child.items():
                    yield (*path, key, k), str(k), keys
                    yield from _ids(v, (*path, key, k))
            else:
                yield from _ids(child, (*path, key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _ids(item, (*path, i))


def _shown(name: str) -> str:
    return name.encode("unicode_escape").decode("ascii") if not name.isprintable() else name


def id_problems(model: BaseModel, src: Located) -> tuple[list[Problem], list[Problem]]:
    """``(errors, warnings)`` for the ids of ``model`` (validated from ``src``)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for path, name, siblings in _ids(model, ()):
        folded = unicodedata.normalize("NFKC", name)
        twin = next(
            (s for s in siblings if s != name and unicodedata.normalize("NFKC", s) == folded), None
        )
        if valid_id(name) and twin is None:
            continue
        file, line = src.where(path)
        where = dotted(path)
        separator = next((c for c in SEPARATORS if c in name), None)
        if separator is not None:
            errors.append(
                Problem(
                    file,
                    line,
                    where,
                    f"id '{_shown(name)}' holds '{separator}', which separates ids in "
                    "references; use letters, digits, _ and - only",
                )
            )
        elif twin is not None:
            errors.append(
                Problem(
                    file,
                    line,
                    where,
                    f"id '{_shown(name)}' looks the same as '{_shown(twin)}'; rename one of them",
                )
            )
        else:
            warnings.append(
                Problem(
                    file,
                    line,
                    where,
                    f"deprecated id '{_shown(name)}': ids are letters, digits, _ and - only; "
                    "this one will stop working in a later version",
                )
            )
    return errors, warnings
