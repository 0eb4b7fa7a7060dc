"""Get the activation's derivative wrong: the mask's comparison, or the wrong side of the unit.

`A2 > 0` -> `A2 >= 0` or `A2 < 0`, and `A2 > 0` -> `Z2 > 0` (the pre-activation instead of the
activation). For ReLU the last is equivalent, since A = max(0, Z) > 0 exactly when Z > 0.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
from mutators import match as m

from mutators.base import Operator, name_uses
from mutators.records import Example, Replacement

# Each comparison's two near misses: the boundary included or excluded, and the other side.
OTHER = {">": (">=", "<"), ">=": (">", "<="), "<": ("<=", ">"), "<=": ("<", ">=")}
OPERATORS = {">": cst.GreaterThan, ">=": cst.GreaterThanEqual, "<": cst.LessThan,
             "<=": cst.LessThanEqual}
TAGS = {">": "gt", ">=": "ge", "<": "lt", "<=": "le"}
SIDES = {"A": "Z", "Z": "A"}
MASK = m.Comparison(comparisons=[m.ComparisonTarget(
    operator=m.GreaterThan() | m.GreaterThanEqual() | m.LessThan() | m.LessThanEqual())])


def _symbol(operator: cst.BaseCompOp) -> str:
    return next(s for s, kind in OPERATORS.items() if isinstance(operator, kind))


def _with_operator(comparison: cst.Comparison, symbol: str) -> cst.Comparison:
    part = comparison.comparisons[0]
    operator = OPERATORS[symbol](whitespace_before=part.operator.whitespace_before,
                                 whitespace_after=part.operator.whitespace_after)
    return comparison.with_changes(comparisons=[part.with_changes(operator=operator)])


@dataclass(frozen=True, slots=True)
class ActivationDerivative(Operator):
    name: ClassVar[str] = "activation-derivative"
    summary: ClassVar[str] = "change a mask's comparison, or test Z instead of A (or A for Z)"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(d, A2, Z2):\n    dZ = d * (A2 > 0)\n",
                ("def f(d, A2, Z2):\n    dZ = d * (A2 >= 0)\n",
                 "def f(d, A2, Z2):\n    dZ = d * (A2 < 0)\n",
                 "def f(d, A2, Z2):\n    dZ = d * (Z2 > 0)\n")),
        Example("def f(d, Z1):\n    dZ = d * (Z1 <= 0)\n",
                ("def f(d, Z1):\n    dZ = d * (Z1 < 0)\n",
                 "def f(d, Z1):\n    dZ = d * (Z1 >= 0)\n")),
        Example("def f(d, a):\n    dZ = d * (a == 0) + (0 < a < 1)\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        bound = name_uses(function)[1]
        for comparison in m.findall(function.body, MASK):
            symbol = _symbol(comparison.comparisons[0].operator)
            for other in OTHER[symbol]:
                yield Replacement(comparison, _with_operator(comparison, other), TAGS[other],
                                  f"mask uses {other} instead of {symbol}")
            yield from _other_side(comparison.left, bound)


def _other_side(left: cst.BaseExpression, bound: set[str]) -> Iterator[Replacement]:
    """Test Z<k> where the code tests A<k> (and A<k> for Z<k>), if the function has it."""
    found = m.matches(left, m.Name()) and re.fullmatch(r"([AZ])(\d+)", left.value)
    if found:
        twin = SIDES[found.group(1)] + found.group(2)
        if twin in bound:
            yield Replacement(left, left.with_changes(value=twin), twin,
                              f"mask tests {twin} instead of {left.value}")
