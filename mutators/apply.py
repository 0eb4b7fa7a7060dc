"""The one shared transformer: swap nodes by identity, several at once, in a single pass.

A LibCST pass rebuilds every node it visits, so a second pass would no longer find the nodes of
the original tree: a higher-order mutant hands all of its replacements to one call. Given the
tree's parent map, the pass descends only along the paths to the replaced nodes, so its cost
is the depth of the tree, not its size.
"""
from __future__ import annotations

from typing import Mapping

import libcst as cst

Parents = Mapping[cst.CSTNode, cst.CSTNode]


class _ParentCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self.stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.stack:
            self.parents[node] = self.stack[-1]
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()


def parent_map(tree: cst.CSTNode) -> dict[cst.CSTNode, cst.CSTNode]:
    """Return {node: parent} for every node below `tree` (keys compare by identity)."""
    collector = _ParentCollector()
    tree.visit(collector)
    return collector.parents


def ancestors(node: cst.CSTNode, parents: Parents):
    """Yield the nodes that contain `node`, innermost first."""
    while node in parents:
        node = parents[node]
        yield node


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: Mapping[cst.CSTNode, cst.CSTNode], path) -> None:
        super().__init__()
        self.replacements = replacements
        self.path = path  # nodes containing a replaced node; None: visit every node
        self.replaced = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        if node in self.replacements:
            return False
        return self.path is None or node in self.path

    def on_leave(self, original_node, updated_node):
        new = self.replacements.get(original_node)
        if new is None:
            return updated_node
        self.replaced += 1
        return new


def replace_nodes(tree: cst.CSTNode, replacements: Mapping[cst.CSTNode, cst.CSTNode],
                  parents: Parents | None = None) -> cst.CSTNode:
    """Return `tree` with each key node (by identity) swapped for its value, in one pass.

    Raise ValueError if a key is not in the tree or lies inside another key (overlap).
    """
    path = None
    if parents is not None:
        path = set()
        for node in replacements:
            for outer in ancestors(node, parents):
                if outer in replacements:
                    raise ValueError("overlapping replacements: one node contains another")
                path.add(outer)
    transformer = _Replace(replacements, path)
    result = tree.visit(transformer)
    if transformer.replaced != len(replacements):
        raise ValueError(f"{len(replacements) - transformer.replaced} replaced node(s) are not "
                         "in the tree, or lie inside another replaced node")
    return result
