"""The SQLite session file: the only module that knows SQL.

Rows are facts written one short transaction each, as they arrive, by the parent process only
(WAL journal), so a `kill -9` loses at most the row being written and a rerun resumes with the
missing rows. A changed source file invalidates every stored row; a session of another target
is refused and left untouched. session_merge.py combines the sessions of shards run apart.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from harness.errors import UsageError
from harness.records import FunctionText, Measurement, Status

SCHEMA_VERSION = "3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mutants (
    id TEXT PRIMARY KEY, operator TEXT NOT NULL, function TEXT NOT NULL,
    line INTEGER, column INTEGER, end_line INTEGER, end_column INTEGER,
    original TEXT, mutated TEXT, description TEXT, parts TEXT, functions TEXT, source TEXT);
CREATE TABLE IF NOT EXISTS measurements (
    mutant_id TEXT NOT NULL, seed INTEGER NOT NULL, checker TEXT NOT NULL, epsilon REAL NOT NULL,
    status TEXT NOT NULL, difference REAL, per_parameter TEXT, matches_reference INTEGER,
    error TEXT, seconds REAL, probe INTEGER NOT NULL DEFAULT 0,
    exact_error REAL, numeric_error REAL, changed TEXT, fingerprint TEXT,
    PRIMARY KEY (mutant_id, seed, checker, epsilon));
"""


@dataclass(frozen=True, slots=True)
class MutantRecord:
    """A mutant as stored: where, what, and the text needed to run and to show it."""

    id: str
    operator: str
    function: str
    line: int
    column: int
    end_line: int
    end_column: int
    original: str
    mutated: str
    description: str
    parts: tuple[str, ...] = ()
    functions: tuple[FunctionText, ...] = ()
    source: str = ""


def _require_intact(connection: sqlite3.Connection) -> None:
    """Raise sqlite3.DatabaseError unless SQLite finds the file's pages sound.

    Run before anything is written, so a damaged session is refused and left as it is.
    """
    problems = [row[0] for row in connection.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        raise sqlite3.DatabaseError("damaged: " + "; ".join(problems))


@contextlib.contextmanager
def _writing(path: str):
    """Turn a failed write (a full disk, a file made read-only) into one line; the rows
    already committed stay in the file."""
    try:
        yield
    except sqlite3.Error as error:
        raise UsageError(f"cannot write the session ({error})", where=path,
                         fix="free disk space or fix the file, then run the same command "
                             "again to resume") from None


def _other_file(stored: str | None, current: str | None) -> bool:
    """True if the session's source file still exists and is not the current one (a file
    that moved, or gradmut reinstalled elsewhere, is the same source edited)."""
    if not stored or not current or not Path(stored).is_file():
        return False
    return Path(stored).resolve() != Path(current).resolve()


def _environments(meta: dict, current: str | None) -> list[str]:
    """Return every environment (as JSON text) that wrote rows, the current one last."""
    stored = [json.dumps(e, sort_keys=True) for e in json.loads(meta.get("environments", "[]"))]
    if not stored and meta.get("environment"):
        stored = [meta["environment"]]
    return stored + ([current] if current else [])


class Session:
    """An open session file (or an in-memory one when no path is given)."""

    def __init__(self, connection: sqlite3.Connection, path: str):
        self.connection = connection
        self.path = path
        self.notices: list[str] = []  # what opening it did that the user should hear of

    @classmethod
    def open(cls, path: str | Path | None, target: str | None = None,
             source_sha256: str | None = None, extra_meta: dict | None = None,
             create: bool = True) -> "Session":
        """Open or create a session; with `target`, refuse a foreign one and drop stale rows.

        Nothing is written to a file until it is known to be this target's session (or new).
        """
        where = str(path) if path else ":memory:"
        if path and Path(path).is_dir():
            raise UsageError("is a directory, not a session file", where=where,
                             fix="pass a file path such as gradmut.db")
        if path and not create and not Path(path).is_file():
            raise UsageError("no such session file", where=where, fix="check the path")
        if path and not Path(path).parent.is_dir():
            raise UsageError("the directory for the session file does not exist", where=where,
                             fix="create the directory, or choose another --session path")
        existed = bool(path) and Path(path).is_file()
        try:
            connection = sqlite3.connect(where, timeout=30)
        except sqlite3.Error as error:
            raise UsageError(f"cannot open the session file ({error})", where=where,
                             fix="choose a readable, writable --session path") from None
        session = cls(connection, where)
        try:
            tables = {name for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            meta = dict(connection.execute("SELECT key, value FROM meta")) if "meta" in tables \
                else {}
            if existed and tables:
                _require_intact(connection)
        except sqlite3.DatabaseError as error:
            connection.close()
            raise UsageError(f"not a readable gradmut session ({error})", where=where,
                             fix="pass another session file, or delete this one") from None
        if tables and "target" not in meta:
            connection.close()
            raise UsageError("an SQLite file, but not a gradmut session", where=where,
                             fix="pass another session file")
        if target is not None:
            session._claim(meta, target, source_sha256, extra_meta or {})
        return session

    def _claim(self, meta: dict, target: str, source_sha256: str | None, extra: dict) -> None:
        if meta and meta.get("schema_version") != SCHEMA_VERSION:
            self.connection.close()
            raise UsageError(f"session schema {meta.get('schema_version')} is not this gradmut's "
                             f"{SCHEMA_VERSION}", where=self.path,
                             fix="use a new --session file (the old one is left as it is)")
        if meta and meta["target"] != target:
            self.connection.close()
            raise UsageError(f"this session belongs to target {meta['target']!r}, not {target!r}",
                             where=self.path, fix="use another --session file for this target")
        stale = bool(meta) and meta.get("source_sha256") != source_sha256
        if stale and _other_file(meta.get("source_path"), extra.get("source_path")):
            self.connection.close()
            raise UsageError(f"this session holds results of {meta['source_path']}, another file "
                             f"than {extra['source_path']}", where=self.path,
                             fix="use another --session file (this one is left as it is)")
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.executescript(SCHEMA)
        environments = _environments(meta, extra.get("environment"))
        with self.connection:
            if stale:
                # The numerical gradient depends on the whole file (forward pass, helpers), so
                # any edit makes every stored row stale.
                (dropped,) = self.connection.execute("SELECT COUNT(*) FROM measurements").fetchone()
                self.connection.execute("DELETE FROM measurements")
                self.connection.execute("DELETE FROM mutants")
                environments = environments[-1:]
                if dropped:
                    self.notices.append(f"{self.path}: the source changed since this session "
                                        f"was written; its {dropped} stored rows were dropped "
                                        "and are measured again")
            elif len(environments) > 1 and environments[-1] not in environments[:-1]:
                self.notices.append(f"{self.path}: its stored rows were measured in another "
                                    "environment (numpy "
                                    f"{json.loads(environments[0]).get('numpy')}); this run adds "
                                    "rows from this one; the session lists both")
            environments = list(dict.fromkeys(environments))
            values = {"schema_version": SCHEMA_VERSION, "target": target,
                      "source_sha256": source_sha256 or "", **extra,
                      "environments": json.dumps([json.loads(e) for e in environments],
                                                 sort_keys=True)}
            self.connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                        sorted(values.items()))

    def meta(self) -> dict:
        return dict(self.connection.execute("SELECT key, value FROM meta"))

    def add_mutants(self, mutants: Iterable[MutantRecord]) -> None:
        rows = [(m.id, m.operator, m.function, m.line, m.column, m.end_line, m.end_column,
                 m.original, m.mutated, m.description, json.dumps(list(m.parts)),
                 json.dumps([[f.name, f.first_line, f.source] for f in m.functions]), m.source)
                for m in mutants]
        with _writing(self.path), self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO mutants VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)

    def mutants(self) -> list[MutantRecord]:
        rows = self.connection.execute("SELECT * FROM mutants ORDER BY id")
        return [MutantRecord(*row[:10], parts=tuple(json.loads(row[10])),
                             functions=tuple(FunctionText(*f) for f in json.loads(row[11])),
                             source=row[12]) for row in rows]

    def add_measurements(self, rows: Iterable[Measurement]) -> None:
        """Write one item's rows in one short transaction."""
        values = [(m.mutant_id, m.seed, m.checker, m.epsilon, m.status.value, m.difference,
                   json.dumps(m.per_parameter), None if m.matches_reference is None
                   else int(m.matches_reference), m.error, m.seconds, int(m.probe),
                   m.exact_error, m.numeric_error,
                   None if m.changed is None else json.dumps(list(m.changed)), m.fingerprint)
                  for m in rows]
        with _writing(self.path), self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO measurements VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                values)

    def stored_keys(self, exact: bool = False) -> set[tuple[str, int, str, float]]:
        """Keys already measured; with `exact`, only rows judged against the exact oracle."""
        where = " WHERE exact_error IS NOT NULL OR status != 'ok'" if exact else ""
        return set(self.connection.execute(
            "SELECT mutant_id, seed, checker, epsilon FROM measurements" + where))

    def measurements(self) -> list[Measurement]:
        rows = self.connection.execute(
            "SELECT * FROM measurements ORDER BY mutant_id, probe, seed, checker, epsilon")
        return [Measurement(mutant_id, seed, checker, epsilon, Status(status), difference,
                            json.loads(per_parameter or "{}"),
                            None if matches is None else bool(matches), error, seconds,
                            bool(probe), exact_error, numeric_error,
                            None if changed is None else tuple(json.loads(changed)), fingerprint)
                for (mutant_id, seed, checker, epsilon, status, difference, per_parameter,
                     matches, error, seconds, probe, exact_error, numeric_error, changed,
                     fingerprint) in rows]

    def close(self) -> None:
        self.connection.close()
