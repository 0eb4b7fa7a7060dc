"""Add or remove a transpose on a matrix-product operand (`A2.T` -> `A2`, `dZ2` -> `dZ2.T`).

Shapes often catch these, but not when a matrix happens to be square (m = 3 examples and three
layer-2 units in the course's case), which is when the gradient check has to.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
import libcst.matchers as m

from mutators.base import Operator, assignments, code, safe
from mutators.records import Example, Replacement

TRANSPOSED = m.Attribute(attr=m.Name("T"))
PRODUCT_CALL = m.Call(func=m.Attribute(value=m.Name("np"), attr=m.Name("dot") | m.Name("matmul")))
MATMUL = m.BinaryOperation(operator=m.MatrixMultiply())


def _operands(value: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    for call in m.findall(value, PRODUCT_CALL):
        yield from (arg.value for arg in call.args)
    for product in m.findall(value, MATMUL):
        yield from (product.left, product.right)


@dataclass(frozen=True, slots=True)
class Transpose(Operator):
    name: ClassVar[str] = "transpose"
    summary: ClassVar[str] = "add or remove .T on an operand of a matrix product"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(d, a):\n    dW = np.dot(d, a.T)\n",
                ("def f(d, a):\n    dW = np.dot(d.T, a.T)\n",
                 "def f(d, a):\n    dW = np.dot(d, a)\n")),
        Example("def f(a, b):\n    c = a + b\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for target, assign in assignments(function):
            for operand in _operands(assign.value):
                if m.matches(operand, TRANSPOSED):
                    yield Replacement(operand, operand.value,
                                      f"{target}-{safe(code(operand.value), 12)}-noT",
                                      f"drop .T from {code(operand)} in {target}")
                elif m.matches(operand, m.Name()):
                    yield Replacement(operand, cst.Attribute(operand, cst.Name("T")),
                                      f"{target}-{operand.value}T",
                                      f"transpose {operand.value} in {target}")
