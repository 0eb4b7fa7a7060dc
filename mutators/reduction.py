"""Reduce over the wrong axis, or lose `keepdims`: `np.sum(dZ1, axis=1, keepdims=True)`.

Summing over examples (axis=1) is what a bias gradient needs; axis=0 sums over units, and no
axis sums everything. Dropping keepdims changes only the shape, which the course's flattening
ignores: an equivalent mutant by design.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
from mutators import match as m

from mutators.base import Operator, code
from mutators.records import Example, Replacement

AXIS = m.Arg(keyword=m.Name("axis"), value=m.Integer())
KEEPDIMS = m.Arg(keyword=m.Name("keepdims"))
REDUCTION = m.Call(args=[m.ZeroOrMore(), AXIS | KEEPDIMS, m.ZeroOrMore()])


def _without(call: cst.Call, dropped: cst.Arg) -> cst.Call:
    """Return the call minus one argument, tidying the comma the last argument leaves."""
    args = [arg for arg in call.args if arg is not dropped]
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)


def _replaced(call: cst.Call, old: cst.Arg, new: cst.Arg) -> cst.Call:
    return call.with_changes(args=[new if arg is old else arg for arg in call.args])


@dataclass(frozen=True, slots=True)
class Reduction(Operator):
    name: ClassVar[str] = "reduction"
    summary: ClassVar[str] = "change a reduction's axis (1 -> 0, none) or drop keepdims"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(d):\n    db = np.sum(d, axis=1, keepdims=True)\n",
                ("def f(d):\n    db = np.sum(d, axis=0, keepdims=True)\n",
                 "def f(d):\n    db = np.sum(d, keepdims=True)\n",
                 "def f(d):\n    db = np.sum(d, axis=1)\n")),
        Example("def f(d):\n    return d.mean(axis=0)\n",
                ("def f(d):\n    return d.mean(axis=1)\n", "def f(d):\n    return d.mean()\n")),
        Example("def f(d):\n    db = np.sum(d) + np.sum(d, 1) + np.sum(d, axis=-1)\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for call in m.findall(function.body, REDUCTION):
            for arg in call.args:
                if m.matches(arg, AXIS):
                    other = "0" if arg.value.value == "1" else "1"
                    new = arg.with_changes(value=cst.Integer(other))
                    yield Replacement(call, _replaced(call, arg, new), f"axis{other}",
                                      f"reduce over axis {other} in {code(call.func)}")
                    yield Replacement(call, _without(call, arg), "axisNone",
                                      f"reduce over every axis in {code(call.func)}")
                elif m.matches(arg, KEEPDIMS):
                    yield Replacement(call, _without(call, arg), "nokeepdims",
                                      f"drop keepdims in {code(call.func)}")
