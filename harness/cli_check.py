"""`gradmut check`: the course's gradient check on a target's own backward pass."""
from __future__ import annotations

import json

from tabulate import tabulate

from harness.cli_common import float_option
from harness.environment import describe
from harness.formatting import format_float


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="run the gradient check on a target's backward",
                                   description="Run the course's gradient check on the target's "
                                               "own backward pass and say which block is off.")
    parser.add_argument("--target", default="three-layer", help="built-in target (three-layer)")
    parser.add_argument("--variant", default="correct",
                        help="'correct' or another source of the target, e.g. 'buggy'")
    parser.add_argument("--epsilon", type=float_option("--epsilon"), default=1e-7,
                        help="finite-difference step (default 1e-7, the course's)")
    parser.add_argument("--threshold", type=float_option("--threshold"), default=2e-7,
                        help="difference above which the check fails (default 2e-7; the first "
                             "notebook used 1e-7)")
    parser.add_argument("--seed", type=int, default=1, help="test case seed (1: the course's)")
    parser.add_argument("--oracle", choices=("autograd",),
                        help="also compare with autograd's exact gradient of the forward pass")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=handle)


def render(report) -> str:
    """Return the human-readable check report."""
    verdict = ("CAUGHT: the check says the backward pass is wrong" if report.caught
               else "passed: the check sees no error")
    rows = [(name, format_float(value), "yes" if value > report.threshold else "")
            for name, value in report.per_parameter.items()]
    lines = [
        f"target {report.target} ({report.variant}), case seed {report.seed}, "
        f"epsilon {format_float(report.epsilon, 1)}, threshold {format_float(report.threshold, 1)}",
        f"difference {report.difference!r}  ->  {verdict}",
        "",
        tabulate(rows, headers=("block", "difference", "over threshold"), tablefmt="simple",
                 disable_numparse=True),
        "",
    ]
    if report.exact:
        lines += [f"exact oracle (autograd): the backward's error "
                  f"{format_float(report.exact['backward_error'])}, the finite difference's own "
                  f"error {format_float(report.exact['numeric_error'])}", ""]
    lines.append(describe(report.environment))
    return "\n".join(lines)


def handle(args, out) -> int:
    from harness.check import check

    import sys

    report = check(args.target, args.variant, args.epsilon, args.threshold, args.seed,
                   oracle=args.oracle)
    if report.notice:
        sys.stderr.write(f"gradmut: note: {report.notice}\n")
    if args.json:
        out.write(json.dumps(report.to_json(), indent=2, sort_keys=True) + "\n")
    else:
        out.write(render(report) + "\n")
    return 0
