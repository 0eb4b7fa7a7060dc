"""Flip a sign: negate a gradient, or reverse a difference (`A3 - Y` -> `Y - A3`).

Sign slips are common when deriving by hand: the cross-entropy's dZ3 = A3 - Y is often written
the other way round.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
import libcst.matchers as m

from mutators.base import Operator, computed_assignments, parenthesized
from mutators.records import Example, Replacement
from mutators.swap_operands import _swap_binary


@dataclass(frozen=True, slots=True)
class Sign(Operator):
    name: ClassVar[str] = "sign"
    summary: ClassVar[str] = "negate a gradient or reverse a difference"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(a, y):\n    dZ = a - y\n",
                ("def f(a, y):\n    dZ = -(a - y)\n", "def f(a, y):\n    dZ = y - a\n")),
        Example("def f(w, d):\n    dA = np.dot(w, d)\n", ("def f(w, d):\n    dA = -np.dot(w, d)\n",)),
        Example("def f(x):\n    m = x.shape[1]\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for target, assign in computed_assignments(function):
            value = assign.value
            operand = parenthesized(value) if isinstance(
                value, (cst.BinaryOperation, cst.UnaryOperation)) else value
            yield Replacement(value, cst.UnaryOperation(cst.Minus(), operand), f"{target}-neg",
                              f"negate {target}")
            for node in m.findall(value, m.BinaryOperation(operator=m.Subtract())):
                yield Replacement(node, _swap_binary(node), f"{target}-flip",
                                  f"reverse the difference in {target}")
