"""`gradmut harden`: check a bug set over many cases, flag fragile bugs, recommend a case."""
from __future__ import annotations

import json
from collections import Counter

from harness.cli_common import float_option

VERDICTS = ("robust", "not robust", "missed", "invisible", "crash-only")


def float_list_option(option: str):
    """Return an argparse type for comma-separated numbers such as '0.5,1,2'."""
    parse_one = float_option(option)

    def parse(text: str) -> list[float]:
        return [parse_one(part) for part in text.split(",") if part.strip()]

    return parse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "harden", help="check a bug set over many cases and recommend a test case",
        description="Measure each bug of a bug set (or every first-order mutant) over many "
                    "cases (seeds x input scales) and epsilons: outcome and margin "
                    "(difference / threshold); flag bugs that are not robust, invisible or "
                    "crash-only; recommend the case with the largest smallest margin; export "
                    "assignment variants with an answer key.")
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
    parser.add_argument("--scales", type=float_list_option("--scales"), default=[0.5, 1, 2],
                        help="input scales (default 0.5,1,2; 1 is always included)")
    parser.add_argument("--epsilons", type=float_list_option("--epsilons"),
                        default=[1e-7, 1e-6, 1e-5], help="default 1e-7,1e-6,1e-5")
    parser.add_argument("--threshold", type=float_option("--threshold"), default=2e-7)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--timeout", type=float_option("--timeout"), default=10.0)
    parser.add_argument("--out", metavar="DIR", help="export assignment variants and a key")
    parser.add_argument("--json", metavar="FILE", help="write the hardening JSON ('-': stdout)")
    parser.add_argument("--format", default="simple", help="tabulate format for the screen")
    parser.set_defaults(handler=handle)


def _margin(value) -> str:
    return "-" if value is None else f"{value:.3g}"


def render(hardening, fmt: str) -> str:
    from harness.tables import Table, render as render_table

    bugs = hardening.bugs
    counts = Counter(bug.verdict for bug in bugs)
    lines = [f"gradmut harden: target {hardening.target}, {len(bugs)} bugs, seeds "
             f"1-{len(hardening.seeds)} x input scales "
             f"{','.join(f'{s:g}' for s in hardening.scales)} x epsilons "
             f"{','.join(f'{e:g}' for e in hardening.epsilons)}, threshold "
             f"{hardening.threshold:g}",
             ", ".join(f"{name} {counts[name]}" for name in VERDICTS), ""]
    rows = tuple((b.id, b.where, b.verdict, f"{b.caught}/{b.checked}", _margin(b.course_margin),
                  _margin(b.smallest_margin), _margin(b.recommended_margin),
                  ", ".join(b.blocks) or "-", b.reason) for b in bugs)
    lines += ["Bugs (margin = difference / threshold; > 1 is caught)", render_table(Table(
        "Bugs", ("bug", "where", "verdict", "caught", "course margin", "smallest margin",
                 "recommended margin", "look at", "why"), rows), fmt), ""]
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
                  "correct backward", "note"), rows), fmt)]
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
    from harness.errors import UsageError
    from harness.harden import harden

    if args.file and args.target:
        raise UsageError("give a TARGET file or --target, not both", where="harden")
    text = _read_bugs(args.bugs) if args.bugs else None
    hardening, loaded, mutants = harden(
        args.file or args.target or "three-layer", bugs=text, bugs_where=args.bugs or "",
        forward=args.forward, backward=args.backward, function=args.function,
        cases=args.cases, scales=args.scales, epsilons=args.epsilons,
        threshold=args.threshold, jobs=args.jobs, timeout=args.timeout)
    written = None
    if args.out:
        from harness.harden_export import export_variants

        written = export_variants(hardening, loaded, mutants, args.out)
    data = json.dumps(hardening.to_json(), indent=1, sort_keys=True) + "\n"
    if args.json == "-":
        out.write(data)
        return 0
    if args.json:
        from harness.cli_run import _write

        _write(args.json, data)
    out.write(render(hardening, args.format))
    if written is not None:
        out.write(f"\nexported {len(written)} variants and answer_key.json/.md to {args.out}\n")
    return 0
