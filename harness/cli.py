"""The command line: a thin shell over the Python API, and the only place that prints errors.

Each subcommand lives in its own `cli_<name>.py` with `register(subparsers)` and a handler that
returns the exit status; user mistakes arrive here as UsageError and leave as one line, status 2.
"""
from __future__ import annotations

import contextlib
import sys

from harness import (cli_bench, cli_check, cli_diagnose, cli_harden, cli_merge, cli_mutants,
                     cli_report, cli_run, cli_sweep)
from harness.cli_common import Parser
from harness.errors import UsageError

COMMANDS = (cli_check, cli_run, cli_report, cli_mutants, cli_diagnose, cli_harden, cli_bench,
            cli_sweep, cli_merge)


def build_parser() -> Parser:
    parser = Parser(prog="gradmut",
                    description="Mutation testing for backpropagation code: how good is your "
                                "gradient check?")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run gradmut with `argv` (default sys.argv[1:]) and return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stdout)
            return 0
        out = sys.stdout
        # Results go to `out`; anything else that writes to stdout while a command runs (the
        # user's own prints, in a forward pass or a module's top level) goes to stderr.
        with contextlib.redirect_stdout(sys.stderr):
            return args.handler(args, out)
    except UsageError as error:
        print(f"gradmut: error: {error.line()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gradmut: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
