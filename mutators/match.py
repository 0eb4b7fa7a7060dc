"""Structural patterns over LibCST nodes: the subset of libcst.matchers the operators use.

Importing libcst.matchers builds a matcher class for every node type (about 120 ms, a fifth of
a whole fresh `gradmut run`), and its findall walks the tree once per call. The operators need
a dozen node types and three combinators, so these patterns read the same (`m.Call(func=...)`,
`m.Name("np")`, `a | b`, `m.ZeroOrMore()`) and findall reuses one preorder walk per subtree.
tests/test_mutators_match.py checks every pattern against libcst.matchers on real code.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

import libcst as cst


class Pattern:
    """Something a node can match; `a | b` matches either."""

    def matches(self, node: cst.CSTNode) -> bool:
        raise NotImplementedError

    def __or__(self, other: "Pattern") -> "OneOf":
        return OneOf(_alternatives(self) + _alternatives(other))


def _alternatives(pattern: Pattern) -> tuple[Pattern, ...]:
    return pattern.options if isinstance(pattern, OneOf) else (pattern,)


class OneOf(Pattern):
    def __init__(self, options: tuple[Pattern, ...]):
        self.options = options

    def matches(self, node) -> bool:
        return any(option.matches(node) for option in self.options)

    def __repr__(self) -> str:
        return " | ".join(map(repr, self.options))


class NodePattern(Pattern):
    """A node of type `kind` whose named fields match: a pattern, a sequence, or a value."""

    def __init__(self, kind: type, fields: dict[str, Any]):
        self.kind, self.fields = kind, fields

    def matches(self, node) -> bool:
        return isinstance(node, self.kind) and all(
            _field_matches(getattr(node, name), wanted) for name, wanted in self.fields.items())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={wanted!r}" for name, wanted in self.fields.items())
        return f"{self.kind.__name__}({inner})"


class ZeroOrMore:
    """In a sequence pattern: any number of elements, whatever they are."""

    def __repr__(self) -> str:
        return "ZeroOrMore()"


def _field_matches(value, wanted) -> bool:
    if isinstance(wanted, Pattern):
        return isinstance(value, cst.CSTNode) and wanted.matches(value)
    if isinstance(wanted, list):
        return isinstance(value, Sequence) and _sequence_matches(tuple(value), tuple(wanted))
    return value == wanted  # a literal: Name.value "np", or None for an absent keyword


def _sequence_matches(values: tuple, wanted: tuple) -> bool:
    """Match element by element; ZeroOrMore stands for any run of elements."""
    if not wanted:
        return not values
    head, rest = wanted[0], wanted[1:]
    if isinstance(head, ZeroOrMore):
        return any(_sequence_matches(values[skip:], rest) for skip in range(len(values) + 1))
    return bool(values) and _field_matches(values[0], head) and \
        _sequence_matches(values[1:], rest)


def _node(kind: type, positional: str | None = None):
    """Return a pattern constructor for `kind`; its one positional argument is `positional`."""

    def make(*args, **fields) -> NodePattern:
        if args:
            fields = {positional: args[0], **fields}
        return NodePattern(kind, fields)

    make.__name__ = kind.__name__
    return make


Name = _node(cst.Name, "value")
Integer = _node(cst.Integer, "value")
Float = _node(cst.Float, "value")
Attribute = _node(cst.Attribute)
Call = _node(cst.Call)
Arg = _node(cst.Arg)
Param = _node(cst.Param)
Assign = _node(cst.Assign)
AssignTarget = _node(cst.AssignTarget)
BinaryOperation = _node(cst.BinaryOperation)
UnaryOperation = _node(cst.UnaryOperation)
Comparison = _node(cst.Comparison)
ComparisonTarget = _node(cst.ComparisonTarget)
Add, Subtract, Multiply, Divide, MatrixMultiply = (
    _node(kind) for kind in (cst.Add, cst.Subtract, cst.Multiply, cst.Divide,
                             cst.MatrixMultiply))
GreaterThan, GreaterThanEqual, LessThan, LessThanEqual = (
    _node(kind) for kind in (cst.GreaterThan, cst.GreaterThanEqual, cst.LessThan,
                             cst.LessThanEqual))


@lru_cache(maxsize=512)
def _preorder(tree: cst.CSTNode) -> tuple[cst.CSTNode, ...]:
    """Every node of `tree`, itself first, in source order (nodes hash by identity)."""
    nodes: list[cst.CSTNode] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(reversed(node.children))
    return tuple(nodes)


def findall(tree: cst.CSTNode, pattern: Pattern) -> list[cst.CSTNode]:
    """Return every node of `tree` (itself included) that matches, in source order."""
    return [node for node in _preorder(tree) if pattern.matches(node)]


def matches(node: cst.CSTNode, pattern: Pattern) -> bool:
    return pattern.matches(node)
