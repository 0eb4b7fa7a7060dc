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


def int_list_option(option: str):
    """Return an argparse type for comma-separated integers such as '1,2,3'."""

    def parse(text: str) -> list[int]:
        try:
            return [int(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise UsageError(f"needs comma-separated integers, got {text!r}", where=option,
                             fix=f"pass e.g. {option} 1,2,3") from None

    return parse


def name_list_option(option: str):
    """Return an argparse type for comma-separated names such as 'scale,transpose'."""

    def parse(text: str) -> list[str]:
        names = [part.strip() for part in text.split(",") if part.strip()]
        if not names:
            raise UsageError("needs at least one name", where=option,
                             fix=f"pass e.g. {option} scale,transpose")
        return names

    return parse
