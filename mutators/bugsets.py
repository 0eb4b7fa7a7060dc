"""Higher-order mutants and bug sets: several first-order changes applied in one pass.

A bug set is text, one bug per line, `#` comments allowed: a first-order mutant id, or
`OPERATOR TARGET TAG` such as `scale dW2 x2` (or `scale dW2 2`) and `scale db1 coef4` (the
notebook's shipped bug is exactly that pair). Combining needs the parsed tree the parts came from, so the functions
taking source text parse it again and re-run the parts' operators to find the same sites.
"""
from __future__ import annotations

import difflib
import itertools
from typing import Sequence

from mutators.base import Operator
from mutators.catalog import CATALOG
from mutators.errors import MutationInputError
from mutators.generate import MutationSpace, Site
from mutators.records import Mutant
from mutators.scale import factor_tag


def combine(space: MutationSpace, ids: Sequence[str]) -> Mutant:
    """Return the mutant applying first-order mutants `ids` of `space` together."""
    return space.combine(ids)


def combinations(space: MutationSpace, first_order: Sequence[Mutant],
                 order: int = 2) -> list[Mutant]:
    """Return every combination of `order` of `first_order` at disjoint places.

    A combination whose text equals the original's, a first-order mutant's or an earlier
    combination's is dropped, as first-order duplicates are.
    """
    if order < 2:
        raise MutationInputError(f"order {order} is not higher order", fix="use 2 or more")
    sites = [space.site_of(mutant.id) for mutant in first_order]
    originals = space.original_texts()
    seen = {_changes(mutant, originals) for mutant in first_order} | {()}
    mutants = []
    for group in itertools.combinations(range(len(first_order)), order):
        if any(space.overlap(sites[a], sites[b]) for a, b in itertools.combinations(group, 2)):
            continue
        mutant = space.combine([first_order[i].id for i in group])
        if _changes(mutant, originals) not in seen:
            seen.add(_changes(mutant, originals))
            mutants.append(mutant)
    return mutants


def _changes(mutant: Mutant, originals: set[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Return what a mutant changes: (function, text) of each function it leaves different."""
    return tuple(sorted((f.name, f.source) for f in mutant.functions
                        if (f.name, f.source) not in originals))


def operators_of(first_order: Sequence[Mutant]) -> list[Operator]:
    """Return the default operators that made `first_order`, in catalog order."""
    names = {mutant.operator for mutant in first_order}
    unknown = sorted(name for name in names if name not in CATALOG)
    if unknown:
        raise MutationInputError(f"not first-order mutants of the default operators: {unknown}",
                                 fix="pass the operators that made them")
    return [operator for name, operator in CATALOG.items() if name in names]


def higher_order(source: str, functions: str | Sequence[str], first_order: Sequence[Mutant],
                 order: int = 2, operators: Sequence[Operator] | None = None,
                 filename: str = "<source>") -> list[Mutant]:
    """Return every combination of `order` first-order mutants of `source` at disjoint places.

    `operators` must be those that made `first_order` (default: the catalog's, by name).
    """
    space = MutationSpace(source, functions, filename)
    space.first_order(operators_of(first_order) if operators is None else operators)
    return combinations(space, first_order, order)


def _match(line: str, number: int, space: MutationSpace) -> str:
    """Return the id a bug-set line names: an id, or a unique `OPERATOR TARGET TAG`."""
    if line in space.sites:
        return line
    words = _plain_factor(line.split())
    found = [mutant_id for mutant_id, site in space.sites.items()
             if len(words) == 3 and _spelled(site) == tuple(words)]
    if len(found) > 1:
        raise MutationInputError(f"bug {line!r} is ambiguous: {', '.join(found)}",
                                 where=f"bug set line {number}", fix="write one of the ids")
    if found:
        return found[0]
    spellings = list(space.sites) + [" ".join(_spelled(site)) for site in space.sites.values()]
    close = difflib.get_close_matches(line, spellings, n=3)
    raise MutationInputError(f"no mutant matches {line!r}", where=f"bug set line {number}",
                             fix="write a mutant id or 'OPERATOR TARGET TAG'"
                                 + (f"; did you mean {', '.join(close)}?" if close else ""))


def _plain_factor(words: list[str]) -> list[str]:
    """Read `scale dW2 2` as `scale dW2 x2`: a bare number is the factor of the whole gradient."""
    if len(words) == 3 and words[0] == "scale":
        try:
            return words[:2] + [f"x{factor_tag(float(words[2]))}"]
        except ValueError:
            pass
    return words


def _spelled(site: Site) -> tuple[str, str, str]:
    return site.operator, site.target, site.replacement.tag


def read_bugset(space: MutationSpace, text: str) -> Mutant:
    """Return the mutant a bug set describes: one line, that mutant; several, their combination."""
    if not space.sites:
        space.first_order()
    ids = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            ids.append(_match(line, number, space))
    if not ids:
        raise MutationInputError("the bug set names no bug", fix="write one bug per line")
    return space.combine(ids)


def parse_bugset(text: str, source: str, functions: str | Sequence[str],
                 operators: Sequence[Operator] | None = None,
                 filename: str = "<source>") -> Mutant:
    """Return the mutant the bug set `text` describes in `source` (default operators)."""
    space = MutationSpace(source, functions, filename)
    space.first_order(operators)
    return read_bugset(space, text)
