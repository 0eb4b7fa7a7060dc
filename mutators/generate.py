"""Turn source text into mutants: parse once, scope to the named functions, apply, id, dedupe.

Only the named functions are handed to operators, so nothing outside them can change: each
mutant's module text is the original with the function's text spliced in. Lines are 1-based;
columns are converted here, once, from LibCST's 0-based to 1-based (end columns exclusive).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Sequence

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from mutators.apply import apply_edits, replacement_code
from mutators.errors import MutationInputError
from mutators.ids import assign_ids
from mutators.records import ChangedFunction, Mutant, Replacement


@dataclass(frozen=True, slots=True)
class Site:
    """A first-order change before it has an id: which operator, where, what."""

    operator: str
    rank: int  # catalog position, for sorting
    function: str
    replacement: Replacement
    where: CodeRange


def check_syntax(source: str, filename: str) -> None:
    """Raise MutationInputError with Python's own line and offset for a syntax error."""
    try:
        compile(source, filename, "exec")
    except SyntaxError as error:
        raise MutationInputError(f"syntax error: {error.msg}",
                                 where=f"{filename}:{error.lineno}:{error.offset}",
                                 fix="fix the source so that it compiles") from None


class MutationSpace:
    """A source parsed once, ready to produce first- and higher-order mutants of its functions."""

    def __init__(self, source: str, functions: str | Sequence[str], filename: str = "<source>"):
        check_syntax(source, filename)
        self.source, self.filename = source, filename
        wrapper = MetadataWrapper(cst.parse_module(source))
        self.module = wrapper.module  # the wrapper deep-copies: use its module from now on
        self.positions = wrapper.resolve(PositionProvider)
        names = [functions] if isinstance(functions, str) else list(functions)
        self.functions = {name: self._find(name) for name in names}
        self.offsets = {name: self._offset(node) for name, node in self.functions.items()}
        self.line_starts = [0]
        for line in source.splitlines(True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.sites: dict[str, Site] = {}

    def _find(self, name: str) -> cst.FunctionDef:
        defined = [s.name.value for s in self.module.body if isinstance(s, cst.FunctionDef)]
        for statement in self.module.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
                return statement
        close = difflib.get_close_matches(name, defined, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise MutationInputError(f"no function {name!r}", where=self.filename,
                                 fix=f"{hint}functions defined: {', '.join(defined) or 'none'}")

    def function_text(self, node: cst.FunctionDef) -> str:
        return self.module.code_for_node(node.with_changes(leading_lines=()))

    def _offset(self, node: cst.FunctionDef) -> tuple[int, int, int]:
        """Return (first line, start, end) of the function's text in the source."""
        first_line = self.positions[node].start.line
        start = sum(len(line) for line in self.source.splitlines(True)[:first_line - 1])
        text = self.function_text(node)
        if self.source[start:start + len(text)] != text:  # pragma: no cover - LibCST round trip
            raise RuntimeError(f"cannot locate {node.name.value} in {self.filename}")
        return first_line, start, start + len(text)

    def collect(self, operators) -> list[Site]:
        """Return every site of every operator in the named functions, in a stable order."""
        sites = []
        for rank, operator in enumerate(operators):
            for name, node in self.functions.items():
                for replacement in operator.replacements(node):
                    sites.append(Site(operator.name, rank, name, replacement,
                                      self.positions[replacement.node]))
        sites.sort(key=lambda s: (s.where.start.line, s.where.start.column, s.rank,
                                  s.replacement.tag))
        return sites

    def build(self, sites: Sequence[Site], mutant_id: str) -> Mutant:
        """Apply `sites` together and return the mutant (compile-checked)."""
        changed = []
        for name in self.functions:
            first_line, start, end = self.offsets[name]
            edits = [(self._at(s.where.start) - start, self._at(s.where.end) - start,
                      replacement_code(s.replacement.node, s.replacement.new_node))
                     for s in sites if s.function == name]
            if edits:
                text = apply_edits(self.source[start:end], edits)
                changed.append(ChangedFunction(name, first_line, text))
        source = self.splice(changed)
        for function in changed:
            try:
                compile(function.source, self.filename, "exec")
            except SyntaxError as error:  # an operator bug, never the user's
                raise RuntimeError(f"mutant {mutant_id} does not compile: {error}") from error
        first, code = sites[0], self.module.code_for_node
        return Mutant(
            id=mutant_id, operator="+".join(s.operator for s in sites), function=first.function,
            line=first.where.start.line, column=first.where.start.column + 1,
            end_line=sites[-1].where.end.line, end_column=sites[-1].where.end.column + 1,
            original=" | ".join(code(s.replacement.node) for s in sites),
            mutated=" | ".join(code(s.replacement.new_node) for s in sites),
            description="; ".join(s.replacement.description for s in sites),
            functions=tuple(changed), source=source,
            parts=tuple(s_id for s_id in mutant_id.split("__")) if len(sites) > 1 else ())

    def _at(self, position) -> int:
        """Return the character offset in the source of a LibCST position (0-based column)."""
        return self.line_starts[position.line - 1] + position.column

    def splice(self, changed: Sequence[ChangedFunction]) -> str:
        """Return the module text with each changed function's text put in its place."""
        text, cursor = [], 0
        for function in sorted(changed, key=lambda f: self.offsets[f.name][1]):
            _, start, end = self.offsets[function.name]
            text += [self.source[cursor:start], function.source]
            cursor = end
        return "".join(text) + self.source[cursor:]

    def first_order(self, operators) -> list[Mutant]:
        """Return the deduplicated first-order mutants, ids assigned in sorted order."""
        originals = {self.function_text(node) for node in self.functions.values()}
        seen, kept = set(originals), []
        for site in self.collect(operators):
            mutant = self.build([site], "pending")
            key = tuple(f.source for f in mutant.functions)
            if key[0] in seen:
                continue
            seen.add(key[0])
            kept.append((site, mutant))
        ids = assign_ids([(s.operator, s.where.start.line, s.replacement.tag) for s, _ in kept])
        result = []
        for (site, mutant), mutant_id in zip(kept, ids):
            self.sites[mutant_id] = site
            result.append(_with_id(mutant, mutant_id))
        return result


def _with_id(mutant: Mutant, mutant_id: str) -> Mutant:
    from dataclasses import replace

    return replace(mutant, id=mutant_id)


def generate_mutants(source: str, functions: str | Sequence[str], operators=None,
                     filename: str = "<source>") -> list[Mutant]:
    """Return every first-order mutant of `functions` in `source` (default: all operators)."""
    from mutators import CATALOG

    chosen = list(CATALOG.values()) if operators is None else list(operators)
    return MutationSpace(source, functions, filename).first_order(chosen)
