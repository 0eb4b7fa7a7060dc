"""Add or remove a transpose on a matrix-product operand (`A2.T` -> `A2`, `dZ2` -> `dZ2.T`).

Shapes often catch these, but not when a matrix happens to be square (m = 3 examples and three
layer-2 units in the course's case), which is when the gradient check has to.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
from mutators import match as m

from mutators.base import PRODUCT_CALL, Operator, code, tag_of
from mutators.records import Example, Replacement

TRANSPOSED = m.Attribute(attr=m.Name("T"))
MATMUL = m.BinaryOperation(operator=m.MatrixMultiply())


def _operands(function: cst.FunctionDef) -> Iterator[cst.BaseExpression]:
    """Yield the operands of every np.dot/np.matmul call and `@`, in source order."""
    for product in m.findall(function.body, PRODUCT_CALL | MATMUL):
        if isinstance(product, cst.Call):
            yield from (arg.value for arg in product.args)
        else:
            yield from (product.left, product.right)


@dataclass(frozen=True, slots=True)
class Transpose(Operator):
    name: ClassVar[str] = "transpose"
    summary: ClassVar[str] = "add or remove .T on an operand of a matrix product"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(d, a):\n    dW = np.dot(d, a.T)\n",
                ("def f(d, a):\n    dW = np.dot(d.T, a.T)\n",
                 "def f(d, a):\n    dW = np.dot(d, a)\n")),
        Example("def f(w, d):\n    return w.T @ d\n",
                ("def f(w, d):\n    return w @ d\n", "def f(w, d):\n    return w.T @ d.T\n")),
        Example("def f(a, b):\n    c = a.T + b\n    d = np.dot(a[0], b())\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for operand in _operands(function):
            if m.matches(operand, TRANSPOSED):
                yield Replacement(operand, operand.value, f"{tag_of(operand.value, 12)}-noT",
                                  f"drop .T from {code(operand)}")
            elif m.matches(operand, m.Name()):
                yield Replacement(operand, cst.Attribute(operand, cst.Name("T")),
                                  f"{operand.value}T", f"transpose {operand.value}")
