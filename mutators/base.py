"""What every operator shares: the Operator shape and the sites it may touch.

Operators only see the function under test. They work statement by statement on assignments,
so each proposal knows which variable it corrupts ("dW2"), and that name goes into the id.
"""
from __future__ import annotations

import re
from typing import ClassVar, Iterator

import libcst as cst
import libcst.matchers as m

from mutators.records import Example, Replacement

# Right-hand sides worth corrupting: arithmetic, calls and plain names, not `X.shape[1]`,
# dict literals or tuple unpacking.
COMPUTED = m.BinaryOperation() | m.Call() | m.UnaryOperation() | m.Name()


class Operator:
    """An operator lists every place it applies in one function, one Replacement per change."""

    name: ClassVar[str]
    summary: ClassVar[str]
    examples: ClassVar[tuple[Example, ...]]

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        raise NotImplementedError


def assignments(function: cst.FunctionDef) -> Iterator[tuple[str, cst.Assign]]:
    """Yield (target text, Assign) for each single-target assignment in the function."""
    for assign in m.findall(function, m.Assign(targets=[m.AssignTarget()])):
        target = assign.targets[0].target
        yield target_text(target), assign


def computed_assignments(function: cst.FunctionDef) -> Iterator[tuple[str, cst.Assign]]:
    """Assignments to a plain name whose value is computed (the gradient statements)."""
    for name, assign in assignments(function):
        if m.matches(assign.targets[0].target, m.Name()) and m.matches(assign.value, COMPUTED):
            yield name, assign


def target_text(node: cst.CSTNode) -> str:
    """Return an id-safe spelling of an assignment target ("dW2", "grads-dA-l")."""
    return safe(cst.Module([]).code_for_node(node))


def safe(text: str, limit: int = 24) -> str:
    """Reduce text to the id alphabet [A-Za-z0-9._-], collapsing everything else to '-'."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.")[:limit] or "x"


def factor_tag(value: float) -> str:
    """Return an id-safe spelling of a factor: 2 -> '2', 0.5 -> '0.5', -1 -> 'm1'."""
    text = repr(int(value)) if float(value).is_integer() else repr(float(value))
    return safe(text.replace("-", "m"))


def code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def number(value: float) -> cst.BaseExpression:
    """Return a literal for `value`: 2, 0.5, or -1 as a unary minus."""
    text = repr(int(value)) if float(value).is_integer() else repr(float(value))
    literal = cst.Integer(text.lstrip("-")) if "." not in text and "e" not in text \
        else cst.Float(text.lstrip("-"))
    return cst.UnaryOperation(cst.Minus(), literal) if value < 0 else literal


LOOSE = (cst.Add, cst.Subtract, cst.LeftShift, cst.RightShift, cst.BitAnd, cst.BitOr,
         cst.BitXor)
TIGHT = (cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.MatrixMultiply)


def binds_looser_than_product(node: cst.BaseExpression) -> bool:
    """True if `node * k` would re-associate without parentheses (a sum, a comparison...)."""
    if node.lpar:
        return False
    if isinstance(node, cst.BinaryOperation):
        return isinstance(node.operator, LOOSE)
    return isinstance(node, (cst.Comparison, cst.BooleanOperation, cst.IfExp, cst.Lambda,
                             cst.UnaryOperation))


def parenthesized(node: cst.BaseExpression) -> cst.BaseExpression:
    if node.lpar:
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def wrap_if_loose(node: cst.BaseExpression) -> cst.BaseExpression:
    return parenthesized(node) if binds_looser_than_product(node) else node


def defined_names(function: cst.FunctionDef) -> set[str]:
    """Names the function can see as variables: parameters and everything it assigns."""
    names = {param.name.value for param in function.params.params}
    for assign in m.findall(function, m.AssignTarget()):
        names |= {name.value for name in m.findall(assign.target, m.Name())}
    return names
