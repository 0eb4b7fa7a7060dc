"""`gradmut bench`: measure gradmut's speed against a bare backward call and the naive way, or
(--executors) the local pool against a Dask LocalCluster."""
from __future__ import annotations

import json


def register(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="measure speed (figures for the README)",
                                   description="Measure a bare backward call, gradmut's cost per "
                                               "mutant-check, the naive cost and end-to-end time.")
    parser.add_argument("--target", default="three-layer")
    parser.add_argument("--cases", type=int, default=20,
                        help="cases of the large run whose margin gives the per-check cost")
    parser.add_argument("--executors", action="store_true",
                        help="instead: time fresh 'gradmut sweep' and 'gradmut run --cases N' on "
                             "the local pool and on a Dask LocalCluster, alternately (needs "
                             "gradmut[dask])")
    parser.add_argument("--rounds", type=int, default=5,
                        help="with --executors: runs of each command on each executor")
    parser.add_argument("--jobs", type=int, default=2,
                        help="with --executors: worker processes of both executors")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=handle)


def render(figures: dict) -> str:
    from tabulate import tabulate

    from harness.environment import describe

    us = 1e6
    cases = figures["run_1_case_seconds"], figures[next(k for k in figures
                                                        if k.startswith("run_") and
                                                        k != "run_1_case_seconds")]
    rows = [
        ("bare forward call", f"{figures['forward_seconds'] * us:.1f} us"),
        ("bare backward call", f"{figures['backward_seconds'] * us:.1f} us"),
        ("import LibCST + operators", f"{figures['mutators_import_seconds'] * 1e3:.0f} ms"),
        ("mutant generation (parse included)", f"{figures['generation_seconds'] * 1e3:.0f} ms "
                                               f"for {figures['generated']} mutants"),
        ("run, 1 case / many cases (in process)", f"{cases[0]:.3f} s / {cases[1]:.3f} s"),
        ("gradmut per mutant-check (margin)", f"{figures['per_check_seconds'] * us:.1f} us "
                                              f"({figures['checks_per_second']:.0f} per second)"),
        ("  ... over a bare backward call", f"{figures['per_check_over_backward']:.1f}x"),
        ("naive: whole course check per mutant", f"{figures['naive_per_mutant_seconds'] * us:.0f} us"),
        ("  ... over gradmut's per-check cost", f"{figures['naive_over_per_check']:.0f}x"),
        ("fresh `gradmut run` end to end (median of 3)", f"{figures['end_to_end_seconds']:.3f} s"),
    ]
    return (tabulate(rows, headers=("measure", "figure"), disable_numparse=True) + "\n" +
            describe(figures["environment"]))


def render_executors(figures: dict) -> str:
    """The local pool against the LocalCluster per command: median and range, and the ratio."""
    from tabulate import tabulate

    from harness.environment import describe

    def spread(timed: dict) -> str:
        return (f"{timed['median_seconds']:.2f} s ({timed['min_seconds']:.2f} to "
                f"{timed['max_seconds']:.2f})")

    rows = [(f"gradmut {name}", spread(by["local"]), spread(by["dask"]),
             f"{by['dask']['median_seconds'] / by['local']['median_seconds']:.2f}x")
            for name, by in figures["jobs_timed"].items()]
    load = figures["load_average_before"]
    conditions = (f"wall time of a fresh command, median (range) of {figures['rounds']} "
                  f"alternating runs; {figures['jobs']} workers each; {figures['cpus']} CPUs"
                  + (f", load average {load[0]:.2f} before" if load else ""))
    return "\n".join([tabulate(rows, headers=("job", "local pool", "LocalCluster", "ratio"),
                                disable_numparse=True), conditions,
                       describe(figures["environment"])])


def handle(args, out) -> int:
    from harness.bench import bench, executor_walls
    from harness.errors import UsageError

    if args.cases < 2:
        raise UsageError("--cases must be at least 2 (the margin needs two runs)",
                         where="--cases")
    if args.executors:
        from harness.executors import check_executor

        for option, value in (("--rounds", args.rounds), ("--jobs", args.jobs)):
            if value < 1:
                raise UsageError(f"must be at least 1, got {value}", where=option)
        check_executor("dask", None, args.jobs)
        figures = executor_walls(args.target, args.cases, args.rounds, args.jobs)
        text = render_executors(figures)
    else:
        figures = bench(args.target, args.cases)
        text = render(figures)
    out.write((json.dumps(figures, indent=2, sort_keys=True) if args.json else text) + "\n")
    return 0
