"""Argument parsing that never exits on its own: every bad option becomes one UsageError line."""
from __future__ import annotations

import argparse

from harness.errors import UsageError


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise UsageError instead of printing usage and exiting."""

    def error(self, message: str):
        where = None if self.prog == "gradmut" else self.prog
        raise UsageError(message, where=where, fix=f"see '{self.prog} --help'")


def float_option(option: str):
    """Return an argparse type that parses a float and names `option` when it cannot."""

    def parse(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise UsageError(f"needs a number, got {text!r}", where=option,
                             fix=f"pass e.g. {option} 1e-7") from None

    return parse
