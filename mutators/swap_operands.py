"""Swap the operands of a product or a difference: `np.dot(W3.T, dZ3)` -> `np.dot(dZ3, W3.T)`.

Order matters for both; a swapped product usually breaks shapes (a crash, not a check), a
swapped difference flips a sign the check must see.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
from mutators import match as m

from mutators.base import PRODUCT_CALL, Operator, code, parenthesized, tag_of
from mutators.records import Example, Replacement

SWAPPABLE = m.BinaryOperation(operator=m.MatrixMultiply() | m.Subtract())


def swap_binary(node: cst.BinaryOperation) -> cst.BinaryOperation:
    """Swap left and right, parenthesizing a new right side that would re-associate."""
    left, right = node.right, node.left
    if isinstance(right, cst.BinaryOperation):
        right = parenthesized(right)  # (a - b) - c  ->  c - (a - b)
    return node.with_changes(left=left, right=right)


def swap_arguments(call: cst.Call) -> cst.Call:
    """Swap the two positional arguments, each keeping its own comma and spacing."""
    first, second = call.args
    return call.with_changes(args=[first.with_changes(value=second.value),
                                   second.with_changes(value=first.value)])


@dataclass(frozen=True, slots=True)
class SwapOperands(Operator):
    name: ClassVar[str] = "swap-operands"
    summary: ClassVar[str] = "swap the operands of np.dot/np.matmul/@ or of a subtraction"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(w, d):\n    dA = np.dot(w.T, d)\n",
                ("def f(w, d):\n    dA = np.dot(d, w.T)\n",)),
        Example("def f(a, y):\n    dZ = a - y\n", ("def f(a, y):\n    dZ = y - a\n",)),
        Example("def f(a, b, c):\n    return a @ b - c\n",
                ("def f(a, b, c):\n    return c - (a @ b)\n",
                 "def f(a, b, c):\n    return b @ a - c\n")),
        Example("def f(a, y):\n    dZ = a + y\n    e = np.dot(a, b=y)\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for node in m.findall(function.body, PRODUCT_CALL | SWAPPABLE):
            if isinstance(node, cst.Call):
                yield Replacement(node, swap_arguments(node), tag_of(node.func, 10),
                                  f"swap the operands of {code(node.func)}")
            else:
                symbol = "matmul" if isinstance(node.operator, cst.MatrixMultiply) else "minus"
                yield Replacement(node, swap_binary(node), symbol,
                                  f"swap {code(node.left)} and {code(node.right)}")
