"""`gradmut merge`: combine the sessions of shards run apart into the session one run writes.

Only sessions of one target, source file and configuration merge; rows are deduplicated by key
and the inputs are only read. Reading and writing go through Session, so the SQL stays there.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from harness.errors import UsageError
from harness.records import Measurement
from harness.session import MutantRecord, Session


# Meta that must agree before sessions merge: rows of another source or configuration would
# mix measurements of different things. Environment and paths may differ between machines.
MERGE_KEYS = ("schema_version", "target", "source_sha256", "config", "sweep_config")


@dataclass(frozen=True, slots=True)
class Merged:
    """What `merge` wrote: counts for the CLI's line, and things worth a note."""

    out: str
    sessions: int
    mutants: int
    rows: int
    notices: tuple[str, ...] = ()


def merge(paths: list[str | Path], out: str | Path) -> Merged:
    """Combine sessions of one target, source and configuration into a new session `out`.

    Mutants are united and rows deduplicated by key (the first session's row wins, so the
    baseline and sentinel every shard ran appear once). Inputs are only read; `out` must not
    exist, and it appears only once complete (written beside it, then renamed).
    """
    if not paths:
        raise UsageError("no sessions to merge", where="merge",
                         fix="pass A.db B.db ... --out ALL.db")
    if Path(out).exists():
        raise UsageError("already exists", where=str(out),
                         fix="choose a new --out file (merge never overwrites a file)")
    inputs = [_read_for_merge(path) for path in paths]
    _check_mergeable(inputs)
    mutants: dict[str, MutantRecord] = {}
    rows: dict[tuple, Measurement] = {}
    conflicts = 0
    for _, _, records, measurements in inputs:
        for record in records:
            mutants.setdefault(record.id, record)
        for row in measurements:
            kept = rows.setdefault(row.key, row)
            if kept is not row and replace(kept, seconds=0.0) != replace(row, seconds=0.0):
                conflicts += 1
    meta = inputs[0][1]
    labels = sorted({m.get("shard", "") for _, m, _, _ in inputs})
    extra = {**{k: v for k, v in meta.items() if k not in MERGE_KEYS[:3]},
             "shard": _merged_shard(labels)}
    _write_merged(Path(out), meta, extra, sorted(mutants.values(), key=lambda r: r.id),
                  sorted(rows.values(), key=lambda r: r.key))
    notices = _merge_notices(inputs, labels, conflicts)
    return Merged(str(out), len(inputs), len(mutants), len(rows), notices)


def _read_for_merge(path) -> tuple[str, dict, list[MutantRecord], list[Measurement]]:
    session = Session.open(path, create=False)
    try:
        meta = session.meta()
        if "target" not in meta:
            raise UsageError("not a gradmut session (no target in it)", where=str(path),
                             fix="pass session files written by gradmut run or sweep")
        return str(path), meta, session.mutants(), session.measurements()
    except sqlite3.DatabaseError as error:
        raise UsageError(f"not a readable gradmut session ({error})", where=str(path),
                         fix="pass session files written by gradmut run or sweep") from None
    finally:
        session.close()


def _check_mergeable(inputs) -> None:
    """Refuse the first session whose target, source or configuration is not the first's."""
    first_path, first = inputs[0][0], inputs[0][1]
    for path, meta, _, _ in inputs[1:]:
        for key in MERGE_KEYS:
            if meta.get(key) != first.get(key):
                raise UsageError(f"cannot merge with {first_path}: {_difference(key, first, meta)}",
                                 where=path, fix="merge only shards of one run (same target "
                                 "file, same options)")


def _difference(key: str, first: dict, other: dict) -> str:
    if key == "source_sha256":
        return (f"a different source (sha256 {other.get(key, '')[:12]} against "
                f"{first.get(key, '')[:12]})")
    if key in ("config", "sweep_config") and first.get(key) and other.get(key):
        mine, theirs = json.loads(first[key]), json.loads(other[key])
        changed = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
        return f"a different configuration (they differ in {', '.join(changed)})"
    if key in ("config", "sweep_config"):
        return f"one is a {'sweep' if key == 'sweep_config' else 'run'} session, the other not"
    return f"a different {key.replace('_', ' ')} ({other.get(key)!r} against {first.get(key)!r})"


def _merged_shard(labels: list[str]) -> str:
    """'' when whole runs or every shard of one n are merged, else the labels merged."""
    if "" in labels:
        return ""
    counts = {label.split("/")[1] for label in labels}
    n = int(next(iter(counts)))
    if len(counts) == 1 and len(labels) == n:
        return ""
    return ",".join(labels)


def _merge_notices(inputs, labels: list[str], conflicts: int) -> tuple[str, ...]:
    notices = []
    merged = _merged_shard(labels)
    if merged and len({label.split("/")[1] for label in labels}) == 1:
        n = int(labels[0].split("/")[1])
        missing = [f"{k}/{n}" for k in range(1, n + 1) if f"{k}/{n}" not in labels]
        were, their = ("were", "their") if len(missing) > 1 else ("was", "its")
        notices.append(f"shard{'s' if len(missing) > 1 else ''} {', '.join(missing)} {were} "
                       f"not merged: {their} mutants are missing")
    if conflicts:
        notices.append(f"{conflicts} row{'s were' if conflicts > 1 else ' was'} measured "
                       "differently in two sessions; the first session's value is kept")
    if len({meta.get("environment") for _, meta, _, _ in inputs}) > 1:
        notices.append(f"the sessions ran in different environments; {inputs[0][0]}'s is kept")
    return tuple(notices)


def _write_merged(out: Path, meta: dict, extra: dict, mutants: list[MutantRecord],
                  rows: list[Measurement]) -> None:
    partial = out.with_name(out.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    try:
        session = Session.open(partial, meta.get("target", ""), meta.get("source_sha256"), extra)
    except sqlite3.Error as error:
        raise UsageError(f"cannot write ({error})", where=str(out),
                         fix="choose a writable --out path") from None
    try:
        session.add_mutants(mutants)
        session.add_measurements(rows)
    finally:
        session.close()
    os.replace(partial, out)
