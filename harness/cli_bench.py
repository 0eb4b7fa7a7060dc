"""`gradmut bench`: measure gradmut's speed against a bare backward call and the naive way."""
from __future__ import annotations

import json


def register(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="measure speed (figures for the README)",
                                   description="Measure a bare backward call, gradmut's cost per "
                                               "mutant-check, the naive cost and end-to-end time.")
    parser.add_argument("--target", default="three-layer")
    parser.add_argument("--cases", type=int, default=20,
                        help="cases of the large run whose margin gives the per-check cost")
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


def handle(args, out) -> int:
    from harness.bench import bench
    from harness.errors import UsageError

    if args.cases < 2:
        raise UsageError("--cases must be at least 2 (the margin needs two runs)",
                         where="--cases")
    figures = bench(args.target, args.cases)
    out.write((json.dumps(figures, indent=2, sort_keys=True) if args.json
               else render(figures)) + "\n")
    return 0
