"""Average over the wrong count: `1./m` -> `1.` (no average), `2./m`, `1./(m - 1)`.

A missing or doubled 1/m scales a whole gradient, and m - 1 (the sample variance's habit) is off
by a factor m/(m-1) that only a tight check sees.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
import libcst.matchers as m

from mutators.base import Operator, assignments, code, safe
from mutators.records import Example, Replacement

AVERAGE = m.BinaryOperation(left=m.Integer() | m.Float(), operator=m.Divide(), right=m.Name())


def _two(literal: cst.BaseNumber) -> cst.BaseNumber:
    return cst.Float("2.") if literal.value.endswith(".") else cst.Integer("2")


@dataclass(frozen=True, slots=True)
class Normalization(Operator):
    name: ClassVar[str] = "normalization"
    summary: ClassVar[str] = "1./m -> 1. (no average), 2./m, 1./(m - 1)"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(a, m):\n    dW = 1./m * a\n",
                ("def f(a, m):\n    dW = 1. * a\n", "def f(a, m):\n    dW = 2./m * a\n",
                 "def f(a, m):\n    dW = 1./(m - 1) * a\n")),
        Example("def f(a):\n    dW = a / 2\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for target, assign in assignments(function):
            for site in m.findall(assign.value, AVERAGE):
                count = site.right.value
                less = cst.BinaryOperation(site.right, cst.Subtract(whitespace_before=cst.SimpleWhitespace(" "),
                                                                    whitespace_after=cst.SimpleWhitespace(" ")),
                                           cst.Integer("1"), lpar=[cst.LeftParen()],
                                           rpar=[cst.RightParen()])
                yield Replacement(site, site.left, f"{target}-no-{safe(count)}",
                                  f"no 1/{count} in {target}")
                yield Replacement(site, site.with_changes(left=_two(site.left)),
                                  f"{target}-2-{safe(count)}", f"2/{count} in {target}")
                yield Replacement(site, site.with_changes(right=less),
                                  f"{target}-{safe(count)}-1", f"1/({count} - 1) in {target}")
