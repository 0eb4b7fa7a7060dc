"""Read a Jupyter notebook as one module: its imports and definitions, not its test calls.

Course notebooks define a function in one cell and call it, print and check in the next. gradmut
keeps each code cell's imports, function and class definitions and simple constant assignments,
leaves every other top-level statement out, and joins what is kept into one module text, with a
map from each module line to (cell, line in cell) so positions are reported as the user sees
them. Cells are numbered from 1 over all cells, markdown included (as editors show them).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from harness.errors import UsageError

KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True, slots=True)
class AssembledNotebook:
    """The module text built from a notebook, and where each of its lines came from."""

    source: str
    line_map: dict[int, tuple[int, int]]  # module line -> (cell, line in cell), all 1-based
    dropped: tuple[str, ...]  # "cell 7, line 1" for each top-level statement left out


def read_notebook(path: Path):
    """Return the notebook (nbformat v4), or raise a UsageError saying why it cannot be read."""
    import nbformat

    try:
        return nbformat.read(str(path), as_version=4)
    except (OSError, ValueError, KeyError, AttributeError) as error:
        raise UsageError(f"cannot read the notebook ({error.__class__.__name__}: "
                         f"{' '.join(str(error).split())[:160]})", where=str(path),
                         fix="pass a Jupyter notebook (.ipynb) saved by Jupyter") from None


def _without_magics(text: str) -> list[str]:
    """Return the cell's lines with IPython magics and shell escapes blanked (numbering kept)."""
    lines = text.splitlines()
    return ["" if line.lstrip().startswith(("%", "!")) else line for line in lines]


def _kept(statement: ast.stmt) -> bool:
    """Keep imports, definitions and assignments of literal constants (`x, theta = 2, 4`)."""
    if isinstance(statement, KEPT):
        return True
    if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
        try:
            ast.literal_eval(statement.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return False
        return True
    return False


def _first_line(statement: ast.stmt) -> int:
    decorators = getattr(statement, "decorator_list", [])
    return min([statement.lineno] + [d.lineno for d in decorators])


def _cell_statements(path: Path, number: int, text: str):
    """Yield (first line, last line, statement) for each top-level statement of a code cell."""
    lines = _without_magics(text)
    if lines and text.lstrip().startswith("%%"):
        return  # a cell magic (%%time, %%capture...) runs the cell its own way: not Python
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError as error:
        raise UsageError(f"syntax error: {error.msg}",
                         where=f"{path}: cell {number}, line {error.lineno}",
                         fix="fix the cell so that it compiles") from None
    for statement in tree.body:
        yield _first_line(statement), statement.end_lineno, statement, lines


def _defined_name(statement: ast.stmt) -> str | None:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return statement.name
    return None


def assemble(path: Path) -> AssembledNotebook:
    """Build one module from the notebook's kept statements (a later definition wins)."""
    notebook = read_notebook(path)
    found, dropped = [], []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        for first, last, statement, lines in _cell_statements(path, number, cell.source):
            if _kept(statement):
                found.append((number, first, lines[first - 1:last], _defined_name(statement)))
            else:
                dropped.append(f"cell {number}, line {first}")
    last_definition = {name: index for index, (_, _, _, name) in enumerate(found) if name}
    text, line_map, previous = [], {}, None
    for index, (number, first, lines, name) in enumerate(found):
        if name and last_definition[name] != index:
            continue  # redefined in a later cell: the notebook runs the later one
        if text and previous != (number, first - 1):
            text += ["", ""]
        previous = (number, first + len(lines) - 1)
        for offset, line in enumerate(lines):
            text.append(line)
            line_map[len(text)] = (number, first + offset)
    return AssembledNotebook("\n".join(text) + "\n", line_map, tuple(dropped))


def with_function_replaced(path: Path, line_map: dict, first_line: int, line_count: int,
                           new_text: str, notebook=None):
    """Return a copy of the notebook (or edit `notebook`) whose lines first_line ..
    first_line + line_count - 1 of the assembled module (one function, in one cell) read
    `new_text`; outputs are cleared."""
    notebook = read_notebook(path) if notebook is None else notebook
    cell_number, start = line_map[first_line]
    _, end = line_map[first_line + line_count - 1]
    cell = notebook.cells[cell_number - 1]
    lines = cell.source.splitlines()
    cell.source = "\n".join(lines[:start - 1] + new_text.rstrip("\n").splitlines() + lines[end:])
    for other in notebook.cells:
        if other.cell_type == "code":
            other.outputs, other.execution_count = [], None
    return notebook
