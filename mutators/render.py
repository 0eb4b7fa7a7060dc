"""A mutated function's text, re-rendering only the statements a change touched.

replace_nodes rebuilds only the nodes on the path to a replaced node, so the function's other
statements keep their identity and their text is the source's own. A top-level simple statement
renders alone exactly as it reads in the file (verified once per statement); anything else (a
change in an `if` block or in the signature) falls back to rendering the whole function.
"""
from __future__ import annotations

import re
from typing import Mapping

import libcst as cst
from libcst.metadata import CodeRange

from mutators.apply import Parents, replace_nodes

NEWLINE = re.compile(r"\r\n|\r|\n")  # what LibCST and Python's tokenizer count as a line end


class FunctionSource:
    """One function of a parsed module: its exact text, and how to render a changed copy."""

    def __init__(self, module: cst.Module, function: cst.FunctionDef,
                 positions: Mapping[cst.CSTNode, CodeRange], parents: Parents):
        self.module, self.function, self.parents = module, function, parents
        self.text = text = self.render(function)  # from the first decorator, or `def`
        first = function.decorators[0] if function.decorators else function
        self.first_line = positions[first].start.line  # 1-based, of the text's first character
        line_starts = [0] + [found.end() for found in NEWLINE.finditer(text)]
        self.statements: dict[cst.CSTNode, tuple[int, int, int]] = {}  # index, start, end
        for index, statement in enumerate(function.body.body):
            if not isinstance(statement, cst.SimpleStatementLine):
                continue  # a block's inner lines take their indentation from the block
            start = positions[statement].start
            offset = line_starts[start.line - self.first_line] + start.column
            alone = self.render(statement)
            if text[offset:offset + len(alone)] == alone:
                self.statements[statement] = (index, offset, offset + len(alone))

    def render(self, node: cst.CSTNode) -> str:
        """Return a statement's or function's code without the blank lines above it."""
        return self.module.code_for_node(node.with_changes(leading_lines=()))

    def _statement_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """Return the top-level statement of the body that holds `node`, if any."""
        while node in self.parents and self.parents[node] is not self.function.body:
            node = self.parents[node]
        return node if node in self.parents else None

    def mutated(self, replacements: Mapping[cst.CSTNode, cst.CSTNode]) -> str:
        """Return the function's text with `replacements` applied in one pass."""
        new = replace_nodes(self.function, replacements, self.parents)
        touched = {self._statement_of(node) for node in replacements}
        if not all(statement in self.statements for statement in touched):
            return self.render(new)
        text = self.text
        for index, start, end in sorted((self.statements[s] for s in touched), reverse=True):
            text = text[:start] + self.render(new.body.body[index]) + text[end:]
        return text
