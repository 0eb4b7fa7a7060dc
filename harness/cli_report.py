"""`gradmut report`: a session or a results JSON as tables, LaTeX, HTML, Stryker or a plot."""
from __future__ import annotations

import sys

from harness.cli_common import float_option

TABLE_NAMES = "summary, mutants, operators, blocks, missed, setting"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="render a session or results JSON in a report format",
        description="Read a session (.db) or a results JSON (gradmut run --json) and write the "
                    "report tables in one format, or every format into a directory.")
    parser.add_argument("path", metavar="SESSION_OR_JSON",
                        help="a session file (gradmut run --session) or a results JSON")
    parser.add_argument("--format", default="simple",
                        help="plain, simple, github, pipe, latex, latex_booktabs, "
                             "latex_longtable, html, csv (one table: --table), json (the "
                             "results JSON; with --table that table's rows), stryker, png, or "
                             "all (every format into --out DIR); default simple")
    parser.add_argument("--table", metavar="NAME",
                        help=f"only this table: {TABLE_NAMES} (default: every table; "
                             "for csv the mutants)")
    parser.add_argument("--out", metavar="PATH",
                        help="file to write (default: stdout); the directory for --format all")
    parser.add_argument("--threshold", type=float_option("--threshold"),
                        help="re-classify at this threshold (default: the run's)")
    parser.set_defaults(handler=handle)


def handle(args, out) -> int:
    from harness.check import require_positive
    from harness.errors import UsageError
    from harness.report import check_table
    from harness.report_files import (check_format, load_results, report_bytes, write_file,
                                      write_reports)

    fmt = check_format(args.format)
    table = check_table(args.table, fmt)
    if fmt in ("all", "png") and not args.out:
        raise UsageError(f"--format {fmt} writes files", where="--out",
                         fix="pass --out DIR for all, --out FILE.png for png")
    results = load_results(args.path)
    if args.threshold is not None:
        results = results.at_threshold(require_positive(args.threshold, "--threshold"))
    if fmt == "all":
        written, notes = write_reports(results, args.out)
        for note in notes:
            sys.stderr.write(f"gradmut: note: {note}\n")
        out.write("".join(f"wrote {path}\n" for path in written))
    elif args.out:
        write_file(args.out, report_bytes(results, fmt, table))
    else:
        out.write(report_bytes(results, fmt, table).decode("utf-8"))
    return 0
