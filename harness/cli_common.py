"""Argument parsing that never exits on its own: every bad option becomes one UsageError line."""
from __future__ import annotations

import argparse
import contextlib

from harness.errors import UsageError


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise UsageError instead of printing usage and exiting."""

    def error(self, message: str):
        where = None if self.prog == "gradmut" else self.prog
        raise UsageError(message, where=where, fix=f"see '{self.prog} --help'")


def float_option(option: str, example: str = "1e-7"):
    """Return an argparse type that parses a float and names `option` when it cannot."""

    def parse(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise UsageError(f"needs a number, got {text!r}", where=option,
                             fix=f"pass e.g. {option} {example}") from None

    return parse


def int_list_option(option: str):
    """Return an argparse type for comma-separated integers such as '1,2,3'."""

    def parse(text: str) -> list[int]:
        try:
            return [int(part) for part in text.split(",")]
        except ValueError:
            raise UsageError(f"needs comma-separated integers, got {text!r}", where=option,
                             fix=f"pass e.g. {option} 1,2,3") from None

    return parse


def name_list_option(option: str, example: str = "scale,transpose"):
    """Return an argparse type for comma-separated names such as 'scale,transpose'."""

    def parse(text: str) -> list[str]:
        names = [part.strip() for part in text.split(",") if part.strip()]
        if not names:
            raise UsageError("needs at least one name", where=option,
                             fix=f"pass e.g. {option} {example}")
        return names

    return parse


def float_list_option(option: str, example: str = "1e-4,1e-7"):
    """Return an argparse type for comma-separated numbers such as '1e-4,1e-7' (at least one)."""
    parse_one = float_option(option, example)

    def parse(text: str) -> list[float]:
        values = [parse_one(part.strip()) for part in text.split(",") if part.strip()]
        if not values:
            raise UsageError("needs at least one number", where=option,
                             fix=f"pass e.g. {option} {example}")
        return values

    return parse


def add_mutant_options(parser) -> None:
    """The options that choose which mutants a command makes: function, operators, factors."""
    parser.add_argument("--function", help="function to mutate (default: the target's)")
    parser.add_argument("--operators", type=name_list_option("--operators"),
                        help="comma-separated operator names (default: all)")
    parser.add_argument("--factors", type=float_list_option("--factors", "2,0.5"),
                        help="the scale operator's factors (default 2,4,0.5,-1), e.g. 1.001")


def add_target_options(parser) -> None:
    """The options that name the code under test: a file, or a built-in target."""
    parser.add_argument("file", nargs="?", metavar="TARGET",
                        help="a .py file, a notebook (.ipynb) or a target file")
    parser.add_argument("--target", help="built-in target (default three-layer)")
    parser.add_argument("--forward", help="a file's forward pass (default forward_propagation_n)")
    parser.add_argument("--backward",
                        help="a file's backward pass (default backward_propagation_n)")


def chosen_target(args) -> str:
    """Return the file or built-in target the options name (UsageError if both)."""
    if args.file and args.target:
        raise UsageError("give a file or --target, not both", where=args.file,
                         fix="drop one of them")
    return args.file or args.target or "three-layer"


def require_table_format(fmt: str) -> str:
    """Return `fmt` if tabulate can show the screen's tables in it, else a UsageError.

    Files (CSV, JSON, LaTeX, Stryker, plots) come from --report DIR or `gradmut report`.
    """
    from tabulate import tabulate_formats

    known = sorted(tabulate_formats)
    if fmt not in known:
        import difflib

        close = difflib.get_close_matches(fmt, known, n=1)
        raise UsageError(f"unknown screen format {fmt!r}", where="--format",
                         fix=(f"did you mean {close[0]}? " if close else "") +
                         f"tabulate's formats: {', '.join(known)}; files (csv, json, ...) come "
                         "from --report DIR or 'gradmut report'")
    return fmt


def require_output(path: str, option: str, directory: bool = False) -> None:
    """Refuse an output path that could not be written, before any work is done.

    A report directory is created now; a file is opened for appending (and removed again if
    this made it), which is the only test that holds for every file system and user.
    """
    from pathlib import Path

    target = Path(path)
    blocking = next((p for p in (target, *target.absolute().parents)
                     if p.exists() and not p.is_dir()), None)
    if directory and blocking is not None:
        raise UsageError(f"{blocking} is a file, not a folder", where=path,
                         fix=f"choose a folder path for {option}")
    if not directory and target.is_dir():
        raise UsageError("is a directory, not a file", where=path,
                         fix=f"give {option} a file path")
    if not directory and not target.parent.is_dir():
        raise UsageError("its folder does not exist", where=path,
                         fix=f"create {target.parent} first, or choose another path for {option}")
    try:
        if directory:
            target.mkdir(parents=True, exist_ok=True)
            return
        existed = target.exists()
        with open(target, "a", encoding="utf-8"):
            pass
        if not existed:
            target.unlink()
    except OSError as error:
        raise UsageError(f"cannot be written ({error.strerror or error})", where=path,
                         fix=f"choose a writable {option} path") from None


def add_scale_out_options(parser) -> None:
    """Add --shard, --executor and --scheduler to a run-like command."""
    from harness.shards import parse_shard

    parser.add_argument("--shard", type=parse_shard, metavar="K/N",
                        help="run only part K of N (K from 1): a deterministic split by mutant "
                             "id, for separate machines or CI jobs; join with 'gradmut merge'")
    parser.add_argument("--executor", default="local", choices=("local", "dask"),
                        help="local worker processes (default), or a Dask cluster "
                             "(pip install 'gradmut[dask]')")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="with --executor dask: the scheduler, e.g. tcp://10.0.0.5:8786 "
                             "(default: a local cluster of --jobs workers on loopback)")


def print_notices(notices) -> None:
    """Write each notice as a 'gradmut: note:' line on stderr (stdout carries results)."""
    import sys

    for notice in notices:
        sys.stderr.write(f"gradmut: note: {notice}\n")


@contextlib.contextmanager
def resume_hint(session: str | None):
    """On Ctrl-C, say where the finished rows are and how to resume, then let it propagate."""
    import sys

    try:
        yield
    except KeyboardInterrupt:
        if session:
            sys.stderr.write(f"gradmut: interrupted; finished rows are in {session}: "
                             "run the same command again to resume\n")
        raise


def write_json(out, path: str | None, data) -> bool:
    """Write `data` as JSON to stdout (path '-') or to a file; True when it took stdout."""
    import json

    if not path:
        return False
    text = data if isinstance(data, str) else json.dumps(data, indent=1, sort_keys=True) + "\n"
    if path == "-":
        out.write(text)
        return True
    write_file(path, text, "--json")
    return False


def write_file(path: str, text: str, option: str) -> None:
    """Write a text file, or say in one line why it cannot be written."""
    from pathlib import Path

    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write ({error.strerror})", where=path,
                         fix=f"choose a writable path for {option}") from None
