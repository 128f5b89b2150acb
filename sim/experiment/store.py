"""The results store: one SQLite file per comparison directory (``results.sqlite``).

SQLite because it is in the standard library, needs no server, survives a
killed process (write-ahead log, one transaction per finished batch) and is
readable by any tool.  One row per (plan, replication) with its seed, status,
metrics (JSON) and error; one row per (plan, replication, objective) with the
achieved time and whether the standard was met.  ``meta`` holds the config hash
that guards ``--resume`` against a changed scenario or plan.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sim.experiment.arms import Arm, ExperimentError

FILENAME = "results.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plans (
    id TEXT PRIMARY KEY, position INTEGER NOT NULL, title TEXT NOT NULL,
    description TEXT, point TEXT
);
CREATE TABLE IF NOT EXISTS replications (
    plan TEXT NOT NULL, rep INTEGER NOT NULL, seed INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    metrics TEXT, error TEXT,
    PRIMARY KEY (plan, rep)
);
CREATE TABLE IF NOT EXISTS objectives (
    plan TEXT NOT NULL, rep INTEGER NOT NULL, objective TEXT NOT NULL,
    achieved_h REAL, met INTEGER NOT NULL, rating TEXT,
    PRIMARY KEY (plan, rep, objective)
);
"""


class StoreDamaged(ExperimentError):
    """A results store SQLite cannot read, or whose rows are not drill's (exit 2)."""


class Store:
    """An open results store; rows are committed as each batch arrives."""

    def __init__(self, path: Path, config: str):
        self.path = Path(path)
        self.config = config
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    @classmethod
    def open(cls, out: Path, config: str, arms: Sequence[Arm], meta: dict, resume: bool) -> Store:
        """Open (or create) ``out/results.sqlite`` for the configuration ``config``.

        A store made by another configuration is refused with ``--resume`` and
        replaced without it; the same configuration reuses every stored row.
        """
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        path = out / FILENAME
        if path.exists():
            damage = cls.damage(path)
            if damage is not None:
                if resume:
                    raise StoreDamaged(
                        f"{path}: the results store is damaged ({damage}), so it cannot be "
                        "resumed; run again without `resume` to start afresh (the damaged "
                        "store is replaced), or restore the file from a backup"
                    )
                print(
                    f"drill: note: {path} was damaged ({damage}); starting afresh",
                    file=sys.stderr,
                )
            stored = None if damage is not None else cls._stored_config(path)
            if damage is not None or (stored is not None and stored != config):
                if resume:
                    raise ExperimentError(
                        f"{path}: cannot resume: the scenario, a plan or the seed changed since "
                        f"this store was written (config {(stored or '')[:12]} ≠ {config[:12]}); "
                        "use another `out` or run without `resume` to start again"
                    )
                if damage is None:
                    print(
                        f"drill: note: {path} was written by another configuration; "
                        "starting afresh",
                        file=sys.stderr,
                    )
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        store = cls(path, config)
        with store.db:
            store.db.execute("INSERT OR REPLACE INTO meta VALUES ('config_hash', ?)", (config,))
            for key, value in meta.items():
                store.db.execute(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value))
                )
            for i, arm in enumerate(arms):
                store.db.execute(
                    "INSERT OR REPLACE INTO plans VALUES (?, ?, ?, ?, ?)",
                    (
                        arm.id,
                        i,
                        json.dumps(arm.title, ensure_ascii=False),
                        None if arm.description is None else json.dumps(arm.description),
                        None if arm.point is None else json.dumps(arm.point),
                    ),
                )
        return store

    @staticmethod
    def damage(path: Path) -> str | None:
        """What is wrong with the store at ``path`` (SQLite's integrity check), or None."""
        try:
            db = sqlite3.connect(path)
            try:
                rows = db.execute("PRAGMA integrity_check").fetchall()
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            return str(exc)
        if rows != [("ok",)]:
            return "; ".join(str(r[0]) for r in rows[:3])
        missing = {"meta", "plans", "replications", "objectives"} - tables
        if missing and tables:
            return "missing tables: " + ", ".join(sorted(missing))
        return None

    @staticmethod
    def _stored_config(path: Path) -> str | None:
        try:
            db = sqlite3.connect(path)
            try:
                row = db.execute("SELECT value FROM meta WHERE key='config_hash'").fetchone()
            finally:
                db.close()
        except sqlite3.DatabaseError:
            return ""  # unreadable: treat as a different configuration
        return None if row is None else row[0]

    def done(self) -> set[tuple[str, int]]:
        """(plan, rep) of every replication that finished without error."""
        rows = self.db.execute("SELECT plan, rep FROM replications WHERE status='ok'")
        return {(p, r) for p, r in rows}

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        """Store the rows of one finished batch in one transaction."""
        with self.db:
            for row in rows:
                self.db.execute(
                    "INSERT OR REPLACE INTO replications VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        row["plan"],
                        row["rep"],
                        row["seed"],
                        row["status"],
                        None if row["metrics"] is None else json.dumps(row["metrics"]),
                        row["error"],
                    ),
                )
                self.db.execute(
                    "DELETE FROM objectives WHERE plan=? AND rep=?", (row["plan"], row["rep"])
                )
                for o in row["objectives"]:
                    self.db.execute(
                        "INSERT INTO objectives VALUES (?, ?, ?, ?, ?, ?)",
                        (row["plan"], row["rep"], o["id"], o["achieved_h"], o["met"], o["rating"]),
                    )

    def rows(self, runs: int) -> list[dict[str, Any]]:
        """Every stored replication with ``rep < runs``, in (plan position, rep) order."""
        cur = self.db.execute(
            "SELECT r.plan, r.rep, r.seed, r.status, r.metrics, r.error FROM replications r "
            "JOIN plans p ON p.id = r.plan WHERE r.rep < ? ORDER BY p.position, r.rep",
            (runs,),
        )
        try:
            return [
                {
                    "plan": plan,
                    "rep": rep,
                    "seed": seed,
                    "status": status,
                    "metrics": None if metrics is None else json.loads(metrics),
                    "error": error,
                }
                for plan, rep, seed, status, metrics, error in cur
            ]
        except (json.JSONDecodeError, sqlite3.DatabaseError) as exc:
            raise StoreDamaged(
                f"{self.path}: the results store is damaged ({exc}); delete it and run again"
            ) from None

    def close(self) -> None:
        self.db.close()


def dump(path: Path) -> list[tuple]:
    """Every replication and objective row, sorted: for comparing two stores."""
    db = sqlite3.connect(path)
    try:
        reps = sorted(db.execute("SELECT * FROM replications"))
        objs = sorted(db.execute("SELECT * FROM objectives"), key=lambda r: tuple(map(repr, r)))
    finally:
        db.close()
    return [*reps, *objs]
