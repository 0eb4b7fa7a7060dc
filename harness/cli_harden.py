"""`gradmut harden`: check a bug set over many cases, flag fragile bugs, recommend a case."""
from __future__ import annotations

import argparse
from collections import Counter

from harness.cli_common import (chosen_target, float_list_option, float_option, print_notices,
                                 require_output, write_json)

VERDICTS = ("robust", "not robust", "missed", "invisible", "crash-only", "unjudged")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "harden", help="check a bug set over many cases and recommend a test case",
        description="Measure each bug of a bug set (or every first-order mutant) over many "
                    "cases (seeds x input scales) and epsilons: outcome and margin "
                    "(difference / threshold); flag bugs that are not robust, invisible or "
                    "crash-only; mark each bug's answer key as having one fix location or "
                    "several; recommend a case: among those where the backward as given passes, "
                    "the fewest dead ReLU units, then a backward 10x under the threshold, then "
                    "the largest smallest margin; export assignment variants with an answer "
                    "key.")
    parser.add_argument("file", nargs="?", metavar="TARGET",
                        help="a .py file, a notebook or a target file (default: --target)")
    parser.add_argument("--target", help="built-in target (default three-layer)")
    parser.add_argument("--bugs", metavar="FILE",
                        help="bug set: one bug per line, an id or 'OPERATOR VARIABLE TAG', "
                             "parts of one bug joined by ' + ' (default: every first-order "
                             "mutant)")
    parser.add_argument("--forward", help="a file's forward pass (default forward_propagation_n)")
    parser.add_argument("--backward", help="a file's backward (default backward_propagation_n)")
    parser.add_argument("--function", help="function the bugs are in (default: the target's)")
    parser.add_argument("--cases", type=int, default=20, help="seeds 1..N (default 20)")
    parser.add_argument("--scales", type=float_list_option("--scales", "0.5,1,2"), default=[0.5, 1, 2],
                        help="input scales (default 0.5,1,2; 1 is always included)")
    parser.add_argument("--epsilons", type=float_list_option("--epsilons"),
                        default=[1e-7, 1e-6, 1e-5], help="default 1e-7,1e-6,1e-5")
    parser.add_argument("--threshold", type=float_option("--threshold"), default=2e-7)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--timeout", type=float_option("--timeout"), default=10.0)
    parser.add_argument("--oracle", choices=("autograd",),
                        help="judge 'invisible' against autograd's exact gradient and show each "
                             "bug's own error beside the check's")
    parser.add_argument("--repairs", action=argparse.BooleanOptionalAction, default=None,
                        help="mark each bug as having a unique repair or several (diagnose's "
                             "search, about 0.2 s a bug; default: on with --bugs, off for "
                             "every mutant)")
    parser.add_argument("--out", metavar="DIR", help="export assignment variants and a key "
                        "(a new or empty directory, or a previous harden output)")
    parser.add_argument("--json", metavar="FILE", help="write the hardening JSON ('-': stdout)")
    parser.add_argument("--format", default="simple", help="tabulate format for the screen")
    parser.set_defaults(handler=handle)


def _margin(value) -> str:
    return "-" if value is None else f"{value:.3g}"


def _answer(bug) -> str:
    """The answer-key column: one fix location, several, or none found."""
    if bug.repairs is None:
        return "-"
    if not bug.repairs:
        return "no repair found"
    return "unique" if bug.unique_repair else f"{len(bug.repair_locations)} locations"


def _caught(bug) -> str:
    return f"{bug.caught}/{bug.checked}" if bug.checked else "-"


def bugs_table(hardening):
    """One row per bug: verdict, catches, margins, blocks, answer key (and errors, with the
    oracle)."""
    from harness.formatting import format_float
    from harness.tables import Table

    bugs = hardening.bugs
    excluded = any(b.excluded for b in bugs)
    headers = ["bug", "where", "verdict", "caught"] + (["excluded"] if excluded else []) + [
        "course margin", "smallest margin", "recommended margin", "look at"]
    headers += ["own error", "check's error"] if hardening.oracle else []
    headers += ["answer key"] if hardening.repairs_searched else []
    rows = []
    for b in bugs:
        row = [b.id, b.where, b.verdict, _caught(b)] + ([str(b.excluded)] if excluded else [])
        row += [_margin(b.course_margin), _margin(b.smallest_margin),
                _margin(b.recommended_margin), ", ".join(b.blocks) or "-"]
        row += [format_float(b.own_error), format_float(b.check_error)] \
            if hardening.oracle else []
        row += [_answer(b)] if hardening.repairs_searched else []
        rows.append(tuple(row + [b.reason]))
    return Table("Bugs", tuple(headers) + ("why",), tuple(rows))


def _header(hardening) -> list[str]:
    bugs = hardening.bugs
    counts = Counter(bug.verdict for bug in bugs)
    lines = [f"gradmut harden: target {hardening.target}, {len(bugs)} bugs, seeds "
             f"1-{len(hardening.seeds)} x input scales "
             f"{','.join(f'{s:g}' for s in hardening.scales)} x epsilons "
             f"{','.join(f'{e:g}' for e in hardening.epsilons)}, threshold "
             f"{hardening.threshold:g}" + (", oracle autograd" if hardening.oracle else ""),
             ", ".join(f"{name} {counts[name]}" for name in VERDICTS
                       if counts[name] or name != "unjudged")]
    if hardening.warning:
        lines.append(f"WARNING: {hardening.warning}. Nothing below can be trusted.")
    marked = sum(1 for b in bugs if b.repairs is not None)
    if hardening.repairs_searched:
        lines.append(f"answer keys: diagnose's repair search on the code of {marked} bug(s) "
                     f"took {hardening.repair_seconds:.1f} s" if marked else
                     "answer keys: no bug the check catches, so no repair search")
    return lines + [""]


def render(hardening, fmt: str) -> str:
    from harness.tables import Table, render as render_table

    lines = _header(hardening)
    excluded = sum(b.excluded for b in hardening.bugs)
    lines += ["Bugs (margin = difference / threshold; > 1 is caught" + (
        f"; excluded: pairs where {hardening.baseline} itself fails the check" if excluded
        else "") + ")", render_table(bugs_table(hardening), fmt), ""]
    lines += [f"The course's case ({hardening.course.name})"]
    lines += [f"- {text}" for text in hardening.weaknesses] or ["- no weakness found"]
    shown = list(hardening.cases[:5])
    if hardening.course not in shown:
        shown.append(hardening.course)
    rows = tuple((str(c.seed), f"{c.scale:g}", _margin(c.smallest_margin), c.weakest or "-",
                  "n/a" if c.dead_units is None else ", ".join(c.dead_units) or "none",
                  _margin(c.baseline), "FALSE ALARM" if c.false_alarm else "")
                 for c in shown)
    lines += ["", "Cases (best first, and the course's)", render_table(Table(
        "Cases", ("seed", "scale", "smallest margin", "weakest bug", "dead units",
                  hardening.baseline, "note"), rows), fmt)]
    if hardening.warning:
        lines += ["", f"WARNING: {hardening.warning}."]
    return "\n".join(lines).rstrip() + "\n"


def _read_bugs(path: str) -> str:
    from pathlib import Path

    from harness.errors import UsageError

    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read the bug set ({error.__class__.__name__})", where=path,
                         fix="pass a text file with one bug per line") from None


def handle(args, out) -> int:
    from harness.harden import harden

    text = _read_bugs(args.bugs) if args.bugs else None
    if args.json and args.json != "-":
        require_output(args.json, "--json")
    if args.out:
        from harness.harden_export import previous_variants

        previous_variants(args.out)  # refuse a foreign directory before measuring anything
    hardening, loaded, mutants = harden(
        chosen_target(args), bugs=text, bugs_where=args.bugs or "",
        forward=args.forward, backward=args.backward, function=args.function,
        cases=args.cases, scales=args.scales, epsilons=args.epsilons,
        threshold=args.threshold, jobs=args.jobs, timeout=args.timeout, oracle=args.oracle,
        repairs=args.repairs)
    print_notices(hardening.notices)
    written = None
    if args.out:
        from harness.harden_export import export_variants

        written = export_variants(hardening, loaded, mutants, args.out)
    if write_json(out, args.json, hardening.to_json() if args.json else None):
        return 0
    out.write(render(hardening, args.format))
    if written is not None:
        out.write(f"\nexported {len(written)} variants and answer_key.json/.md to {args.out}\n")
    return 0
