"""LibCST operators that write the bugs people write in backward passes.

Source text and function names in, Mutant records out; nothing here knows numpy or checking,
and nothing is written to disk. CATALOG's order is the default order.
"""
from __future__ import annotations

import difflib
from typing import Sequence

from mutators.activation_derivative import ActivationDerivative
from mutators.base import Operator
from mutators.bugsets import combine, higher_order, parse_bugset
from mutators.diff import unified_diff
from mutators.drop_term import DropTerm
from mutators.errors import MutationInputError
from mutators.generate import MutationSpace, generate_mutants
from mutators.normalization import Normalization
from mutators.records import ChangedFunction, Example, Mutant, Replacement
from mutators.reduction import Reduction
from mutators.scale import Scale
from mutators.sign import Sign
from mutators.swap_operands import SwapOperands
from mutators.transpose import Transpose
from mutators.wrong_variable import WrongVariable

CATALOG: dict[str, Operator] = {
    operator.name: operator
    for operator in (Scale(), DropTerm(), Transpose(), SwapOperands(), Sign(),
                     ActivationDerivative(), Reduction(), WrongVariable(), Normalization())
}


def select_operators(names: str | Sequence[str] | None) -> list[Operator]:
    """Return the named operators in catalog order; None or 'all' means every one."""
    if names is None or names == "all":
        return list(CATALOG.values())
    wanted = [n.strip() for n in (names.split(",") if isinstance(names, str) else names)]
    for name in wanted:
        if name not in CATALOG:
            close = difflib.get_close_matches(name, list(CATALOG), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise MutationInputError(f"unknown operator {name!r}", where="--operators",
                                     fix=f"{hint}known operators: {', '.join(CATALOG)}")
    return [operator for name, operator in CATALOG.items() if name in wanted]


__all__ = ["CATALOG", "ChangedFunction", "Example", "Mutant", "MutationInputError",
           "MutationSpace", "Operator", "Replacement", "combine", "generate_mutants",
           "higher_order", "parse_bugset", "select_operators", "unified_diff"]
