"""Plain records passed out of the mutators package: what an operator proposes, what a mutant is.

Positions are 1-based lines and 1-based columns (as editors and Stryker use); generate.py
converts LibCST's 0-based columns once.
"""
from __future__ import annotations

from dataclasses import dataclass

import libcst as cst


@dataclass(frozen=True, slots=True)
class Replacement:
    """One change an operator proposes: swap `node` (identity matters) for `new_node`."""

    node: cst.CSTNode
    new_node: cst.CSTNode
    tag: str  # id-safe, short: "x2", "coef4", "A1", "axis0"
    description: str  # one line: "scale dW2 by 2"


@dataclass(frozen=True, slots=True)
class ChangedFunction:
    """A mutated function's full text and the 1-based line it starts on in the module."""

    name: str
    first_line: int
    source: str


@dataclass(frozen=True, slots=True)
class Mutant:
    """One mutant: where, what, and the mutated text (it lives in memory, never on disk)."""

    id: str  # "scale-41-dW2-x2": operator-line-tag, characters [A-Za-z0-9._-] only
    operator: str  # catalog name; "scale+normalization" for a higher-order mutant
    function: str  # the function mutated (first one for higher order)
    line: int
    column: int
    end_line: int
    end_column: int
    original: str  # the original snippet
    mutated: str  # the replacement snippet
    description: str
    functions: tuple[ChangedFunction, ...]  # the mutated functions, to exec over the original
    source: str  # the whole mutated module text
    parts: tuple[str, ...] = ()  # ids of the first-order mutants a higher-order one combines

    @property
    def order(self) -> int:
        return max(1, len(self.parts))


@dataclass(frozen=True, slots=True)
class Example:
    """A before/after pair an operator documents and is tested by; empty `after` = no mutant."""

    before: str
    after: tuple[str, ...]
    function: str = "f"
