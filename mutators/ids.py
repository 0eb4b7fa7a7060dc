"""Stable, readable mutant ids: operator-line-tag, with -2, -3 for collisions.

Ids come from content and sorted order only (no hash(), no id(), no set order), so the same
source and operators give the same ids on any machine and in any process.
"""
from __future__ import annotations

import re
from typing import Sequence

ALPHABET = re.compile(r"[A-Za-z0-9._-]+")


def mutant_id(operator: str, line: int, tag: str) -> str:
    text = f"{operator}-{line}-{tag}"
    if not ALPHABET.fullmatch(text):  # pragma: no cover - operators build safe tags
        raise ValueError(f"unsafe mutant id {text!r}")
    return text


def assign_ids(keys: Sequence[tuple[str, int, str]]) -> list[str]:
    """Return one id per (operator, line, tag), in order; repeats get -2, -3, ..."""
    counts: dict[str, int] = {}
    ids = []
    for operator, line, tag in keys:
        base = mutant_id(operator, line, tag)
        counts[base] = counts.get(base, 0) + 1
        ids.append(base if counts[base] == 1 else f"{base}-{counts[base]}")
    return ids
