"""Reports in and out of files: read a session or a results JSON, write one format or all.

Everything written goes through the results JSON first, without timings and with a relative
source path, so a report from a live run, from its session and from its JSON are the same bytes,
and rewriting the committed `reports/` on the same data changes nothing.
"""
from __future__ import annotations

import difflib
import json
import sqlite3
from pathlib import Path

from harness.errors import UsageError
from harness.records import BASELINE_ID, SENTINEL_ID
from harness.report import TABLES
from harness.results import Results, build_results
from harness.results_io import load_json, results_from_json, results_to_json
from harness.results_schema import SESSION, check_config, check_environment, check_line_map
from harness.tables import display_path

FORMATS = ("plain", "simple", "github", "pipe", "latex", "latex_booktabs", "latex_longtable",
           "html", "csv", "json", "stryker", "png", "all")
# What `--format all` writes, by file name, in this order: (format, table or None for all).
FILES = {"report.txt": ("plain", None), "report.md": ("github", None),
         "report.tex": ("latex", None), "report.html": ("html", None),
         **{f"report-{name}.csv": ("csv", name) for name in TABLES},
         "report.json": ("json", None), "stryker.json": ("stryker", None),
         "plot.png": ("png", None)}
SQLITE_HEADER = b"SQLite format 3\x00"
SPECIAL = (BASELINE_ID, SENTINEL_ID)


def check_format(fmt: str) -> str:
    """Return `fmt` if gradmut can write it (also any tabulate format), else raise UsageError."""
    from tabulate import tabulate_formats

    if fmt in FORMATS or fmt in tabulate_formats:
        return fmt
    close = difflib.get_close_matches(fmt, FORMATS, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    raise UsageError(f"unknown format {fmt!r}", where="--format",
                     fix=f"{hint}formats: {', '.join(FORMATS)} (or any tabulate format)")


def portable_json(results: Results) -> dict:
    """Return the results JSON with every timing zeroed and the source path made relative."""
    data = results_to_json(results)
    data["source_path"] = display_path(results.source_path)
    for entry in [data["baseline"], data["sentinel"], *data["mutants"]]:
        entry["seconds"] = 0.0
        for case in entry["cases"]:
            case["seconds"] = 0.0
    return data


def report_json(results: Results) -> str:
    return json.dumps(portable_json(results), indent=1, sort_keys=True) + "\n"


def portable(results: Results) -> Results:
    """Return the results exactly as a reader of `report_json`'s file sees them.

    The round trip goes through the JSON text, so dicts come back in the file's sorted order.
    """
    return results_from_json(json.loads(report_json(results)))


def report_bytes(results: Results, fmt: str, table: str | None = None) -> bytes:
    """Return one format's report (or one `table` of it) as bytes: PNG for 'png', else UTF-8."""
    from harness.report import render_report

    if fmt == "png" and table is None:
        from harness.plots import plot_png

        return plot_png(results)
    return render_report(results, fmt, table).encode("utf-8")


def write_reports(results: Results, directory: str | Path) -> tuple[list[Path], list[str]]:
    """Write every format into `directory`; return (files written, notes on skipped ones)."""
    from harness.plots import matplotlib_available

    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create the report directory ({error.strerror})",
                         where=str(directory), fix="choose a writable directory") from None
    results, written, notes = portable(results), [], []
    for name, (fmt, table) in FILES.items():
        if fmt == "png" and not matplotlib_available():
            notes.append(f"{name} skipped: matplotlib is not installed "
                         "(pip install 'gradmut[plot]')")
            continue
        write_file(folder / name, report_bytes(results, fmt, table))
        written.append(folder / name)
    return written, notes


def write_file(path: str | Path, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as error:
        raise UsageError(f"cannot write ({error.strerror})", where=str(path),
                         fix="choose a writable path") from None


def load_results(path: str | Path) -> Results:
    """Read a session (.db, by its SQLite header) or a results JSON; UsageError if neither.

    Either comes back as `portable` gives it, so both render the same bytes.
    """
    where = str(path)
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise UsageError(f"cannot read ({error.strerror})", where=where,
                         fix="pass a session file or a results JSON") from None
    if header == SQLITE_HEADER:
        return portable(load_session(path))
    return portable(load_json(path))


def load_session(path: str | Path) -> Results:
    """Rebuild the Results of the last run stored in a session (its configuration in meta)."""
    from harness.session import Session

    where = str(path)
    session = Session.open(path, create=False)
    try:
        meta, records, rows = session.meta(), session.mutants(), session.measurements()
    except sqlite3.DatabaseError as error:
        raise UsageError(f"not a readable gradmut session ({error})", where=where,
                         fix="pass another session file") from None
    finally:
        session.close()
    if not {"config", "environment", "source", "target"} <= set(meta):
        raise UsageError("the session holds no run configuration (an older gradmut wrote it)",
                         where=where, fix="run 'gradmut run --session' on it again")
    try:
        config = check_config(json.loads(meta["config"]), "its stored config", where,
                              of=SESSION)
        environment = check_environment(json.loads(meta["environment"]),
                                        "its stored environment", where, of=SESSION)
        line_map = check_line_map(json.loads(meta.get("line_map") or "null"),
                                  "its stored line map", where, of=SESSION)
    except ValueError as error:
        raise UsageError(f"not a readable gradmut session ({error})", where=where,
                         fix="pass another session file") from None
    chosen = [r for r in records if r.operator in config.operators or r.id in SPECIAL]
    try:
        return build_results(meta["target"], config, environment, meta.get("source_path", ""),
                             meta["source"], chosen, rows, shard_notices(meta), line_map)
    except KeyError as error:
        raise UsageError(f"the session has no finished {error.args[0]} row for its "
                         "configuration", where=where,
                         fix="run 'gradmut run --session' again to finish it") from None


def shard_notices(meta: dict) -> tuple[str, ...]:
    """Say when a session holds only some shards of a run: its score covers only those."""
    label = meta.get("shard", "")
    if not label:
        return ()
    parts = label.split(",")
    which = f"shard {label}" if len(parts) == 1 else f"shards {', '.join(parts)}"
    return (f"this session holds {which} of the run: its counts and score cover only "
            f"{'that part' if len(parts) == 1 else 'those parts'} of the mutants; "
            "combine every shard with 'gradmut merge' for the whole run",)
