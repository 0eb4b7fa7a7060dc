"""The harness's door to the mutators: a target's source in, mutants out, errors made usage errors.

The mutators raise their own MutationInputError (they never import the harness); it becomes a
UsageError here, in one place, so the CLI prints it as one line with exit status 2.
"""
from __future__ import annotations

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


def mutants_for(target, function=None, operators=None, order: int = 1, source=None):
    """Return (source, mutants): every first-order mutant, plus the pairs when `order` is 2.

    `operators` is None (all), names (a list or 'a,b'), or Operator instances such as
    `Scale(factors=(1.001,))`.
    """
    from mutators import combinations, select_operators

    with usage_errors():
        chosen = operators
        if operators is None or isinstance(operators, str) or all(
                isinstance(name, str) for name in operators):
            chosen = select_operators(operators)
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
