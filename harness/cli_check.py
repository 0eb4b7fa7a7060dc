"""`gradmut check`: the course's gradient check on a target's own backward pass."""
from __future__ import annotations

import json

from tabulate import tabulate

from harness.cli_common import add_target_options, chosen_target, float_option
from harness.environment import describe
from harness.formatting import format_float


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="run the gradient check on a target's backward",
                                   description="Run the course's gradient check on the target's "
                                               "own backward pass and say which block is off.")
    add_target_options(parser)
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
    rows = [(name, format_float(value), _percent(report.shares.get(name)),
             "<- blamed" if name in report.blamed else "")
            for name, value in report.per_parameter.items()]
    source = f"file {report.file}" if report.file else f"variant {report.variant}"
    lines = [
        f"target {report.target} ({source}), case seed {report.seed}, "
        f"epsilon {format_float(report.epsilon)}, threshold {format_float(report.threshold)}",
        f"difference {report.difference!r}  ->  {verdict}",
        "",
        tabulate(rows, headers=("block", "difference", "share of |g - g~|^2", ""),
                 tablefmt="simple", disable_numparse=True),
        "",
        "difference: the check's ratio on one block alone (a small block's noise is large "
        "beside its norm); share: where the disagreement is",
        "",
    ]
    if report.exact:
        lines += [f"exact oracle (autograd): the backward's error "
                  f"{format_float(report.exact['backward_error'])}, the finite difference's own "
                  f"error {format_float(report.exact['numeric_error'])}", ""]
    lines.append(describe(report.environment))
    return "\n".join(lines)


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f}%"


def handle(args, out) -> int:
    from harness.check import check

    import sys

    report = check(chosen_target(args), args.variant, args.epsilon, args.threshold,
                   args.seed, oracle=args.oracle, forward=args.forward, backward=args.backward)
    if report.notice:
        sys.stderr.write(f"gradmut: note: {report.notice}\n")
    if args.json:
        out.write(json.dumps(report.to_json(), indent=2, sort_keys=True, allow_nan=False)
                  + "\n")
    else:
        out.write(render(report) + "\n")
    return 0
