"""Show a Diagnosis: the repairs and the per-block differences as tables, in words, and diffs.

Each repair's diff is written as the user sees the code: of the module, or of the changed cells
of a notebook with the cell's own line numbers. The same Table rows render on screen (any
tabulate format, CSV, JSON), in Markdown and in HTML (Jupyter) through harness.tables.render,
so every view shows the same digits.
"""
from __future__ import annotations

import difflib
import html
import os

from harness.formatting import format_float, format_seeds
from harness.tables import Table, render

SHOWN_DIFFS = 3  # on screen; --json has every repair's diff


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _lines_in_words(repair) -> str:
    """'line 44', 'lines 22 and 28', or the notebook's 'cell 6, line 12 and cell 6, line 18'."""
    if repair.cells is not None:
        return _and([f"cell {cell}, line {line}" for cell, line in repair.cells])
    numbers = [str(line) for line in repair.lines]
    return ("line " if len(numbers) == 1 else "lines ") + _and(numbers)


def uniqueness(diagnosis) -> str:
    """Say how many repairs there are and at how many places: '3 repairs, all on lines 22 and
    28: one fix location'."""
    repairs = diagnosis.repairs
    if not repairs:
        return "no repair found"
    count = f"{len(repairs)} repair{'s' if len(repairs) > 1 else ''}"
    if diagnosis.unique:
        on = "all on" if len(repairs) > 1 else "on"
        return f"{count}, {on} {_lines_in_words(repairs[0])}: one fix location"
    first_at = {}
    for repair in repairs:
        first_at.setdefault(repair.lines, repair)
    places = "; ".join(_lines_in_words(r) for r in first_at.values())
    return f"{count} at {len(diagnosis.locations)} locations ({places}): not a unique fix"


def repairs_table(diagnosis) -> Table:
    """The ranked repairs: mutants, where, the change, and the difference after."""
    exact = bool(diagnosis.oracle)
    headers = ("rank", "mutants", "where", "difference after", "worst over cases") + (
        ("exact error after",) if exact else ()) + ("change",)
    rows = tuple((str(rank), " + ".join(r.mutants), r.where, format_float(r.difference_after),
                  format_float(r.worst_difference_after))
                 + ((format_float(r.exact_error),) if exact else ()) + (r.description,)
                 for rank, r in enumerate(diagnosis.repairs, start=1))
    return Table("Repairs", headers, rows)


def blocks_table(diagnosis) -> Table:
    """Per-block differences on the course's case: as given, then after each repair (blamed
    blocks first, marked with *)."""
    names = list(diagnosis.blamed) + [n for n in diagnosis.per_parameter
                                      if n not in diagnosis.blamed]
    headers = ("code", "difference") + tuple(f"{n}*" if n in diagnosis.blamed else n
                                             for n in names)
    rows = [("as given", format_float(diagnosis.difference))
            + tuple(format_float(diagnosis.per_parameter.get(n)) for n in names)]
    rows += [(f"repair {rank}", format_float(r.difference_after))
             + tuple(format_float(r.per_parameter_after.get(n)) for n in names)
             for rank, r in enumerate(diagnosis.repairs, start=1)]
    return Table("Per-block differences on the course's case (* blamed)", headers, tuple(rows))


def summary_lines(diagnosis) -> list[str]:
    """The diagnosis in words: the code as given, the oracle, the search, what was left out."""
    d = diagnosis
    blocks = ", ".join(d.blamed) or "none"
    lines = [f"as given: difference {format_float(d.difference)} on the course's case "
             f"(threshold {format_float(d.threshold, 1)}); blamed blocks: {blocks}"]
    if d.oracle:
        lines.append(f"oracle (autograd): the code as given is off the exact gradient by "
                     f"{format_float(d.exact_error)} (largest over the cases); the code passes, "
                     "and a candidate repairs it, only if it agrees with the exact gradient to "
                     "rounding on every case (no threshold involved)")
    seeds = format_seeds(d.seeds)
    if d.passes:
        how = "agrees with the exact gradient" if d.oracle else "passes the check"
        lines.append(f"the code {how} on all {len(d.seeds)} cases (seeds {seeds}): "
                     "nothing to repair")
        if d.oracle and d.difference > d.threshold:
            lines.append("(the check's difference above the threshold is the finite "
                         "difference's own error, not the backward's)")
        return lines
    single = d.tried - d.tried_pairs
    tried = f"tried {d.tried} candidate repairs ({single} single edits" + (
        f", {d.tried_pairs} pairs" if d.tried_pairs else "") + f") on seeds {seeds}"
    lines.append(f"{tried}; {uniqueness(d)}")
    if d.skipped:
        lines.append(f"pairs not tried ({sum(d.skipped.values())}): " + "; ".join(
            f"{count} {reason}" for reason, count in d.skipped.items()))
    if not d.repairs:
        lines.append("no repair within gradmut's operators: the bug is not one of the kinds "
                     "they write, or needs more edits than --max-order")
    return lines


def diff_sections(diagnosis, shown: int = SHOWN_DIFFS) -> list[tuple[str, str]]:
    """(title, diff) for the first `shown` repairs."""
    total = len(diagnosis.repairs)
    return [(f"repair {rank} of {total}: {' + '.join(r.mutants)} ({r.where})", r.diff)
            for rank, r in enumerate(diagnosis.repairs[:shown], start=1)]


def render_diagnosis(diagnosis, fmt: str = "simple", shown: int = SHOWN_DIFFS) -> str:
    """The screen text: words, the two tables, and the diffs of the top repairs."""
    lines = summary_lines(diagnosis)
    if diagnosis.repairs:
        for table in (repairs_table(diagnosis), blocks_table(diagnosis)):
            lines += ["", table.title, render(table, fmt)]
        for title, diff in diff_sections(diagnosis, shown):
            lines += ["", title, diff.rstrip("\n")]
        hidden = len(diagnosis.repairs) - min(shown, len(diagnosis.repairs))
        if hidden:
            lines += ["", f"{hidden} more repair diff(s): --diffs {len(diagnosis.repairs)} "
                          "shows them, --json FILE has every one"]
    return "\n".join(lines).rstrip() + "\n"


def diagnosis_markdown(diagnosis) -> str:
    """Markdown for Jupyter's `_repr_markdown_`: words, tables, the top diffs."""
    parts = [f"**gradmut diagnose** on `{diagnosis.source_path}`"] + summary_lines(diagnosis)
    if diagnosis.repairs:
        for table in (repairs_table(diagnosis), blocks_table(diagnosis)):
            parts += [f"### {table.title}", render(table, "github")]
        for title, diff in diff_sections(diagnosis):
            parts += [f"**{title}**", f"```diff\n{diff.rstrip()}\n```"]
    return "\n\n".join(parts)


def diagnosis_html(diagnosis) -> str:
    """HTML for Jupyter's `_repr_html_`."""
    parts = [f"<p><b>gradmut diagnose</b> on <code>{html.escape(diagnosis.source_path)}"
             "</code></p>"]
    parts += [f"<p>{html.escape(line)}</p>" for line in summary_lines(diagnosis)]
    if diagnosis.repairs:
        for table in (repairs_table(diagnosis), blocks_table(diagnosis)):
            parts += [f"<h4>{html.escape(table.title)}</h4>", render(table, "html")]
        for title, diff in diff_sections(diagnosis):
            parts += [f"<h4>{html.escape(title)}</h4>", f"<pre>{html.escape(diff)}</pre>"]
    return "\n".join(parts)


def differ(loaded):
    """Return mutant -> unified diff: of the module, or of the changed cells of a notebook."""
    from mutators import unified_diff

    name = os.path.basename(loaded.filename)
    if not loaded.line_map:
        return lambda mutant: unified_diff(loaded.source, mutant, name)
    import copy
    from pathlib import Path

    from harness.notebooks import read_notebook, with_function_replaced

    path = Path(loaded.filename)
    original = read_notebook(path)

    def cell_diff(mutant) -> str:
        edited = copy.deepcopy(original)
        for function in mutant.functions:
            with_function_replaced(path, loaded.line_map, function.first_line,
                                   definition_lines(loaded.source, function), function.source,
                                   edited)
        text = []
        for number, (old, new) in enumerate(zip(original.cells, edited.cells), start=1):
            if old.source != new.source:
                text += difflib.unified_diff(old.source.splitlines(), new.source.splitlines(),
                                             f"a/{name} cell {number}",
                                             f"b/{name} cell {number} ({mutant.id})",
                                             lineterm="")
        return "\n".join(text) + "\n"

    return cell_diff


def definition_lines(source: str, function) -> int:
    """Lines of the original definition of `function.name` starting at function.first_line."""
    import ast

    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name == function.name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            if first == function.first_line:
                return node.end_lineno - first + 1
    return len(function.source.splitlines())
