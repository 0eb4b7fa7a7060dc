"""Flip a sign: negate a gradient, or reverse a difference (`A3 - Y` -> `Y - A3`).

Sign slips are common when deriving by hand: the cross-entropy's dZ3 = A3 - Y is often written
the other way round. Reversing a difference spells the same text as swap-operands' swap, which
comes first in the catalog and so keeps the mutant.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
from mutators import match as m

from mutators.base import Operator, gradient_assignments, parenthesized
from mutators.records import Example, Replacement
from mutators.swap_operands import swap_binary


def negated(value: cst.BaseExpression) -> cst.UnaryOperation:
    """Return -(value), with parentheses only where `-` would bind to a part of it."""
    needs = isinstance(value, (cst.BinaryOperation, cst.UnaryOperation))
    return cst.UnaryOperation(cst.Minus(), parenthesized(value) if needs else value)


@dataclass(frozen=True, slots=True)
class Sign(Operator):
    name: ClassVar[str] = "sign"
    summary: ClassVar[str] = "negate a gradient or reverse a difference"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(a, y):\n    dZ = a - y\n",
                ("def f(a, y):\n    dZ = -(a - y)\n", "def f(a, y):\n    dZ = y - a\n")),
        Example("def f(w, d):\n    dA = np.dot(w, d)\n",
                ("def f(w, d):\n    dA = -np.dot(w, d)\n",)),
        Example("def f(x):\n    m = x.shape[1]\n    return x - m\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for assign in gradient_assignments(function):
            value = assign.value
            yield Replacement(value, negated(value), "neg", "negate")
            for node in m.findall(value, m.BinaryOperation(operator=m.Subtract())):
                yield Replacement(node, swap_binary(node), "flip", "reverse the difference")
