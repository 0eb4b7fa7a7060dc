"""What every operator shares: the Operator shape, the sites it may touch, and safe spelling.

Operators see only the function under test and propose Replacements on its nodes; generate.py
names the enclosing statement's variable ("dW2"), so a tag says only what changed ("x2").
"""
from __future__ import annotations

from functools import lru_cache
from typing import ClassVar, Iterator

import libcst as cst
from mutators import match as m
from libcst.metadata import ExpressionContext, ExpressionContextProvider, MetadataWrapper

from mutators.ids import safe
from mutators.records import Example, Replacement

# Right-hand sides worth corrupting: arithmetic, calls and plain names, not `X.shape[1]`,
# dict literals or tuple unpacking.
COMPUTED = m.BinaryOperation() | m.Call() | m.UnaryOperation() | m.Name()
PRODUCT_CALL = m.Call(func=m.Attribute(value=m.Name("np"), attr=m.Name("dot") | m.Name("matmul")),
                      args=[m.Arg(keyword=None), m.Arg(keyword=None)])
EMPTY = cst.Module([])


class Operator:
    """An operator lists every place it applies in one function, one Replacement per change."""

    name: ClassVar[str]
    summary: ClassVar[str]
    examples: ClassVar[tuple[Example, ...]]

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        raise NotImplementedError


def gradient_assignments(function: cst.FunctionDef) -> Iterator[cst.Assign]:
    """Yield `name = <computed>` statements: the gradient lines, not unpacking or dicts."""
    yield from m.findall(function.body, m.Assign(targets=[m.AssignTarget(target=m.Name())],
                                                 value=COMPUTED))


def code(node: cst.CSTNode) -> str:
    return EMPTY.code_for_node(node)


def tag_of(node: cst.CSTNode, limit: int = 16) -> str:
    """Return an id-safe spelling of a snippet: `np.int64(A2 > 0)` -> `np.int64-A2-0`."""
    return safe(code(node), limit)


def factor_text(value: float) -> str:
    """Return how a factor is written: 2, 0.5, -1."""
    return repr(int(value)) if float(value).is_integer() else repr(float(value))


def number(value: float) -> cst.BaseExpression:
    """Return a literal for `value`: 2, 0.5, or -1 as a unary minus."""
    text = factor_text(abs(value))
    literal = cst.Integer(text) if text.isdigit() else cst.Float(text)
    return cst.UnaryOperation(cst.Minus(), literal) if value < 0 else literal


LOOSE = (cst.Add, cst.Subtract, cst.LeftShift, cst.RightShift, cst.BitAnd, cst.BitOr,
         cst.BitXor)


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


def name_uses(function: cst.FunctionDef) -> tuple[list[cst.Name], set[str]]:
    """Return the names the body reads (in source order) and every name the function binds.

    Binding covers parameters, assignment and loop targets and tuple unpacking; a keyword
    (`axis=`) and an attribute (`.T`) are not reads.
    """
    read, bound_by_statement, parameters = statement_names(function)
    bound = set(parameters).union(*bound_by_statement) if bound_by_statement else set(parameters)
    return [name for names in read for name in names], bound


@lru_cache(maxsize=64)
def statement_names(function: cst.FunctionDef):
    """Return, per top-level statement of the body, the names it reads and those it binds,
    and the parameters' names: enough to say which names exist before a given line.

    Cached per function node (nodes hash by identity): two operators ask, and resolving
    expression contexts is the costliest step of collecting sites.
    """
    wrapper = MetadataWrapper(cst.Module(body=[function]), unsafe_skip_copy=True)
    contexts = wrapper.resolve(ExpressionContextProvider)
    keywords = {arg.keyword for arg in m.findall(function, m.Arg(keyword=m.Name()))}
    parameters = tuple(param.name.value for param in m.findall(function.params, m.Param()))
    read, bound = [], []
    for statement in function.body.body:
        names = m.findall(statement, m.Name())
        read.append(tuple(name for name in names if contexts.get(name) is ExpressionContext.LOAD
                          and name not in keywords))
        bound.append(frozenset(name.value for name in names
                               if contexts.get(name) is ExpressionContext.STORE))
    return tuple(read), tuple(bound), parameters
