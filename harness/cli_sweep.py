"""`gradmut sweep`: measure how good a gradient check is (epsilons, thresholds, cases, checkers)."""
from __future__ import annotations

import sys

from harness.cli_common import (add_scale_out_options, float_option, int_list_option,
                                 name_list_option)


def float_list_option(option: str):
    """Return an argparse type for comma-separated numbers such as '1e-1,1e-4,1e-7'."""
    parse_one = float_option(option)

    def parse(text: str) -> list[float]:
        from harness.errors import UsageError

        values = [parse_one(part.strip()) for part in text.split(",") if part.strip()]
        if not values:
            raise UsageError("needs at least one number", where=option,
                             fix=f"pass e.g. {option} 1e-4,1e-7")
        return values

    return parse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sweep", help="measure a gradient check: U-curve, detection, bisection, kill matrix",
        description="Measure the gradient check itself: the correct backward's difference "
                    "against epsilon, each mutant's detection over many random cases, the "
                    "smallest detectable scale per block, and every checker side by side. The "
                    "first of --checkers is the one curves and detection are drawn for.")
    parser.add_argument("--target", default="three-layer", help="built-in target (three-layer)")
    parser.add_argument("--function", help="function to mutate (default: the target's)")
    parser.add_argument("--operators", type=name_list_option("--operators"),
                        help="comma-separated operator names (default: all)")
    parser.add_argument("--epsilons", type=float_list_option("--epsilons"),
                        help="default 1e-1,1e-2,...,1e-10")
    parser.add_argument("--thresholds", type=float_list_option("--thresholds"),
                        help="thresholds for false alarms (course default 1e-7,2e-7)")
    parser.add_argument("--epsilon", type=float_option("--epsilon"),
                        help="the chosen epsilon for detection and bisection (default: the first "
                             "checker's, 1e-7 for course)")
    parser.add_argument("--threshold", type=float_option("--threshold"),
                        help="the chosen threshold (default: the first checker's, 2e-7 for "
                             "course)")
    parser.add_argument("--cases", type=int, help="seeds 1..N (default 20)")
    parser.add_argument("--seeds", type=int_list_option("--seeds"),
                        help="explicit seeds, e.g. 1,5,9 (seed 1, the course's, always added)")
    parser.add_argument("--checkers", type=name_list_option("--checkers"),
                        help="course,cs231n,allclose,directional,taylor (default: all)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="worker processes (default: CPUs, at most 4; 0 = in process)")
    parser.add_argument("--timeout", type=float_option("--timeout"), default=60.0,
                        help="seconds per mutant (all its cases and configs) before a timeout")
    parser.add_argument("--session", help="SQLite file that keeps the rows and resumes")
    parser.add_argument("--oracle", choices=("autograd",),
                        help="split the course case's epsilon curve into truncation and "
                             "rounding against autograd's exact gradient "
                             "(pip install 'gradmut[oracle]')")
    add_scale_out_options(parser)
    parser.add_argument("--json", metavar="FILE", help="write the sweep JSON ('-': stdout)")
    parser.add_argument("--report", metavar="DIR",
                        help="write every table (Markdown and CSV) and the plots into DIR")
    parser.add_argument("--all", action="store_true",
                        help="list every mutant in the detection table and kill matrix")
    parser.add_argument("--format", default="simple", help="tabulate format for the screen")
    parser.set_defaults(handler=handle)


def render_screen(results, fmt: str, everything: bool) -> str:
    from harness.environment import describe
    from harness.formatting import format_seeds
    from harness.sweep_tables import baseline_lines, screen_sections
    from harness.tables import render

    config = results.config
    lines = [f"gradmut sweep: target {results.target}, {len(results.mutants)} mutants, "
             f"seeds {format_seeds(config.seeds)}, {len(config.primary_epsilons())} epsilons, "
             f"checkers {', '.join(config.checkers)} ({describe(results.environment)})",
             *baseline_lines(results), ""]
    for table, notes in screen_sections(results, everything):
        lines += [table.title, render(table, fmt) if table.rows else "(none)", *notes, ""]
    return "\n".join(lines).rstrip() + "\n"


def handle(args, out) -> int:
    import json

    from harness.sweep import sweep

    _check_format(args.format)
    check_output_file(args.json, "--json")
    check_output_dir(args.report, "--report")
    try:
        results = sweep(target=args.target, operators=args.operators, epsilons=args.epsilons,
                        thresholds=args.thresholds, seeds=args.seeds, cases=args.cases,
                        checkers=args.checkers, epsilon=args.epsilon, threshold=args.threshold,
                        jobs=args.jobs, timeout=args.timeout, session=args.session,
                        function=args.function, progress=sys.stderr.isatty(),
                        shard=args.shard, executor=args.executor, scheduler=args.scheduler,
                        oracle=args.oracle)
    except KeyboardInterrupt:
        if args.session:
            sys.stderr.write(f"gradmut: interrupted; finished rows are in {args.session}: "
                             "run the same command again to resume\n")
        raise
    for notice in results.notices:
        sys.stderr.write(f"gradmut: note: {notice}\n")
    if args.shard:
        sys.stderr.write(f"gradmut: note: shard {args.shard[0]}/{args.shard[1]}: "
                         f"{len(results.mutants)} mutants; combine the shards' sessions with "
                         "'gradmut merge', then run this sweep without --shard on the merged "
                         "session to report on all of them\n")
    text = json.dumps(results.to_json(), indent=1, sort_keys=True) + "\n"
    if args.json == "-":
        out.write(text)
    else:
        if args.json:
            _write(args.json, text)
        out.write(render_screen(results, args.format, args.all))
    if args.report:
        out.flush()  # the screen first, then the note on stderr
        from harness.sweep_plots import write_sweep_report

        written, notes = write_sweep_report(results, args.report)
        for note in notes:
            sys.stderr.write(f"gradmut: note: {note}\n")
        sys.stderr.write(f"gradmut: wrote {len(written)} report files to {args.report}\n")
    return 0


def check_output_file(path: str | None, option: str) -> None:
    """Refuse, before any work, a file path that cannot be written ('-' is stdout)."""
    import os
    from pathlib import Path

    from harness.errors import UsageError

    if path is None or path == "-":
        return
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UsageError("is a directory, not a file", where=path,
                         fix=f"pass a file path to {option}, e.g. sweep.json")
    if not parent.is_dir():
        raise UsageError("its folder does not exist", where=path,
                         fix=f"create {parent} first, or choose another path for {option}")
    if not os.access(target if target.exists() else parent, os.W_OK):
        raise UsageError("not writable", where=path,
                         fix=f"choose a writable path for {option}")


def check_output_dir(path: str | None, option: str) -> None:
    """Refuse, before any work, a folder that is a file or cannot be created or written."""
    import os
    from pathlib import Path

    from harness.errors import UsageError

    if path is None:
        return
    folder = Path(path)
    existing = next(p for p in (folder, *folder.absolute().parents) if p.exists())
    if not existing.is_dir():
        raise UsageError(f"{existing} is a file, not a folder", where=path,
                         fix=f"choose a folder path for {option}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{existing} is not writable", where=path,
                         fix=f"choose a writable folder for {option}")


def _check_format(fmt: str) -> None:
    """Accept the tabulate formats a terminal can show; files go through --report/--json."""
    from tabulate import tabulate_formats

    from harness.errors import UsageError

    if fmt not in tabulate_formats:
        raise UsageError(f"unknown format {fmt!r}", where="--format",
                         fix="use a tabulate format such as simple, github or plain (files: "
                             "--report DIR, --json FILE)")


def _write(path: str, text: str) -> None:
    from pathlib import Path

    from harness.errors import UsageError

    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write ({error.strerror})", where=path,
                         fix="choose a writable path for --json") from None
