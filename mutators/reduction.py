"""Reduce over the wrong axis, or lose `keepdims`: `np.sum(dZ1, axis=1, keepdims=True)`.

Summing over examples (axis=1) is what a bias gradient needs; axis=0 sums over units, and no
axis sums everything. Dropping keepdims changes only the shape, which the course's flattening
ignores: an equivalent mutant by design.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import libcst as cst
import libcst.matchers as m

from mutators.base import Operator, assignments
from mutators.records import Example, Replacement

REDUCTION = m.Call(args=[m.ZeroOrMore(), m.Arg(keyword=m.Name("axis") | m.Name("keepdims")),
                         m.ZeroOrMore()])


def _without(call: cst.Call, dropped: cst.Arg) -> cst.Call:
    """Return the call minus one argument, tidying the comma the last argument leaves."""
    args = [arg for arg in call.args if arg is not dropped]
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)


@dataclass(frozen=True, slots=True)
class Reduction(Operator):
    name: ClassVar[str] = "reduction"
    summary: ClassVar[str] = "change a reduction's axis (1 -> 0, none) or drop keepdims"
    examples: ClassVar[tuple[Example, ...]] = (
        Example("def f(d):\n    db = np.sum(d, axis=1, keepdims=True)\n",
                ("def f(d):\n    db = np.sum(d, axis=0, keepdims=True)\n",
                 "def f(d):\n    db = np.sum(d, keepdims=True)\n",
                 "def f(d):\n    db = np.sum(d, axis=1)\n")),
        Example("def f(d):\n    db = np.sum(d)\n", ()),
    )

    def replacements(self, function: cst.FunctionDef) -> Iterator[Replacement]:
        for target, assign in assignments(function):
            for call in m.findall(assign.value, REDUCTION):
                for arg in call.args:
                    if m.matches(arg, m.Arg(keyword=m.Name("axis"), value=m.Integer())):
                        other = "0" if arg.value.value == "1" else "1"
                        new_arg = arg.with_changes(value=cst.Integer(other))
                        yield Replacement(call, call.with_changes(args=[
                            new_arg if a is arg else a for a in call.args]),
                            f"{target}-axis{other}", f"sum {target} over axis {other}")
                        yield Replacement(call, _without(call, arg), f"{target}-axisNone",
                                          f"sum {target} over every axis")
                    elif m.matches(arg, m.Arg(keyword=m.Name("keepdims"))):
                        yield Replacement(call, _without(call, arg), f"{target}-nokeepdims",
                                          f"drop keepdims in {target}")
