"""Output directories that drill owns, and nothing else.

Every directory drill writes (a run, a comparison or sweep, and the report
written into either) carries a manifest, :data:`MANIFEST`, listing the files
drill wrote there.  That manifest is what makes an existing directory safe to
replace: a new run removes only the files the old manifest lists, one by one,
so a user's notes or a report copied under another name survive.  A target
that exists and holds anything but a previous drill output is refused, as are
the current directory, its ancestors, the home directory and ``/`` — whatever
they contain.

Files are staged in a temporary directory and moved into place one by one with
:func:`os.replace`, so each file is either the old one or the complete new one;
the manifest is rewritten last.  Directories and files are created with the
modes the user's umask gives (``tempfile`` alone would make them private).

Output directories written before manifests existed are still recognised by
their contents (``events.jsonl`` with ``summary.json``, or ``results.sqlite``
or ``comparison.json``); for those, the files drill wrote are taken to be the
names drill writes (:data:`LEGACY_FILES` and ``plots/*.png``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from sim.errors import DrillInputError

MANIFEST = ".drill-output.json"
"""The marker and manifest of a drill output directory (JSON: kind and files)."""

LEGACY_FILES = (
    "events.csv",
    "events.jsonl",
    "summary.json",
    "scenario.json",
    "report.html",
    "report.md",
    "improvement_plan.csv",
    "findings.json",
    "comparison.json",
    "results.sqlite",
    "results.sqlite-wal",
    "results.sqlite-shm",
)
"""What drill wrote into an output directory before it wrote manifests."""


class OutputDirError(DrillInputError, ValueError):
    """An output target drill must not write into (exit 2; nothing was changed)."""


def umask() -> int:
    """The process umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _share(path: Path, directory: bool) -> None:
    """Give ``path`` the mode a plain ``open``/``mkdir`` would have under the umask."""
    os.chmod(path, (0o777 if directory else 0o666) & ~umask())


def _dangerous(out: Path) -> str | None:
    """Why ``out`` must never be an output directory, or None."""
    target = out.resolve()
    cwd = Path.cwd().resolve()
    if target == Path(target.anchor):
        return "it is the root of the file system"
    if target == Path.home().resolve():
        return "it is the home directory"
    if target == cwd:
        return "it is the current directory"
    if target in cwd.parents:
        return "it contains the current directory"
    return None


def _valid_entry(name: object) -> bool:
    """A manifest entry drill may remove: a relative path inside the directory."""
    if not isinstance(name, str) or not name or "\x00" in name:
        return False
    p = PurePosixPath(name)
    return not p.is_absolute() and ".." not in p.parts and name != MANIFEST


def _legacy(out: Path) -> list[str] | None:
    """The drill files of an output directory written before manifests, or None."""
    names = {p.name for p in out.iterdir()}
    is_run = {"events.jsonl", "summary.json"} <= names
    if not (is_run or "results.sqlite" in names or "comparison.json" in names):
        return None
    files = [n for n in LEGACY_FILES if (out / n).is_file()]
    plots = out / "plots"
    if plots.is_dir():
        files += sorted(f"plots/{p.name}" for p in plots.glob("*.png") if p.is_file())
    return files


def manifest(out: Path) -> tuple[str, list[str]] | None:
    """``(kind, files)`` of a drill output directory; None if ``out`` is not one."""
    out = Path(out)
    path = out / MANIFEST
    if not path.is_file():
        legacy = _legacy(out) if out.is_dir() else None
        return None if legacy is None else ("legacy", legacy)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        kind, files = str(doc["kind"]), doc["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise OutputDirError(
            f"{path}: damaged drill manifest; remove the directory by hand or choose another"
        ) from None
    if not isinstance(files, list):
        raise OutputDirError(f"{path}: damaged drill manifest (files is not a list)")
    return kind, [f for f in files if _valid_entry(f)]


def check_target(out: Path) -> None:
    """Refuse an output target that drill did not make (before any work is done).

    Allowed: a path that does not exist yet, an empty directory, or a previous
    drill output directory (which will be replaced or reused).
    """
    out = Path(out)
    if str(out).strip() == "":
        raise OutputDirError("the output directory is empty text; name a directory")
    why = _dangerous(out)
    if why is not None:
        raise OutputDirError(f"{out}: refusing to write output here: {why}")
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise OutputDirError(f"{out}: exists and is not a directory; choose another output path")
    if manifest(out) is None and any(out.iterdir()):
        raise OutputDirError(
            f"{out}: exists and holds files drill did not write; choose a new or empty "
            "directory (nothing was changed)"
        )


def _write_manifest(out: Path, kind: str, files: Iterable[str]) -> None:
    doc = {"drill": 1, "kind": kind, "files": sorted(set(files))}
    fd, tmp = tempfile.mkstemp(prefix=".drill-output.", dir=out)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        _share(Path(tmp), directory=False)
        os.replace(tmp, out / MANIFEST)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove(out: Path, names: Iterable[str]) -> None:
    """Remove the listed files (never a directory, never outside ``out``), then
    the directories that this leaves empty."""
    parents: set[Path] = set()
    root = out.resolve()
    for name in names:
        path = out / name
        inside = path.parent.resolve() == root or root in path.parent.resolve().parents
        if inside and (path.is_symlink() or path.is_file()):
            path.unlink(missing_ok=True)
            parents.update(p for p in path.parents if out in p.parents)
    for parent in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty: something else lives there
            parent.rmdir()


def _files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def record(out: Path, kind: str, names: Iterable[str]) -> None:
    """Add ``names`` (files drill just wrote into ``out``) to its manifest."""
    out = Path(out)
    current = manifest(out)
    old_kind, old = current if current is not None else (kind, [])
    _write_manifest(out, kind if old_kind == "legacy" else old_kind, [*old, *names])


def prepare(out: Path, kind: str) -> None:
    """Make ``out`` a drill output directory of ``kind`` (checked, created, or cleared
    of another kind's files); a directory of the same kind is kept as it is."""
    out = Path(out)
    check_target(out)
    if not out.exists():
        out.mkdir(parents=True)
        _share(out, directory=True)
        _write_manifest(out, kind, [])
        return
    current = manifest(out)
    if current is None:  # an empty directory
        _write_manifest(out, kind, [])
    elif current[0] not in (kind, "legacy"):
        _remove(out, current[1])
        _write_manifest(out, kind, [])


@contextmanager
def staging(directory: Path) -> Iterator[Path]:
    """A temporary directory inside ``directory`` (same file system), removed after."""
    tmp = Path(tempfile.mkdtemp(prefix=".drill-staging.", dir=directory))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def publish(staged: Path, out: Path, kind: str, *, replace: bool) -> list[str]:
    """Move every file under ``staged`` into ``out`` and list them in the manifest.

    With ``replace`` the files of the previous output are removed (those the old
    manifest lists and that were not rewritten); otherwise they stay listed.
    Returns the names published.
    """
    out = Path(out)
    names = _files_under(staged)
    previous = manifest(out) if out.is_dir() else None
    out.mkdir(parents=True, exist_ok=True)
    root = out.resolve()
    for name in names:  # check every destination before moving anything
        where = (out / name).parent.resolve()
        if where != root and root not in where.parents:
            raise OutputDirError(
                f"{(out / name).parent}: a link out of the output directory {out}; remove it"
            )
    for name in names:
        target = out / name
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True)
            _share(target.parent, directory=True)
        os.replace(staged / name, target)
    old_kind, old = previous if previous is not None else (kind, [])
    if replace:
        _remove(out, [n for n in old if n not in set(names)])
        _write_manifest(out, kind, names)
    else:
        _write_manifest(out, kind if old_kind == "legacy" else old_kind, [*old, *names])
    return names


def new_directory(parent: Path, name: str) -> Path:
    """A fresh temporary directory in ``parent`` with the umask's mode (for staging a
    whole output directory that is then renamed into place)."""
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=parent))
    _share(tmp, directory=True)
    return tmp


def install(staged: Path, out: Path, kind: str) -> None:
    """Put the output staged in ``staged`` at ``out`` (checked with :func:`check_target`).

    A new ``out`` is the staged directory renamed (atomic); an existing drill
    output is replaced file by file (see :func:`publish`).
    """
    out = Path(out)
    check_target(out)
    if not out.exists():
        _write_manifest(staged, kind, _files_under(staged))
        staged.rename(out)
        return
    publish(staged, out, kind, replace=True)
    shutil.rmtree(staged, ignore_errors=True)


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write one file whole or not at all (a temporary sibling renamed over ``path``),
    with the mode the umask gives; for files drill writes outside an output directory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        _share(Path(tmp), directory=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def check_file(path: Path) -> None:
    """Refuse to replace a file drill did not write (for a single drawing written into
    any directory, e.g. ``network.png``): it must be new or listed in the manifest."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    listed = manifest(path.parent) if path.parent.is_dir() else None
    if path.is_dir() or listed is None or path.name not in listed[1]:
        raise OutputDirError(
            f"{path}: exists and was not written by drill; move it or choose another "
            "directory (nothing was changed)"
        )
