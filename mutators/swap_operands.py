"""Swap the operands of a matrix product or a difference: `np.dot(W3.T, dZ3)` -> `np.dot(dZ3, W3.T)`.

Order matters for both; a swapped product usually breaks shapes (a crash, not a check), a
swapped difference flips a sign the check must see.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
import libcst.matchers as m

from mutators.base import Operator, assignments, code, parenthesized, safe
from mutators.records import Example, Replacement

PRODUCT_CALL = m.Call(func=m.Attribute(value=m.Name("np"), attr=m.Name("dot") | m.Name("matmul")),
                      args=[m.Arg(keyword=None), m.Arg(keyword=None)])
SWAPPABLE = m.BinaryOperation(operator=m.MatrixMultiply() | m.Subtract())


def _swap_binary(node: cst.BinaryOperation) -> cst.BinaryOperation:
    """Swap left and right, parenthesizing a right side that would otherwise re-associate."""
    left, right = node.right, node.left
    if isinstance(right, cst.BinaryOperation) and not right.lpar:
        right = parenthesized(right)
    return node.with_changes(left=left, right=right)


@dataclass(frozen=True, slots=True)
class SwapOperands(Operator):
    name: ClassVar[str] = "swap-operands"
    summary: ClassVar[str] = "swap the operands of np.dot/np.matmul/@ or of a subtraction"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(w, d):\n    dA = np.dot(w.T, d)\n", ("def f(w, d):\n    dA = np.dot(d, w.T)\n",)),
        Example("def f(a, y):\n    dZ = a - y\n", ("def f(a, y):\n    dZ = y - a\n",)),
        Example("def f(a, y):\n    dZ = a + y\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for target, assign in assignments(function):
            for call in m.findall(assign.value, PRODUCT_CALL):
                first, second = call.args
                swapped = call.with_changes(args=[first.with_changes(value=second.value),
                                                  second.with_changes(value=first.value)])
                yield Replacement(call, swapped, f"{target}-{safe(code(call.func), 10)}",
                                  f"swap the operands of {code(call.func)} in {target}")
            for node in m.findall(assign.value, SWAPPABLE):
                symbol = "matmul" if isinstance(node.operator, cst.MatrixMultiply) else "minus"
                yield Replacement(node, _swap_binary(node), f"{target}-{symbol}",
                                  f"swap {code(node.left)} and {code(node.right)} in {target}")
