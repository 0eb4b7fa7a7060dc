"""`gradmut mutants` lists a target's mutants; `gradmut show ID` prints one as a diff."""
from __future__ import annotations

import json
import time

from harness.cli_common import name_list_option

HIDDEN_FIELDS = ("source", "functions")  # the whole texts: `show` prints them as a diff


def register(subparsers) -> None:
    listing = subparsers.add_parser("mutants", help="list the mutants of a backward pass",
                                    description="List every mutant the operators make of the "
                                                "target's function (nothing is written).")
    _common(listing)
    listing.add_argument("--order", type=int, default=1, choices=(1, 2),
                         help="2 adds every pair of first-order mutants at disjoint places")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.set_defaults(handler=handle_list)
    show = subparsers.add_parser("show", help="print one mutant as a unified diff")
    show.add_argument("id", help="mutant id, e.g. scale-49-dW2-x2; join ids with __ for a pair")
    _common(show)
    show.set_defaults(handler=handle_show)


def _common(parser) -> None:
    parser.add_argument("--target", default="three-layer", help="built-in target")
    parser.add_argument("--function", help="function to mutate (default: the target's)")
    parser.add_argument("--operators", type=name_list_option("--operators"),
                        help="comma-separated operator names (default: all)")


def _mutants(args, order: int = 1):
    """Return (target, source, mutants, seconds spent generating, LibCST import excluded)."""
    from importlib import import_module

    from harness.check import resolve_target
    from harness.mutants import mutants_for

    import_module("mutators")  # LibCST's import is a fixed start-up cost, not generation
    target = resolve_target(args.target)
    start = time.perf_counter()
    source, mutants = mutants_for(target, args.function, args.operators, order)
    return target, source, mutants, time.perf_counter() - start


def as_json(mutant) -> dict:
    """Return the record's fields as JSON values, without the whole mutated texts."""
    from dataclasses import fields

    return {f.name: getattr(mutant, f.name) for f in fields(mutant) if f.name not in HIDDEN_FIELDS}


def handle_list(args, out) -> int:
    from tabulate import tabulate

    _, _, mutants, seconds = _mutants(args, args.order)
    if args.json:
        out.write(json.dumps([as_json(m) for m in mutants], indent=1) + "\n")
        return 0
    rows = [(m.id, m.operator, m.line, f"{m.original} -> {m.mutated}", m.description)
            for m in mutants]
    out.write(tabulate(rows, headers=("id", "operator", "line", "original -> mutated",
                                      "description"), disable_numparse=True) + "\n")
    out.write(f"{len(mutants)} mutants generated in {seconds * 1e3:.0f} ms\n")
    return 0


def handle_show(args, out) -> int:
    import difflib

    from harness.errors import UsageError
    from harness.mutants import bugset_mutant
    from mutators import unified_diff

    target, source, mutants, _ = _mutants(args)
    found = next((m for m in mutants if m.id == args.id), None)
    known = [m.id for m in mutants]
    if found is None and "__" in args.id:  # a higher-order id: its parts, in one pass
        parts = args.id.split("__")
        if all(part in known for part in parts):
            found = bugset_mutant(target, "\n".join(parts), args.function)
    if found is None:
        close = difflib.get_close_matches(args.id, known, n=3)
        raise UsageError(f"no mutant {args.id!r} in target {target.name!r}", where="show",
                         fix=f"did you mean {', '.join(close)}?" if close
                         else "list them with 'gradmut mutants'")
    out.write(f"{found.id}: {found.description}\n")
    out.write(unified_diff(source, found, target.source_path.name))
    return 0
