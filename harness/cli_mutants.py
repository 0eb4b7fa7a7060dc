"""`gradmut mutants` lists a target's mutants; `gradmut show ID` prints one as a diff."""
from __future__ import annotations

import json
import time

from harness.cli_common import add_mutant_options, add_target_options, chosen_target

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
    add_target_options(parser)
    add_mutant_options(parser)


def _mutants(args, order: int = 1):
    """Return (loaded target, mutants, seconds spent generating, LibCST import excluded)."""
    from importlib import import_module

    from harness.mutants import mutants_for
    from harness.targets_resolve import load_target, target_ref

    loaded = load_target(target_ref(chosen_target(args), args.forward, args.backward))
    import_module("mutators")  # LibCST's import is a fixed start-up cost, not generation
    start = time.perf_counter()
    _, mutants = mutants_for(loaded.target, args.function, args.operators, order,
                             source=loaded.source, factors=args.factors)
    return loaded, mutants, time.perf_counter() - start


def as_json(mutant) -> dict:
    """Return the record's fields as JSON values, without the whole mutated texts."""
    from dataclasses import fields

    return {f.name: getattr(mutant, f.name) for f in fields(mutant) if f.name not in HIDDEN_FIELDS}


def _with_cell(record: dict, loaded) -> dict:
    """Add the notebook cell and the line in it, when the source was assembled from cells."""
    if loaded.line_map and record["line"] in loaded.line_map:
        record["cell"], record["cell_line"] = loaded.line_map[record["line"]]
    return record


def handle_list(args, out) -> int:
    from tabulate import tabulate

    from harness.targets_resolve import line_label

    loaded, mutants, seconds = _mutants(args, args.order)
    if args.json:
        out.write(json.dumps([_with_cell(as_json(m), loaded) for m in mutants], indent=1)
                  + "\n")
        return 0
    rows = [(m.id, m.operator, line_label(loaded.line_map, m.line),
             f"{m.original} -> {m.mutated}", m.description) for m in mutants]
    out.write(tabulate(rows, headers=("id", "operator", "line", "original -> mutated",
                                      "description"), disable_numparse=True) + "\n")
    out.write(f"{len(mutants)} mutants generated in {seconds * 1e3:.0f} ms\n")
    return 0


def handle_show(args, out) -> int:
    import difflib

    from harness.errors import UsageError
    from harness.mutants import bugset_mutant
    from mutators import unified_diff

    loaded, mutants, _ = _mutants(args)
    target = loaded.target
    found = next((m for m in mutants if m.id == args.id), None)
    known = [m.id for m in mutants]
    if found is None and "__" in args.id:  # a higher-order id: its parts, in one pass
        parts = args.id.split("__")
        if all(part in known for part in parts):
            found = bugset_mutant(target, "\n".join(parts), args.function, loaded.source)
    if found is None:
        close = difflib.get_close_matches(args.id, known, n=3)
        raise UsageError(f"no mutant {args.id!r} in target {target.name!r}", where="show",
                         fix=f"did you mean {', '.join(close)}?" if close
                         else "list them with 'gradmut mutants'")
    where = f" ({loaded.where(found.line)})" if loaded.line_map else ""
    out.write(f"{found.id}: {found.description}{where}\n")
    out.write(unified_diff(loaded.source, found, target.source_path.name))
    return 0
