"""The harness's door to the mutators: a target's source in, mutants out, errors made usage errors."""
from __future__ import annotations

from typing import Sequence

from harness.errors import UsageError
from harness.loading import read_source


def _usage(error) -> UsageError:
    return UsageError(error.what, where=error.where, fix=error.fix)


def mutation_space(target, function: str | Sequence[str] | None = None,
                   source: str | None = None):
    """Parse the target's source once; UsageError for a syntax error or a missing function."""
    from mutators import MutationInputError, MutationSpace

    text = read_source(target.source_path) if source is None else source
    try:
        return MutationSpace(text, function or target.function, str(target.source_path))
    except MutationInputError as error:
        raise _usage(error) from None


def mutants_for(target, function=None, operators=None, order: int = 1, source=None):
    """Return (source, mutants): every first-order mutant, plus the combinations up to `order`."""
    from mutators import MutationInputError, higher_order, select_operators

    try:
        chosen = select_operators(operators)
        space = mutation_space(target, function, source)
        mutants = space.first_order(chosen)
        if order >= 2:
            mutants = mutants + higher_order(space, mutants, order=2)
    except MutationInputError as error:
        raise _usage(error) from None
    return space.source, mutants


def bugset_mutant(target, text: str, function=None, source=None):
    """Return the mutant a bug-set text describes (see mutators.bugsets)."""
    from mutators import MutationInputError, parse_bugset, select_operators

    try:
        space = mutation_space(target, function, source)
        return parse_bugset(text, space, space.first_order(select_operators(None)))
    except MutationInputError as error:
        raise _usage(error) from None
