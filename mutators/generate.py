"""Turn source text into mutants: parse once, scope to the named functions, apply, id, dedupe.

Only the named functions are handed to operators, so nothing outside them can change: a
mutant's module text is the original with the function's new text spliced over its old text.
Positions are converted here, once, from LibCST's 0-based columns to 1-based ones: `line` and
`column` are the replaced node's first character, `end_line` and `end_column` one past its
last, as in LibCST's range, which leaves out the node's own parentheses (`original` and
`mutated`, the code of the node and of its replacement, keep theirs).
"""
from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass
from typing import Sequence

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from mutators.apply import ancestors, parent_map
from mutators.base import Operator, code
from mutators.catalog import CATALOG
from mutators.errors import MutationInputError
from mutators.ids import assign_ids, safe
from mutators.records import ChangedFunction, Mutant, Replacement
from mutators.render import NEWLINE, FunctionSource

SEPARATOR = "__"  # joins first-order ids into a higher-order id


@dataclass(frozen=True, slots=True)
class Site:
    """A first-order change before it has an id: which operator, where, and what."""

    operator: str
    rank: int  # catalog position, for sorting
    function: str
    target: str  # id-safe variable of the enclosing statement: "dW2"
    replacement: Replacement
    where: CodeRange  # LibCST's own: 1-based lines, 0-based columns

    @property
    def key(self) -> tuple:
        return (self.where.start.line, self.where.start.column, self.rank, self.replacement.tag)


def check_syntax(source: str, filename: str) -> None:
    """Raise MutationInputError with Python's own line and offset for a syntax error."""
    try:
        compile(source, filename, "exec")
    except SyntaxError as error:
        raise MutationInputError(f"syntax error: {error.msg}",
                                 where=f"{filename}:{error.lineno}:{error.offset}",
                                 fix="fix the source so that it compiles") from None


def find_function(module: cst.Module, name: str, filename: str) -> cst.FunctionDef:
    """Return the top-level function `name`, or say which functions the file does define.

    Of several definitions the last is the one the module binds (a notebook's later cell, a
    fixed draft below the old one), so it is the one mutated.
    """
    defined = [s.name.value for s in module.body if isinstance(s, cst.FunctionDef)]
    for statement in reversed(module.body):
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return statement
    close = difflib.get_close_matches(name, defined, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    raise MutationInputError(f"no function {name!r}", where=filename,
                             fix=f"{hint}top-level functions: {', '.join(defined) or 'none'}")


def statement_target(node: cst.CSTNode, parents) -> str:
    """Return the variable the statement around `node` assigns ("dW2"), else its kind."""
    for outer in itertools.chain((node,), ancestors(node, parents)):
        if isinstance(outer, cst.Assign):
            return code(outer.targets[0].target)
        if isinstance(outer, (cst.AugAssign, cst.AnnAssign)):
            return code(outer.target)
        if isinstance(outer, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
            return type(outer).__name__.lower()
    return "def"


class MutationSpace:
    """A source parsed once, ready to make first- and higher-order mutants of its functions."""

    def __init__(self, source: str, functions: str | Sequence[str], filename: str = "<source>"):
        check_syntax(source, filename)
        self.source, self.filename = source, filename
        wrapper = MetadataWrapper(cst.parse_module(source))
        self.module = wrapper.module  # the wrapper deep-copies: use its module from now on
        self.positions = wrapper.resolve(PositionProvider)
        names = [functions] if isinstance(functions, str) else list(dict.fromkeys(functions))
        if not names:
            raise MutationInputError("no function to mutate", where=filename,
                                     fix="name at least one top-level function")
        self.functions = {name: find_function(self.module, name, filename) for name in names}
        self.parents = {}
        for function in self.functions.values():
            self.parents.update(parent_map(function))
        self.sources = {name: FunctionSource(self.module, node, self.positions, self.parents)
                        for name, node in self.functions.items()}
        starts = [0] + [found.end() for found in NEWLINE.finditer(source)]
        self.spans = {name: self._span(text, starts) for name, text in self.sources.items()}
        self.sites: dict[str, Site] = {}  # by id, filled by first_order()

    def function_text(self, node: cst.FunctionDef) -> str:
        """Return a function's code from its first decorator (or `def`) to its last line."""
        return self.module.code_for_node(node.with_changes(leading_lines=()))

    def _span(self, function: FunctionSource, starts: list[int]) -> tuple[int, int]:
        """Return where the function's text starts and ends in the module source."""
        start = starts[function.first_line - 1]
        if self.source[start:start + len(function.text)] != function.text:  # LibCST round-trips
            raise RuntimeError(f"cannot locate {function.function.name.value} in {self.filename}")
        return start, start + len(function.text)

    def collect(self, operators: Sequence[Operator]) -> list[Site]:
        """Return every site of every operator in the named functions, in catalog order."""
        sites = []
        for rank, operator in enumerate(operators):
            for name, function in self.functions.items():
                for replacement in operator.replacements(function):
                    if replacement.node not in self.positions:
                        raise RuntimeError(f"{operator.name} proposed a node that is not in "
                                           f"{name}: {code(replacement.node)!r}")
                    target = safe(statement_target(replacement.node, self.parents))
                    sites.append(Site(operator.name, rank, name, target, replacement,
                                      self.positions[replacement.node]))
        return sites

    def render(self, sites: Sequence[Site]) -> tuple[ChangedFunction, ...]:
        """Apply `sites` (disjoint) in one pass per function and return the changed functions."""
        changed = []
        for name in self.functions:
            mine = [site.replacement for site in sites if site.function == name]
            if not mine:
                continue
            mapping = {r.node: r.new_node for r in mine}
            if len(mapping) != len(mine):
                raise ValueError("two replacements of the same node cannot apply together")
            text = self.sources[name].mutated(mapping)
            try:
                compile(text, self.filename, "exec")
            except SyntaxError as error:  # an operator bug, never the user's
                operators = "+".join(site.operator for site in sites)
                raise RuntimeError(f"{operators} made code that does not compile "
                                   f"({error.msg}):\n{text}") from error
            changed.append(ChangedFunction(name, self.sources[name].first_line, text))
        return tuple(changed)

    def splice(self, changed: Sequence[ChangedFunction]) -> str:
        """Return the module text with each changed function's text put in its place."""
        pieces, cursor = [], 0
        for function in sorted(changed, key=lambda f: self.spans[f.name]):
            start, end = self.spans[function.name]
            pieces += [self.source[cursor:start], function.source]
            cursor = end
        return "".join(pieces) + self.source[cursor:]

    def record(self, sites: Sequence[Site], mutant_id: str,
               changed: tuple[ChangedFunction, ...], parts: tuple[str, ...] = ()) -> Mutant:
        """Return the Mutant record for `sites` (sorted by position) and their rendered text."""
        first, last, text = sites[0], sites[-1], self.module.code_for_node
        return Mutant(
            id=mutant_id, operator="+".join(s.operator for s in sites), function=first.function,
            line=first.where.start.line, column=first.where.start.column + 1,
            end_line=last.where.end.line, end_column=last.where.end.column + 1,
            original=" | ".join(text(s.replacement.node) for s in sites),
            mutated=" | ".join(text(s.replacement.new_node) for s in sites),
            description="; ".join(f"{s.target}: {s.replacement.description}" for s in sites),
            functions=changed, source=self.splice(changed), parts=parts)

    def original_texts(self) -> set[tuple[str, str]]:
        """Return (function name, text) of each function as written."""
        return {(name, source.text) for name, source in self.sources.items()}

    def first_order(self, operators: Sequence[Operator] | None = None) -> list[Mutant]:
        """Return the first-order mutants: deduplicated in catalog order, then sorted and named.

        A mutant whose text equals the original's or an earlier one's is dropped, so of two
        operators writing the same code the one first in the catalog keeps it. The sites are
        kept by id in `self.sites` for combining.
        """
        chosen = list(CATALOG.values()) if operators is None else list(operators)
        seen, kept = self.original_texts(), []
        for site in self.collect(chosen):
            changed = self.render([site])
            if (site.function, changed[0].source) not in seen:
                seen.add((site.function, changed[0].source))
                kept.append((site, changed))
        kept.sort(key=lambda pair: pair[0].key)
        ids = assign_ids([(s.operator, s.where.start.line, s.target, s.replacement.tag)
                          for s, _ in kept])
        self.sites = {mutant_id: site for mutant_id, (site, _) in zip(ids, kept)}
        return [self.record([site], mutant_id, changed)
                for mutant_id, (site, changed) in zip(ids, kept)]

    def combine(self, ids: Sequence[str]) -> Mutant:
        """Return the mutant applying first-order mutants `ids` together, in one pass.

        Its id joins the parts' ids with `__` in source order; overlapping parts raise.
        """
        if not self.sites:
            self.first_order()
        pairs = sorted(((self.site_of(i), i) for i in ids), key=lambda pair: pair[0].key)
        for (a, a_id), (b, b_id) in itertools.combinations(pairs, 2):
            if self.overlap(a, b):
                raise MutationInputError(
                    f"mutant {a_id} is listed twice" if a_id == b_id else
                    f"mutants {a_id} and {b_id} change overlapping code (line "
                    f"{a.where.start.line})", where=self.filename,
                    fix="combine mutants that change different places")
        sites, names = [site for site, _ in pairs], tuple(i for _, i in pairs)
        parts = names if len(names) > 1 else ()
        return self.record(sites, SEPARATOR.join(names), self.render(sites), parts)

    def overlap(self, a: Site, b: Site) -> bool:
        """True if one site's node is the other's or contains it (one pass cannot do both)."""
        if a.function != b.function:
            return False
        x, y = a.replacement.node, b.replacement.node
        return x is y or x in ancestors(y, self.parents) or y in ancestors(x, self.parents)

    def site_of(self, mutant_id: str) -> Site:
        """Return the site of first-order mutant `mutant_id`, or say which ids are close."""
        if mutant_id in self.sites:
            return self.sites[mutant_id]
        close = difflib.get_close_matches(mutant_id, list(self.sites), n=3)
        raise MutationInputError(f"no first-order mutant {mutant_id!r}", where=self.filename,
                                 fix=f"did you mean {', '.join(close)}?" if close
                                 else "list them with 'gradmut mutants'")


def generate_mutants(source: str, functions: str | Sequence[str],
                     operators: Sequence[Operator] | None = None,
                     filename: str = "<source>") -> list[Mutant]:
    """Return every first-order mutant of `functions` in `source` (default: all operators)."""
    return MutationSpace(source, functions, filename).first_order(operators)
