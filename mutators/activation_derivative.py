"""Get the activation's derivative wrong: the mask's comparison, or the wrong side of the unit.

`A2 > 0` -> `A2 >= 0` or `A2 < 0`, and `A2 > 0` -> `Z2 > 0` (the pre-activation instead of the
activation). For ReLU the last is equivalent, since A = max(0, Z) > 0 exactly when Z > 0.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
import libcst.matchers as m

from mutators.base import Operator, assignments, defined_names
from mutators.records import Example, Replacement

OTHER = {">": (">=", "<"), ">=": (">", "<="), "<": ("<=", ">"), "<=": ("<", ">=")}
OPERATORS = {">": cst.GreaterThan, ">=": cst.GreaterThanEqual, "<": cst.LessThan,
             "<=": cst.LessThanEqual}
SIDES = {"A": "Z", "Z": "A"}


def _symbol(operator: cst.BaseCompOp) -> str | None:
    return next((s for s, kind in OPERATORS.items() if isinstance(operator, kind)), None)


@dataclass(frozen=True, slots=True)
class ActivationDerivative(Operator):
    name: ClassVar[str] = "activation-derivative"
    summary: ClassVar[str] = "change a mask's comparison, or test Z instead of A (or A for Z)"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(d, A2, Z2):\n    dZ = d * (A2 > 0)\n",
                ("def f(d, A2, Z2):\n    dZ = d * (A2 >= 0)\n",
                 "def f(d, A2, Z2):\n    dZ = d * (A2 < 0)\n",
                 "def f(d, A2, Z2):\n    dZ = d * (Z2 > 0)\n")),
        Example("def f(d):\n    dZ = d\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        names = defined_names(function)
        for target, assign in assignments(function):
            for comparison in m.findall(assign.value, m.Comparison(comparisons=[m.ComparisonTarget()])):
                part = comparison.comparisons[0]
                symbol = _symbol(part.operator)
                if symbol is None:
                    continue
                for other in OTHER[symbol]:
                    new_part = part.with_changes(operator=OPERATORS[other](
                        whitespace_before=part.operator.whitespace_before,
                        whitespace_after=part.operator.whitespace_after))
                    yield Replacement(comparison, comparison.with_changes(comparisons=[new_part]),
                                      f"{target}-{_tag(other)}", f"mask uses {other} in {target}")
                yield from self._other_side(target, comparison, names)

    def _other_side(self, target, comparison, names) -> Iterator[Replacement]:
        left = comparison.left
        found = m.matches(left, m.Name()) and re.fullmatch(r"([AZ])(\d+)", left.value)
        if found:
            twin = SIDES[found.group(1)] + found.group(2)
            if twin in names:
                yield Replacement(left, left.with_changes(value=twin), f"{target}-{twin}",
                                  f"mask tests {twin} instead of {left.value} in {target}")


def _tag(symbol: str) -> str:
    return {">": "gt", ">=": "ge", "<": "lt", "<=": "le"}[symbol]
