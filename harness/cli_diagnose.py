"""`gradmut diagnose`: find where a failing backward pass is wrong, and how to repair it."""
from __future__ import annotations

import json

from harness.cli_common import float_option


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "diagnose", help="locate and repair a failing backward pass",
        description="Check the backward as given; if it fails, try gradmut's mutants of that "
                    "code and report those that make it pass on every case: candidate repairs.")
    parser.add_argument("file", nargs="?", help="a .py file shaped like the target")
    parser.add_argument("--target", default="three-layer", help="built-in target")
    parser.add_argument("--variant", help="a built-in source of the target, e.g. 'buggy'")
    parser.add_argument("--backward", help="function to repair (default: the target's)")
    parser.add_argument("--max-order", type=int, default=2, choices=(1, 2))
    parser.add_argument("--cases", type=int, default=3,
                        help="cases a repair must pass (seeds 1..N; default 3)")
    parser.add_argument("--epsilon", type=float_option("--epsilon"), default=1e-7)
    parser.add_argument("--threshold", type=float_option("--threshold"), default=2e-7)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--oracle", choices=("autograd",),
                        help="confirm each repair against autograd's exact gradient")
    parser.add_argument("--json", metavar="FILE", help="write the diagnosis JSON ('-': stdout)")
    parser.set_defaults(handler=handle)


def render(diagnosis) -> str:
    from tabulate import tabulate

    from harness.formatting import format_float

    blocks = ", ".join(diagnosis.blamed) or "none"
    lines = [f"as given: difference {format_float(diagnosis.difference)} on the course's case "
             f"(threshold {format_float(diagnosis.threshold, 1)}); blamed blocks: {blocks}"]
    if diagnosis.passes:
        return lines[0] + f"\nthe check passes on all {len(diagnosis.seeds)} cases: " \
                          "nothing to repair\n"
    lines.append(f"tried {diagnosis.tried} candidate repairs on seeds "
                 f"{','.join(map(str, diagnosis.seeds))}; found {len(diagnosis.repairs)}"
                 + ("; every repair changes the same lines" if diagnosis.unique and
                    diagnosis.repairs else ""))
    if not diagnosis.repairs:
        lines.append("no repair within gradmut's operators: the bug is not one of the kinds "
                     "they write, or needs more edits than --max-order")
        return "\n".join(lines) + "\n"
    rows = [(rank, " + ".join(r.mutants), ",".join(map(str, r.lines)),
             format_float(r.difference_after),
             "-" if r.confirmed is None else ("exact" if r.confirmed else "no"))
            for rank, r in enumerate(diagnosis.repairs, 1)]
    headers = ("rank", "mutants", "lines", "difference after", "confirmed by oracle")
    lines += ["", tabulate(rows, headers=headers, disable_numparse=True), "",
              "smallest repair:",
              diagnosis.repairs[0].diff]
    return "\n".join(lines).rstrip() + "\n"


def _diagnose_with_notice(diagnose, loaded, args):
    """Diagnose; if autograd cannot differentiate the forward pass, say so and go without it."""
    import sys

    from harness.oracle import OracleUnavailable

    options = dict(function=args.backward, max_order=args.max_order, cases=args.cases,
                   epsilon=args.epsilon, threshold=args.threshold, jobs=args.jobs)
    try:
        return diagnose(loaded, oracle=args.oracle, **options)
    except OracleUnavailable as error:
        sys.stderr.write(f"gradmut: note: {error.where}: {error.what}; repairs are judged "
                         "by the threshold only\n")
        return diagnose(loaded, **options)


def handle(args, out) -> int:
    from harness.diagnose import diagnose, load_file_as, load_variant
    from harness.errors import UsageError

    if args.file and args.variant:
        raise UsageError("give a FILE or --variant, not both", where="diagnose")
    loaded = (load_file_as(args.target, args.file) if args.file
              else load_variant(args.target, args.variant or "correct"))
    diagnosis = _diagnose_with_notice(diagnose, loaded, args)
    text = json.dumps(diagnosis.to_json(), indent=1, sort_keys=True) + "\n"
    if args.json == "-":
        out.write(text)
        return 0
    if args.json:
        from harness.cli_run import _write

        _write(args.json, text)
    out.write(render(diagnosis))
    return 0
