"""Load code under test in memory: exec a module's text, then swap in one mutated function.

Nothing is written to disk. Mutated source is registered with linecache so a crash's traceback
and message point at the mutant's own line.
"""
from __future__ import annotations

import contextlib
import linecache
import sys
import types
from pathlib import Path

from harness.errors import UsageError


def read_source(path: Path) -> str:
    """Return a source file's text, or raise a UsageError saying why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read source file ({error.__class__.__name__}: {error})",
                         where=str(path), fix="check the path and that it is a UTF-8 .py file")


def _register(filename: str, source: str) -> None:
    """Let tracebacks show lines of in-memory source (linecache normally reads from disk)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)


def compile_source(source: str, filename: str):
    """Compile module text, turning a syntax error into a UsageError with Python's own line."""
    try:
        return compile(source, filename, "exec")
    except SyntaxError as error:
        raise UsageError(f"syntax error: {error.msg}",
                         where=f"{filename}:{error.lineno}:{error.offset}",
                         fix="fix the source so that it compiles") from None


COURSE_MODULES = {"gc_utils": "targets.course_helpers", "testCases": "targets.course_cases"}


def own_course_module(filename: str, name: str) -> Path | None:
    """Return the user's own `gc_utils.py` / `testCases.py` beside `filename`, if it exists.

    Course downloads ship these files beside the notebook; the user's copy is their code and
    wins over gradmut's, exactly as it would in Jupyter.
    """
    path = Path(filename).parent / f"{name}.py"
    return path if path.is_file() else None


@contextlib.contextmanager
def course_module_aliases(filename: str = ""):
    """Make `gc_utils` and `testCases` importable while a user's file loads, then restore.

    Notebook code does `from gc_utils import relu` and `from testCases import *`; gradmut serves
    its own helpers under those names without leaving generic names in sys.modules, except where
    the user has their own file of that name beside `filename`.
    """
    import importlib

    aliases = {name: importlib.import_module(module) for name, module in COURSE_MODULES.items()
               if not (filename and own_course_module(filename, name))}
    saved = {name: sys.modules.get(name) for name in aliases}
    sys.modules.update(aliases)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def load_module(source: str, filename: str, module_name: str = "gradmut_target") -> dict:
    """Exec module text in a fresh namespace and return that namespace."""
    code = compile_source(source, filename)
    _register(filename, source)
    module = types.ModuleType(module_name)
    module.__file__ = filename
    namespace = module.__dict__
    with course_module_aliases(filename), contextlib.redirect_stdout(sys.stderr):
        try:  # the module's own prints go to stderr: stdout is for results (--json -)
            exec(code, namespace)
        except Exception as error:  # a user's file that fails to import is bad input
            raise UsageError(f"the module failed to import ({error.__class__.__name__}: {error})",
                             where=filename, fix="make the file importable on its own") from None
    return namespace


def with_function(namespace: dict, function_source: str, filename: str,
                  first_line: int = 1) -> dict:
    """Return a copy of `namespace` in which the function defined by `function_source` replaces
    the original; the rest of the module (forward pass, helpers) is shared, not re-executed.

    The text is padded to start at `first_line` (1-based) so tracebacks name the file's lines.
    """
    mutated = dict(namespace)
    padded = "\n" * (first_line - 1) + function_source
    _register(filename, padded)
    exec(compile(padded, filename, "exec"), mutated)
    _rebind(mutated, namespace)
    return mutated


def _rebind(mutated: dict, original: dict) -> None:
    """Point the module's other functions at the copy, so a caller (`L_model_backward`) reaches
    a mutated helper (`linear_backward`) instead of the original through its old globals."""
    for name, value in mutated.items():
        if isinstance(value, types.FunctionType) and value.__globals__ is original:
            copy = types.FunctionType(value.__code__, mutated, value.__name__,
                                      value.__defaults__, value.__closure__)
            copy.__kwdefaults__, copy.__dict__ = value.__kwdefaults__, dict(value.__dict__)
            copy.__qualname__ = value.__qualname__
            mutated[name] = copy
