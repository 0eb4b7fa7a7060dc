"""`gradmut diagnose`: find where a failing backward pass is wrong, and how to repair it."""
from __future__ import annotations


from harness.cli_common import (chosen_target, float_option, print_notices, require_output,
                                 write_json)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "diagnose", help="locate and repair a failing backward pass",
        description="Check the backward as given; if it fails, try gradmut's mutants of that "
                    "code and report those that make it pass on every case: candidate repairs. "
                    "Files and notebooks load as in 'gradmut run'.")
    parser.add_argument("file", nargs="?", metavar="TARGET",
                        help="a .py file, a notebook (.ipynb) or a target file")
    parser.add_argument("--target", help="built-in target (default three-layer)")
    parser.add_argument("--variant", help="a built-in source of the target, e.g. 'buggy'")
    parser.add_argument("--forward", help="a file's forward pass (default forward_propagation_n)")
    parser.add_argument("--backward",
                        help="a file's backward pass (default backward_propagation_n)")
    parser.add_argument("--function", help="function to repair (default: the target's)")
    parser.add_argument("--max-order", type=int, default=2, choices=(1, 2))
    parser.add_argument("--cases", type=int, default=3,
                        help="cases a repair must pass (seeds 1..N; default 3)")
    parser.add_argument("--epsilon", type=float_option("--epsilon"), default=1e-7)
    parser.add_argument("--threshold", type=float_option("--threshold"), default=2e-7)
    parser.add_argument("--jobs", type=int, default=None,
                        help="worker processes (default 2; 0 = in process)")
    parser.add_argument("--timeout", type=float_option("--timeout"), default=10.0)
    parser.add_argument("--oracle", choices=("autograd",),
                        help="decide by autograd's exact gradient, with no threshold")
    parser.add_argument("--json", metavar="FILE", help="write the diagnosis JSON ('-': stdout)")
    parser.add_argument("--format", default="simple", help="tabulate format for the screen")
    parser.add_argument("--diffs", type=int, default=3,
                        help="repairs whose diff is shown on screen (default 3)")
    parser.set_defaults(handler=handle)


def handle(args, out) -> int:
    from harness.diagnose import diagnose
    from harness.diagnose_tables import render_diagnosis
    from harness.errors import UsageError

    if args.file and args.variant:
        raise UsageError("give a TARGET file or --variant, not both", where="diagnose")
    if args.diffs < 0:
        raise UsageError(f"--diffs must be >= 0, got {args.diffs}", where="--diffs")
    if args.json and args.json != "-":
        require_output(args.json, "--json")
    diagnosis = diagnose(chosen_target(args), variant=args.variant,
                         forward=args.forward, backward=args.backward, function=args.function,
                         max_order=args.max_order, cases=args.cases, epsilon=args.epsilon,
                         threshold=args.threshold, jobs=args.jobs, timeout=args.timeout,
                         oracle=args.oracle)
    print_notices(diagnosis.notices)
    if write_json(out, args.json, diagnosis.to_json() if args.json else None):
        return 0
    out.write(render_diagnosis(diagnosis, args.format, args.diffs))
    return 0
