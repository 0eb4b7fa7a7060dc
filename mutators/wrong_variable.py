"""Use a variable from the neighbouring layer: `A1` for `A2`, `W3` for `W2`, `dZ1` for `dZ2`.

An off-by-one layer index is the copy-paste bug of hand-written backprop. The input `X` is
layer 0's activation, so `A1` and `X` are twins too. A twin must already exist where it is
read (a parameter, or bound by an earlier statement or inside the same loop): reading `dZ1`
before the line that computes it only raises UnboundLocalError, which no check needs to see.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst

from mutators.base import Operator, statement_names
from mutators.records import Example, Replacement

LAYERED = re.compile(r"(d?[A-Za-z]+)(\d+)")


def twins(name: str) -> list[str]:
    """Return the names one layer down and up: A2 -> A1, A3; A1 -> A0, X, A2; X -> A1."""
    found = LAYERED.fullmatch("A0" if name == "X" else name)
    if not found:
        return []
    stem, layer = found.group(1), int(found.group(2))
    names = []
    for near in (layer - 1, layer + 1):
        if near >= 0:
            names.append(f"{stem}{near}")
            if stem == "A" and near == 0:
                names.append("X")  # the input is the activation of layer 0
    return names


@dataclass(frozen=True, slots=True)
class WrongVariable(Operator):
    name: ClassVar[str] = "wrong-variable"
    summary: ClassVar[str] = "replace a layer-indexed name by its twin one layer up or down"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(dZ2, A1, A2):\n    dW2 = np.dot(dZ2, A1.T)\n",
                ("def f(dZ2, A1, A2):\n    dW2 = np.dot(dZ2, A2.T)\n",)),
        Example("def f(X, dZ1, A1):\n    dW1 = np.dot(dZ1, X.T)\n",
                ("def f(X, dZ1, A1):\n    dW1 = np.dot(dZ1, A1.T)\n",)),
        Example("def f(W1, x, axis1):\n    W3 = x.W2 + np.sum(x, axis2=W1)\n", ()),
        Example("def f(dA2):\n    dZ2 = dA2 * 2\n    dA1 = dZ2\n    dZ1 = dA1\n",
                ("def f(dA2):\n    dZ2 = dA2 * 2\n    dA1 = dZ2\n    dZ1 = dA2\n",)),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        read, bound, parameters = statement_names(function)
        existing = set(parameters)
        for statement, names, binds in zip(function.body.body, read, bound):
            compound = isinstance(statement, cst.BaseCompoundStatement)  # a loop body repeats
            available = existing | binds if compound else existing
            for name in names:
                for twin in twins(name.value):
                    if twin in available:
                        yield Replacement(name, name.with_changes(value=twin),
                                          f"{name.value}-{twin}",
                                          f"{twin} instead of {name.value}")
            existing |= binds
