"""Drop part of a gradient expression: a factor (`1./m`, the ReLU mask), a divisor (`/ m`,
`/ keep_prob`) or a term of a sum.

Forgetting the 1/m, the activation mask, dropout's `/ keep_prob` or the `- Y` are the classic
omissions. A difference loses only its subtracted term: dropping the left one would also flip
the sign. A coefficient such as `1./m` is normalization's to change, not a divisor to drop here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
from mutators import match as m

from mutators.base import Operator, code, tag_of
from mutators.records import Example, Replacement

PRODUCT_OR_SUM = m.BinaryOperation(operator=m.Multiply() | m.Add())
DIFFERENCE = m.BinaryOperation(operator=m.Subtract())
DIVISION = m.BinaryOperation(operator=m.Divide())
MULTIPLY_CALL = m.Call(func=m.Attribute(value=m.Name("np"), attr=m.Name("multiply")),
                       args=[m.Arg(keyword=None), m.Arg(keyword=None)])


def _kept(operand: cst.BaseExpression, site: cst.BaseExpression) -> cst.BaseExpression:
    """The surviving operand takes over the parentheses of the expression it replaces."""
    return operand.with_changes(lpar=site.lpar, rpar=site.rpar) if site.lpar else operand


def _drop(site, operand, dropped) -> Replacement:
    return Replacement(site, _kept(operand, site), f"no-{tag_of(dropped)}",
                       f"drop {code(dropped)}")


@dataclass(frozen=True, slots=True)
class DropTerm(Operator):
    name: ClassVar[str] = "drop-term"
    summary: ClassVar[str] = "drop a factor of a product, a divisor, or a term of a sum or " \
                             "difference"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(a, m):\n    dW = 1./m * a\n",
                ("def f(a, m):\n    dW = a\n", "def f(a, m):\n    dW = 1./m\n")),
        Example("def f(a, y):\n    dZ = a - y\n", ("def f(a, y):\n    dZ = a\n",)),
        Example("def f(a, y):\n    d = (a - y) * 2\n",
                ("def f(a, y):\n    d = 2\n", "def f(a, y):\n    d = (a - y)\n",
                 "def f(a, y):\n    d = (a) * 2\n")),
        Example("def f(d, a):\n    dZ = np.multiply(d, a > 0)\n",
                ("def f(d, a):\n    dZ = d\n", "def f(d, a):\n    dZ = a > 0\n")),
        Example("def f(a, m, keep_prob):\n    dW = np.dot(a, a.T) / m\n    dA = a / keep_prob\n",
                ("def f(a, m, keep_prob):\n    dW = np.dot(a, a.T)\n    dA = a / keep_prob\n",
                 "def f(a, m, keep_prob):\n    dW = np.dot(a, a.T) / m\n    dA = a\n")),
        Example("def f(a, m):\n    dW = 1./m\n    return np.dot(a, m)\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for site in m.findall(function.body,
                              PRODUCT_OR_SUM | DIFFERENCE | DIVISION | MULTIPLY_CALL):
            if isinstance(site, cst.Call):
                first, second = (arg.value for arg in site.args)
                yield _drop(site, first, second)  # the mask
                yield _drop(site, second, first)
            elif isinstance(site.operator, cst.Divide):
                if not isinstance(site.left, (cst.Integer, cst.Float)):  # `1./m`: a coefficient
                    yield _drop(site, site.left, site.right)
            elif isinstance(site.operator, cst.Subtract):
                yield _drop(site, site.left, site.right)
            else:
                yield _drop(site, site.right, site.left)
                yield _drop(site, site.left, site.right)
