"""Average over the wrong count: `1./m` -> `1.` (no average), `2./m`, `1./(m - 1)`.

A missing or doubled 1/m scales a whole gradient, and m - 1 (the sample variance's habit) is off
by a factor m/(m-1) that only a tight check sees. A coefficient other than 1 (the notebook's
`4./m`) is also offered the plain average `1./m`, which is how diagnose repairs it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
from mutators import match as m

from mutators.base import Operator, code
from mutators.ids import safe
from mutators.records import Example, Replacement

AVERAGE = m.BinaryOperation(left=m.Integer() | m.Float(), operator=m.Divide(), right=m.Name())


def _literal(value: int, like: cst.BaseNumber) -> cst.BaseNumber:
    """Return `value` spelled like `like`: `2.` for a `1.`, `2.0` for a `1.0`, `2` for a `1`."""
    if isinstance(like, cst.Float):
        return cst.Float(f"{value}." if like.value.endswith(".") else f"{value}.0")
    return cst.Integer(str(value))


def _minus_one(count: cst.Name) -> cst.BinaryOperation:
    space = cst.SimpleWhitespace(" ")
    return cst.BinaryOperation(count, cst.Subtract(whitespace_before=space, whitespace_after=space),
                               cst.Integer("1"), lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


@dataclass(frozen=True, slots=True)
class Normalization(Operator):
    name: ClassVar[str] = "normalization"
    summary: ClassVar[str] = "1./m -> 1. (no average), 2./m, 1./(m - 1); c./m -> 1./m"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(a, m):\n    dW = 1./m * a\n",
                ("def f(a, m):\n    dW = 1. * a\n", "def f(a, m):\n    dW = 2./m * a\n",
                 "def f(a, m):\n    dW = 1./(m - 1) * a\n")),
        Example("def f(a, m):\n    db = 4./m * a\n",
                ("def f(a, m):\n    db = 4. * a\n", "def f(a, m):\n    db = 2./m * a\n",
                 "def f(a, m):\n    db = 1./m * a\n", "def f(a, m):\n    db = 4./(m - 1) * a\n")),
        Example("def f(a, m):\n    dW = a / 2 + m / a + 1 / m.n\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for site in m.findall(function.body, AVERAGE):
            count, coefficient = site.right.value, float(site.left.value)
            yield Replacement(site, site.left, f"no-{safe(count)}", f"no 1/{count}")
            for value in (2, 1):
                if coefficient != value:
                    new = site.with_changes(left=_literal(value, site.left))
                    yield Replacement(site, new, f"{value}-{safe(count)}",
                                      f"{code(new)} instead of {code(site)}")
            yield Replacement(site, site.with_changes(right=_minus_one(site.right)),
                              f"{safe(count)}-1", f"divide by {count} - 1")
