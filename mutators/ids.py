"""Stable, readable mutant ids: operator-line-target-tag, with -2, -3 on collisions.

Ids come from content and sorted order only (no hash(), no id(), no set order), so the same
source and operators give the same ids on any machine and in any process.
"""
from __future__ import annotations

import re
from typing import Sequence

ALPHABET = re.compile(r"[A-Za-z0-9._-]+")


def safe(text: str, limit: int = 24) -> str:
    """Reduce text to the id alphabet [A-Za-z0-9._-], collapsing everything else to '-'."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.")[:limit].rstrip("-.") or "x"


def mutant_id(operator: str, line: int, target: str, tag: str) -> str:
    """Return `operator-line-target-tag`; an unsafe tag is an operator bug and raises."""
    text = f"{operator}-{line}-{safe(target)}-{tag}"
    if not ALPHABET.fullmatch(text):
        raise ValueError(f"operator {operator!r} made an unsafe tag {tag!r}")
    return text


def assign_ids(keys: Sequence[tuple[str, int, str, str]]) -> list[str]:
    """Return one id per (operator, line, target, tag), in order; repeats get -2, -3, ...

    A suffix never takes an id that another key spells on its own (a tag may end in "-2").
    """
    bases = [mutant_id(*key) for key in keys]
    taken = set(bases)
    used: set[str] = set()
    ids = []
    for base in bases:
        chosen, n = base, 1
        while chosen in used or (chosen != base and chosen in taken):
            n += 1
            chosen = f"{base}-{n}"
        used.add(chosen)
        ids.append(chosen)
    return ids
