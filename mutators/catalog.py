"""The operator registry: a plain dict in a fixed order, which is also the default order.

It lives apart from `__init__` so that generate.py and bugsets.py can default to it without a
circular import.
"""
from __future__ import annotations

import difflib
from typing import Sequence

from mutators.activation_derivative import ActivationDerivative
from mutators.base import Operator
from mutators.drop_term import DropTerm
from mutators.errors import MutationInputError
from mutators.normalization import Normalization
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
    """Return the named default operators in catalog order; None or 'all' means every one.

    `names` is a list or a comma-separated string; an unknown name raises MutationInputError.
    """
    if names is None or names == "all":
        return list(CATALOG.values())
    wanted = [n.strip() for n in (names.split(",") if isinstance(names, str) else names)]
    wanted = [n for n in wanted if n]
    if not wanted:
        raise MutationInputError("no operator named", where="--operators",
                                 fix=f"known operators: {', '.join(CATALOG)}")
    for name in wanted:
        if name not in CATALOG:
            close = difflib.get_close_matches(name, list(CATALOG), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise MutationInputError(f"unknown operator {name!r}", where="--operators",
                                     fix=f"{hint}known operators: {', '.join(CATALOG)}")
    return [operator for name, operator in CATALOG.items() if name in wanted]
