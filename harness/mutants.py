"""The harness's door to the mutators: a target's source in, mutants out, errors made usage errors.

The mutators raise their own MutationInputError (they never import the harness); it becomes a
UsageError here, in one place, so the CLI prints it as one line with exit status 2.
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Sequence

from harness.errors import UsageError
from harness.loading import read_source


@contextmanager
def usage_errors():
    """Turn a MutationInputError raised inside the block into a UsageError."""
    from mutators import MutationInputError

    try:
        yield
    except MutationInputError as error:
        raise UsageError(error.what, where=error.where, fix=error.fix) from None


def mutation_space(target, function: str | Sequence[str] | None = None,
                   source: str | None = None):
    """Parse the target's source once; UsageError for a syntax error or a missing function."""
    from mutators import MutationSpace

    text = read_source(target.source_path) if source is None else source
    with usage_errors():
        return MutationSpace(text, function or target.function, str(target.source_path))


def choose_operators(operators=None, factors: Sequence[float] | None = None):
    """Return the operators to run: None (all), names (a list or 'a,b'), or Operator instances
    such as `Scale(factors=(1.001,))`; `factors` replaces the scale operator's default factors
    (2, 4, 0.5, -1)."""
    from mutators import select_operators
    from mutators.scale import Scale

    with usage_errors():
        chosen = operators
        if operators is None or isinstance(operators, str) or all(
                isinstance(name, str) for name in operators):
            chosen = select_operators(operators)
    if factors is None:
        return list(chosen)
    factors = tuple(dict.fromkeys(float(k) for k in factors))
    if not factors or any(not math.isfinite(k) or k == 1.0 for k in factors):
        raise UsageError(f"scale factors must be finite numbers other than 1, got "
                         f"{', '.join(map(repr, factors)) or 'none'}", where="--factors",
                         fix="pass e.g. --factors 2,0.5 or --factors 1.001")
    if not any(isinstance(op, Scale) for op in chosen):
        raise UsageError("--factors sets the scale operator's factors, but scale is not chosen",
                         where="--factors", fix="add scale to --operators")
    return [Scale(factors=factors) if isinstance(op, Scale) else op for op in chosen]


def mutants_for(target, function=None, operators=None, order: int = 1, source=None,
                factors: Sequence[float] | None = None):
    """Return (source, mutants): every first-order mutant, plus the pairs when `order` is 2.

    `operators` and `factors` are as for `choose_operators`.
    """
    from mutators import combinations

    chosen = choose_operators(operators, factors)
    with usage_errors():
        space = mutation_space(target, function, source)
        mutants = space.first_order(chosen)
        if order >= 2:
            mutants = mutants + combinations(space, mutants, order=2)
    return space.source, mutants


def bugset_mutant(target, text: str, function=None, source=None):
    """Return the mutant a bug-set text describes (see mutators.bugsets)."""
    from mutators import read_bugset

    with usage_errors():
        return read_bugset(mutation_space(target, function, source), text)
