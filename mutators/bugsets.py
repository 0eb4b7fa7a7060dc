"""Higher-order mutants and bug sets: several first-order changes applied in one pass.

A bug set is text, one bug per line: a first-order mutant id, or `OPERATOR TARGET TAG` such as
`scale dW2 x2` and `scale db1 coef4` (the notebook's shipped bug is exactly that pair).
"""
from __future__ import annotations

import difflib
import itertools
from typing import Sequence

from mutators.errors import MutationInputError
from mutators.generate import MutationSpace, Site
from mutators.records import Mutant

SEPARATOR = "__"


def _overlaps(a: Site, b: Site) -> bool:
    """True if the two sites' source ranges intersect (one pass cannot apply both)."""
    if a.function != b.function:
        return False
    a_start, a_end = (a.where.start.line, a.where.start.column), (a.where.end.line, a.where.end.column)
    b_start, b_end = (b.where.start.line, b.where.start.column), (b.where.end.line, b.where.end.column)
    return a_start < b_end and b_start < a_end


def combine(space: MutationSpace, ids: Sequence[str]) -> Mutant:
    """Return the higher-order mutant applying first-order mutants `ids` together."""
    sites = [space.sites[i] for i in ids]
    for a, b in itertools.combinations(zip(ids, sites), 2):
        if _overlaps(a[1], b[1]):
            raise MutationInputError(f"mutants {a[0]} and {b[0]} change overlapping code",
                                     fix="combine mutants at different places")
    order = sorted(zip(ids, sites), key=lambda pair: (pair[1].where.start.line,
                                                      pair[1].where.start.column, pair[0]))
    return space.build([site for _, site in order], SEPARATOR.join(i for i, _ in order))


def higher_order(space: MutationSpace, first_order: Sequence[Mutant], order: int = 2) -> list[Mutant]:
    """Return every combination of `order` first-order mutants at disjoint places."""
    mutants = []
    for group in itertools.combinations([m.id for m in first_order], order):
        sites = [space.sites[i] for i in group]
        if any(_overlaps(a, b) for a, b in itertools.combinations(sites, 2)):
            continue
        mutants.append(combine(space, group))
    return mutants


def _match(line: str, number: int, first_order: Sequence[Mutant]) -> str:
    ids = [m.id for m in first_order]
    if line in ids:
        return line
    words = line.split()
    if len(words) == 3:
        operator, target, tag = words
        found = [i for i in ids if i.startswith(f"{operator}-") and
                 (i.endswith(f"-{target}-{tag}") or f"-{target}-{tag}-" in i[len(operator):])]
        found = [i for i in found if i.split("-", 1)[0] and
                 i[len(operator) + 1:].split("-", 1)[1].startswith(f"{target}-{tag}")]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise MutationInputError(f"bug {line!r} is ambiguous: {', '.join(found)}",
                                     where=f"bug set line {number}", fix="write a mutant id")
    close = difflib.get_close_matches(line, ids, n=3)
    raise MutationInputError(f"no mutant matches {line!r}", where=f"bug set line {number}",
                             fix=f"write a mutant id or 'OPERATOR TARGET TAG'"
                                 f"{'; close: ' + ', '.join(close) if close else ''}")


def parse_bugset(text: str, space: MutationSpace, first_order: Sequence[Mutant]) -> Mutant:
    """Return the mutant a bug set describes (one line: that mutant; several: their combination)."""
    ids = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            ids.append(_match(line, number, first_order))
    if not ids:
        raise MutationInputError("the bug set names no bug", fix="write one bug per line")
    if len(ids) == 1:
        return next(m for m in first_order if m.id == ids[0])
    return combine(space, ids)
