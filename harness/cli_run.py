"""`gradmut run`: mutate the backward pass, check every mutant, show or save the results."""
from __future__ import annotations

import sys

from harness.cli_common import (add_mutant_options, add_scale_out_options, add_target_options,
                                 chosen_target, float_option, int_list_option, print_notices,
                                 require_output, require_table_format, resume_hint, write_json)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "run", help="check every mutant of a backward pass",
        description="Generate the mutants of the target's backward pass, run the gradient check "
                    "on each (in worker processes), and report what it caught.")
    add_target_options(parser)
    parser.add_argument("--pytest", metavar="TESTFILE",
                        help="also run this pytest file against every mutant and compare")
    add_mutant_options(parser)
    parser.add_argument("--order", type=int, default=1, choices=(1, 2),
                        help="2 adds every pair of first-order mutants")
    parser.add_argument("--checker", default="course", help="checker formula (default course)")
    parser.add_argument("--epsilon", type=float_option("--epsilon"), default=None,
                        help="finite-difference step (default: the checker's, 1e-7 for course)")
    parser.add_argument("--threshold", type=float_option("--threshold"), default=None,
                        help="default: the checker's (2e-7 for course)")
    parser.add_argument("--seeds", type=int_list_option("--seeds"),
                        help="test case seeds, e.g. 1,2,3 (1 is the course's case)")
    parser.add_argument("--cases", type=int, help="use seeds 1..N")
    parser.add_argument("--jobs", type=int, default=None,
                        help="worker processes (default: CPUs, at most 4; 0 = in process)")
    parser.add_argument("--timeout", type=float_option("--timeout"), default=10.0,
                        help="seconds per mutant before it counts as a timeout")
    parser.add_argument("--session", help="SQLite file that keeps results and resumes runs")
    add_scale_out_options(parser)
    parser.add_argument("--json", metavar="FILE", help="write the results JSON ('-': stdout)")
    parser.add_argument("--report", metavar="DIR",
                        help="also write every report format into DIR (see gradmut report)")
    parser.add_argument("--fail-under", type=float_option("--fail-under"), metavar="SCORE",
                        help="exit 1 when the score (percent) is below SCORE")
    parser.add_argument("--oracle", choices=("autograd",),
                        help="judge equivalence against autograd's exact gradient "
                             "(pip install 'gradmut[oracle]')")
    parser.add_argument("--all", action="store_true", help="list every mutant on screen")
    parser.add_argument("--format", default="simple", help="tabulate format for the screen")
    parser.set_defaults(handler=handle)


def render_screen(results, fmt: str, show_all: bool) -> str:
    from harness.environment import describe
    from harness.formatting import format_float, format_seeds
    from harness.tables import (baseline_lines, missed_table, mutants_table, operators_table,
                                render, summary_table)

    config = results.config
    seeds = format_seeds(config.seeds)
    lines = [f"gradmut run: target {results.target}, function {config.function}, checker "
             f"{config.checker}, epsilon {format_float(config.epsilon)}, threshold "
             f"{format_float(config.threshold)}, seeds {seeds} ({describe(results.environment)})",
             *baseline_lines(results), *oracle_lines(results), ""]
    tables = [summary_table(results), operators_table(results)]
    tables.append(mutants_table(results) if show_all else missed_table(results))
    for table in tables:
        if table.rows:
            lines += [table.title, render(table, fmt), ""]
    return "\n".join(lines).rstrip() + "\n"


def oracle_lines(results) -> list[str]:
    """With the oracle: the check's own error on the first case, beside the noise floor."""
    from harness.formatting import format_float

    if not results.config.oracle:
        return []
    first = next(m for m in results.baseline.measurements if not m.probe)
    return [f"oracle (autograd): the finite difference's own error is "
            f"{format_float(first.numeric_error)} and the unmutated backward's "
            f"{format_float(first.exact_error)}; equivalence is judged against the exact "
            "gradient"]


def handle(args, out) -> int:
    from harness.errors import UsageError
    from harness.results_io import dumps
    from harness.run import run
    from harness.targets_resolve import load_target, target_ref

    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise UsageError("--fail-under is a percentage from 0 to 100", where="--fail-under")
    require_table_format(args.format)
    if args.json and args.json != "-":  # checked first: a long run must not end unwritable
        require_output(args.json, "--json")
    if args.report:
        require_output(args.report, "--report", directory=True)
    loaded = load_target(target_ref(chosen_target(args), args.forward, args.backward))
    with resume_hint(args.session):
        results = run(target=loaded, operators=args.operators, epsilon=args.epsilon,
                      threshold=args.threshold, seeds=args.seeds, cases=args.cases,
                      checker=args.checker, jobs=args.jobs, timeout=args.timeout,
                      session=args.session, function=args.function, order=args.order,
                      progress=sys.stderr.isatty(), oracle=args.oracle, shard=args.shard,
                      executor=args.executor, scheduler=args.scheduler, factors=args.factors)
    print_notices(results.notices)
    killed = _pytest(loaded, results, args)
    on_stdout = bool(args.json) and write_json(
        out, args.json, dumps(results) if killed is None else killed.with_json(dumps(results)))
    if not on_stdout:
        out.write(render_screen(results, args.format, args.all))
        if killed is not None:
            out.write(killed.render(args.format, args.all))
    if args.report:
        _write_reports(results, args.report)
    if args.fail_under is not None:
        score = results.summary.score if results.trusted else None
        if score is None or 100 * score < args.fail_under:
            return 1
    return 0


def _write_reports(results, directory: str) -> None:
    from harness.report_files import write_reports

    written, notes = write_reports(results, directory)
    print_notices(notes)
    sys.stderr.write(f"gradmut: wrote {len(written)} report files to {directory}\n")


def _pytest(loaded, results, args):
    """With --pytest: run the test file against every mutant (None without it)."""
    if not args.pytest:
        return None
    from harness.pytest_killer import kill_with_pytest

    return kill_with_pytest(loaded, results, args.pytest, jobs=args.jobs, timeout=args.timeout)
