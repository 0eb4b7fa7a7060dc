"""Drop part of a gradient expression: a factor (`1./m`, the ReLU mask) or a term of a sum.

Forgetting the 1/m, the activation mask or the `- Y` are the classic omissions.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
import libcst.matchers as m

from mutators.base import Operator, code, computed_assignments, safe
from mutators.records import Example, Replacement

DROPPABLE = m.BinaryOperation(operator=m.Multiply() | m.Add() | m.Subtract())
MULTIPLY_CALL = m.Call(func=m.Attribute(value=m.Name("np"), attr=m.Name("multiply")),
                       args=[m.Arg(), m.Arg()])


def _kept(node: cst.BaseExpression, like: cst.BaseExpression) -> cst.BaseExpression:
    """The surviving operand keeps the parentheses of the expression it replaces."""
    return node.with_changes(lpar=like.lpar, rpar=like.rpar) if like.lpar else node


@dataclass(frozen=True, slots=True)
class DropTerm(Operator):
    name: ClassVar[str] = "drop-term"
    summary: ClassVar[str] = "drop a factor of a product or a term of a sum or difference"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(a, m):\n    dW = 1./m * a\n",
                ("def f(a, m):\n    dW = a\n", "def f(a, m):\n    dW = 1./m\n")),
        Example("def f(a, y):\n    dZ = a - y\n", ("def f(a, y):\n    dZ = a\n",)),
        Example("def f(d, a):\n    dZ = np.multiply(d, a > 0)\n",
                ("def f(d, a):\n    dZ = d\n", "def f(d, a):\n    dZ = a > 0\n")),
        Example("def f(a):\n    dZ = a\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for target, assign in computed_assignments(function):
            for site in m.findall(assign.value, DROPPABLE):
                keep = (site.left,) if isinstance(site.operator, cst.Subtract) \
                    else (site.right, site.left)
                for operand in keep:
                    dropped = site.left if operand is site.right else site.right
                    yield Replacement(site, _kept(operand, site),
                                      f"{target}-no-{safe(code(dropped), 16)}",
                                      f"drop {code(dropped)} from {target}")
            for call in m.findall(assign.value, MULTIPLY_CALL):
                first, second = (arg.value for arg in call.args)
                for operand, dropped in ((first, second), (second, first)):
                    yield Replacement(call, operand, f"{target}-no-{safe(code(dropped), 16)}",
                                      f"drop {code(dropped)} from {target}")
