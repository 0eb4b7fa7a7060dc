"""`gradmut sweep`: measure how good a gradient check is (epsilons, thresholds, cases, checkers)."""
from __future__ import annotations

import sys

from harness.cli_common import (add_scale_out_options, float_list_option, float_option,
                                 int_list_option, name_list_option, print_notices,
                                 require_output, require_table_format, resume_hint, write_json)


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
    parser.add_argument("--thresholds", type=float_list_option("--thresholds", "1e-7,2e-7"),
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

    from harness.sweep import sweep

    require_table_format(args.format)
    if args.json and args.json != "-":  # checked first: a long sweep must not end unwritable
        require_output(args.json, "--json")
    if args.report:
        require_output(args.report, "--report", directory=True)
    with resume_hint(args.session):
        results = sweep(target=args.target, operators=args.operators, epsilons=args.epsilons,
                        thresholds=args.thresholds, seeds=args.seeds, cases=args.cases,
                        checkers=args.checkers, epsilon=args.epsilon, threshold=args.threshold,
                        jobs=args.jobs, timeout=args.timeout, session=args.session,
                        function=args.function, progress=sys.stderr.isatty(),
                        shard=args.shard, executor=args.executor, scheduler=args.scheduler,
                        oracle=args.oracle)
    print_notices(results.notices)
    if args.shard:
        sys.stderr.write(f"gradmut: note: shard {args.shard[0]}/{args.shard[1]}: "
                         f"{len(results.mutants)} mutants; combine the shards' sessions with "
                         "'gradmut merge', then run this sweep without --shard on the merged "
                         "session to report on all of them\n")
    if not write_json(out, args.json, results.to_json() if args.json else None):
        out.write(render_screen(results, args.format, args.all))
    if args.report:
        out.flush()  # the screen first, then the note on stderr
        from harness.sweep_plots import write_sweep_report

        written, notes = write_sweep_report(results, args.report)
        print_notices(notes)
        sys.stderr.write(f"gradmut: wrote {len(written)} report files to {args.report}\n")
    return 0
