"""A whole report as one string: a title, the setting in words, the six tables, missed diffs.

One document builder serves Markdown, LaTeX, HTML and plain text through small styles, so every
format carries the same sections and the same digits; one table alone (any format, CSV by
default the mutants table), the results JSON and the Stryker JSON are one call each.
"""
from __future__ import annotations

import difflib
import html
import textwrap

from harness.errors import UsageError
from harness.formatting import format_float, format_seeds
from harness.outcomes import Outcome
from harness.tables import (Table, baseline_lines, blocks_table, display_path,
                            missed_table, mutants_table, operators_table, render, report_tables,
                            setting_table, summary_table)

LATEX_ROWS = 40  # the most rows of one tabular: about what a page holds
# tabulate's own LaTeX escapes, for the words we write around its tables, and '|' (which it
# leaves as is, and LaTeX's default fonts print as a dash).
LATEX_ESCAPES = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
                 "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}", "\\": r"\textbackslash{}",
                 "<": r"\ensuremath{<}", ">": r"\ensuremath{>}", "|": r"\textbar{}"}


def latex_escape(text: str) -> str:
    return "".join(LATEX_ESCAPES.get(character, character) for character in text)


class MarkdownStyle:
    def __init__(self, fmt: str):
        self.fmt = fmt

    def title(self, text: str) -> str:
        return f"# {text}"

    def heading(self, text: str) -> str:
        return f"## {text}"

    def paragraph(self, text: str) -> str:
        return text

    def table(self, table) -> str:
        return render(table, self.fmt)

    def code(self, label: str, text: str) -> str:
        return f"`{label}`:\n\n```diff\n{text}```"

    def finish(self, parts: list[str]) -> str:
        return "\n\n".join(parts) + "\n"


class TextStyle(MarkdownStyle):
    def title(self, text: str) -> str:
        return f"{text}\n{'=' * len(text)}"

    def heading(self, text: str) -> str:
        return f"{text}\n{'-' * len(text)}"

    def code(self, label: str, text: str) -> str:
        return f"{label}:\n{textwrap.indent(text, '    ')}".rstrip()


class LatexStyle(MarkdownStyle):
    """A fragment for \\input inside a document: paragraphs and tabular environments only.

    A tabular cannot break across pages, so a table longer than LATEX_ROWS rows becomes several
    tabulars of at most that many rows, each with the header; a longtable is left whole.
    """

    def title(self, text: str) -> str:
        needs = " (needs \\usepackage{booktabs})" if "booktabs" in self.fmt else ""
        needs = " (needs \\usepackage{longtable})" if "longtable" in self.fmt else needs
        split = "" if "longtable" in self.fmt else (
            f"\n% A table of more than {LATEX_ROWS} rows is split into tabulars of {LATEX_ROWS} "
            "(a tabular cannot break across pages); --format latex_longtable keeps it whole.")
        return (f"% gradmut report: \\input this file inside a document{needs}.{split}\n"
                + self.heading(text))

    def heading(self, text: str) -> str:
        """A bold line of its own: no sectioning command to clash with the document's, and
        not \\paragraph, whose run-in title would sit beside the table that follows."""
        return f"\\medskip\\noindent\\textbf{{{latex_escape(text)}}}\\par\\nopagebreak"

    def paragraph(self, text: str) -> str:
        return latex_escape(text)

    def table(self, table) -> str:
        rows = table.rows
        size = len(rows) if "longtable" in self.fmt else LATEX_ROWS
        parts = [Table(table.title, table.headers, rows[start:start + size])
                 for start in range(0, max(len(rows), 1), size)]
        # tabulate leaves '|' in cells as is; its own frame has none.
        return "\n\n".join("\\noindent\n" + render(part, self.fmt).replace("|", LATEX_ESCAPES["|"])
                             for part in parts)

    def code(self, label: str, text: str) -> str:
        return f"\\texttt{{{latex_escape(label)}}}:\n\\begin{{verbatim}}\n{text}\\end{{verbatim}}"


class HtmlStyle(MarkdownStyle):
    """A standalone page; every text we add is escaped (tabulate escapes the cells)."""

    def title(self, text: str) -> str:
        return f"<h1>{html.escape(text)}</h1>"

    def heading(self, text: str) -> str:
        return f"<h2>{html.escape(text)}</h2>"

    def paragraph(self, text: str) -> str:
        return f"<p>{html.escape(text)}</p>"

    def code(self, label: str, text: str) -> str:
        return f"<p><code>{html.escape(label)}</code>:</p>\n<pre>{html.escape(text)}</pre>"

    def finish(self, parts: list[str]) -> str:
        head = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                '<title>gradmut report</title>\n</head>\n<body>\n')
        return head + "\n".join(parts) + "\n</body>\n</html>\n"


def style_for(fmt: str) -> MarkdownStyle:
    if fmt in ("github", "pipe"):
        return MarkdownStyle(fmt)
    if fmt.startswith("latex"):
        return LatexStyle(fmt)
    if fmt in ("html", "unsafehtml"):
        return HtmlStyle(fmt)
    return TextStyle(fmt)


def intro_lines(results) -> list[str]:
    """The setting in one sentence, then the baseline and sentinel in words, then notices."""
    config = results.config
    first = (f"Target {results.target}: function {config.function or '-'} in "
             f"{display_path(results.source_path)}; checker {config.checker}, epsilon "
             f"{format_float(config.epsilon)}, threshold {format_float(config.threshold)}, "
             f"seeds {format_seeds(config.seeds)}.")
    return [first, *baseline_lines(results), *results.notices]


def mutant_source(results, mutant, spaces: dict | None = None) -> str:
    """Return the whole mutated module: as stored, or the changed functions spliced in.

    `spaces` caches the parsed source per set of function names across calls.
    """
    if mutant.source or not mutant.functions:
        return mutant.source or results.source
    from mutators import ChangedFunction, MutationInputError, MutationSpace

    names = tuple(f.name for f in mutant.functions)
    spaces = {} if spaces is None else spaces
    try:
        if names not in spaces:
            spaces[names] = MutationSpace(results.source, list(names), results.source_path)
    except MutationInputError as error:
        raise UsageError(f"cannot rebuild mutant {mutant.id}: {error.what}",
                         where=error.where) from None
    return spaces[names].splice([ChangedFunction(f.name, f.first_line, f.source)
                                 for f in mutant.functions])


def mutant_diff(results, mutant, spaces: dict | None = None) -> str:
    """Return the unified diff (3 lines of context) from the target's source to the mutant's."""
    path = display_path(results.source_path)
    lines = difflib.unified_diff(results.source.splitlines(True),
                                 mutant_source(results, mutant, spaces).splitlines(True),
                                 fromfile=f"a/{path}", tofile=f"b/{path} ({mutant.id})")
    return "".join(lines)


def missed_diffs(results) -> list[tuple[str, str]]:
    """Return (id, unified diff) for every missed mutant, in the missed table's order."""
    spaces: dict = {}
    return [(r.mutant.id, mutant_diff(results, r.mutant, spaces))
            for r in results.mutants if r.outcome is Outcome.MISSED]


def render_document(results, fmt: str) -> str:
    """Return the whole report in a tabulate format (Markdown, LaTeX, HTML or text)."""
    style = style_for(fmt)
    parts = [style.title(f"gradmut report: {results.target}")]
    parts += [style.paragraph(line) for line in intro_lines(results)]
    for table in report_tables(results):
        parts.append(style.heading(table.title))
        parts.append(style.table(table) if table.rows else style.paragraph("(none)"))
        if table.title == "Missed mutants":
            parts += [style.code(name, diff) for name, diff in missed_diffs(results)]
    return style.finish(parts)


# The six tables by the name `gradmut report --table` takes, in report order.
TABLES = {"summary": summary_table, "mutants": mutants_table, "operators": operators_table,
          "blocks": blocks_table, "missed": missed_table, "setting": setting_table}
NO_TABLE_FORMATS = ("stryker", "png", "all")  # formats that are no single table


def check_table(name: str | None, fmt: str) -> str | None:
    """Return `name` if it names one of the six tables and `fmt` can show one table alone."""
    if name is None:
        return None
    if name not in TABLES:
        close = difflib.get_close_matches(name, TABLES, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise UsageError(f"unknown table {name!r}", where="--table",
                         fix=f"{hint}tables: {', '.join(TABLES)}")
    if fmt in NO_TABLE_FORMATS:
        raise UsageError(f"--format {fmt} takes no table", where="--table",
                         fix="drop --table, or pick a table format (csv, github, latex, ...)")
    return name


def render_table(results, name: str, fmt: str) -> str:
    """Return one table alone in `fmt` (a tabulate format, 'csv' or 'json': a list of rows)."""
    table = TABLES[check_table(name, fmt)](results)
    text = render(table, fmt) if fmt in ("csv", "json") else style_for(fmt).table(table)
    return text if text.endswith("\n") else text + "\n"


def render_report(results, fmt: str, table: str | None = None) -> str:
    """Return the report as text: a document, one `table`, 'csv', 'json' or 'stryker'.

    'csv' is one table (default: the mutants); 'json' is the results JSON, or with `table`
    that table's rows as objects.
    """
    if fmt == "csv" or check_table(table, fmt) is not None:
        return render_table(results, table or "mutants", fmt)
    if fmt == "json":
        from harness.report_files import report_json

        return report_json(results)
    if fmt == "stryker":
        from harness.stryker import stryker_json

        return stryker_json(results)
    return render_document(results, fmt)
