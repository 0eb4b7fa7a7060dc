"""Use a variable from the neighbouring layer: `A1` for `A2`, `W3` for `W2`, `dZ1` for `dZ2`.

An off-by-one layer index is the copy-paste bug of hand-written backprop.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
import libcst.matchers as m

from mutators.base import Operator, assignments, defined_names
from mutators.records import Example, Replacement

LAYERED = re.compile(r"(d?[A-Za-z]+?)(\d+)")


def _loaded_names(value: cst.BaseExpression) -> Iterator[cst.Name]:
    """Names used as values: not attribute names (`.T`, `np.dot`) or keywords (`axis=`)."""
    skipped = {id(a.attr) for a in m.findall(value, m.Attribute())}
    skipped |= {id(a.keyword) for a in m.findall(value, m.Arg()) if a.keyword is not None}
    for name in m.findall(value, m.Name()):
        if id(name) not in skipped:
            yield name


@dataclass(frozen=True, slots=True)
class WrongVariable(Operator):
    name: ClassVar[str] = "wrong-variable"
    summary: ClassVar[str] = "replace a layer-indexed name by its twin one layer up or down"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(dZ2, A1, A2):\n    dW2 = np.dot(dZ2, A1.T)\n",
                ("def f(dZ2, A1, A2):\n    dW2 = np.dot(dZ2, A2.T)\n",)),
        Example("def f(a, b):\n    c = a + b\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        names = defined_names(function)
        for target, assign in assignments(function):
            for name in _loaded_names(assign.value):
                found = LAYERED.fullmatch(name.value)
                if not found:
                    continue
                stem, layer = found.group(1), int(found.group(2))
                for twin in (f"{stem}{layer - 1}", f"{stem}{layer + 1}"):
                    if twin in names:
                        yield Replacement(name, name.with_changes(value=twin),
                                          f"{target}-{name.value}-{twin}",
                                          f"{twin} instead of {name.value} in {target}")
