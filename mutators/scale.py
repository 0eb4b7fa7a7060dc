"""Scale a gradient by a constant factor: the course's planted `dW2 * 2` and `db1 = 4./m * ...`.

Two spellings of the same bug: the whole right-hand side times k, and a numeric coefficient
such as the `1.` of `1./m` changed to k times itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
from mutators import match as m

from mutators.base import (Operator, code, factor_text, gradient_assignments, number,
                           wrap_if_loose)
from mutators.ids import safe
from mutators.records import Example, Replacement

COEFFICIENT = m.BinaryOperation(left=m.Integer() | m.Float(), operator=m.Divide() | m.Multiply())


def factor_tag(value: float) -> str:
    """Return a factor as an id tag part: 2 -> '2', 0.5 -> '0.5', -1 -> 'm1'."""
    return safe(factor_text(value).replace("-", "m"))


def times(literal: cst.BaseNumber, factor: float) -> cst.BaseExpression:
    """Return literal * factor in the literal's own style: `1.` times 4 is `4.`, `1.0` is `4.0`."""
    value = float(literal.value) * factor
    if isinstance(literal, cst.Float) and value.is_integer() and value >= 0:
        whole = str(int(value))
        return cst.Float(f"{whole}." if literal.value.endswith(".") else f"{whole}.0")
    return number(value)


@dataclass(frozen=True, slots=True)
class Scale(Operator):
    factors: tuple[float, ...] = (2, 4, 0.5, -1)

    name: ClassVar[str] = "scale"
    summary: ClassVar[str] = "multiply a gradient by k, or a numeric coefficient (1./m -> 4./m)"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(a, m):\n    dW = 1./m * a\n",
                tuple(f"def f(a, m):\n    dW = {after}\n" for after in (
                    "1./m * a * 2", "1./m * a * 4", "1./m * a * 0.5", "1./m * a * -1",
                    "2./m * a", "4./m * a", "0.5/m * a"))),
        Example("def f(a, y):\n    dZ = a - y\n",
                tuple(f"def f(a, y):\n    dZ = (a - y) * {k}\n" for k in ("2", "4", "0.5", "-1"))),
        Example("def f(x):\n    m = x.shape[1]\n    (a, b) = x\n    g = {'a': a}\n    return a\n",
                ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for assign in gradient_assignments(function):
            value = assign.value
            for k in self.factors:
                scaled = cst.BinaryOperation(wrap_if_loose(value), cst.Multiply(), number(k))
                yield Replacement(value, scaled, f"x{factor_tag(k)}", f"scale by {k}")
            for site in m.findall(value, COEFFICIENT):
                for k in (k for k in self.factors if k > 0):
                    new = site.with_changes(left=times(site.left, k))
                    yield Replacement(site, new, f"coef{factor_tag(k)}",
                                      f"coefficient {site.left.value} -> {code(new.left)}")
