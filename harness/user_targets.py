"""Load code under test from the user's own file: a course-shaped .py file or notebook, or a
target file that declares its own shape.

Course staff and students have a notebook or a file, not a gradmut module. A file shaped like the
course's network needs only the names of its forward and backward pass; any other shape is a
*target file*: a .py file with a module-level `GRADMUT_TARGET` dict (see target_files.py). The
user's file is read, never written, and loading it leaves nothing new in sys.modules.
"""
from __future__ import annotations

import contextlib
import difflib
import inspect
import sys
import types
from pathlib import Path

from harness.errors import UsageError
from harness.loading import load_module, read_source
from harness.records import TargetRef
from harness.targets_resolve import LoadedTarget
from targets import CourseNetworkAdapter, Target, course_cases
from targets.course_helpers import PARAMETER_KEYS, SHAPES

DEFAULT_FORWARD = "forward_propagation_n"
DEFAULT_BACKWARD = "backward_propagation_n"
SUFFIXES = (".py", ".ipynb")
COURSE_CALLS = {"forward": ("X", "Y", "parameters"), "backward": ("X", "Y", "cache")}


def is_user_path(text: str) -> bool:
    """True if `text` names a file rather than a built-in target."""
    return Path(text).suffix in SUFFIXES or Path(text).exists()


def user_ref(path: str, forward: str | None = None, backward: str | None = None) -> TargetRef:
    """Return the ref of a user's .py file or notebook (UsageError if it cannot be one)."""
    file = Path(path)
    if not file.is_file():
        raise UsageError("no such file", where=path,
                         fix="pass a .py file, a notebook (.ipynb), or a built-in target name")
    if file.suffix not in SUFFIXES:
        raise UsageError(f"not a .py file or a notebook (suffix {file.suffix or 'none'!r})",
                         where=path, fix="pass a .py file or a .ipynb notebook")
    return TargetRef(name=file.name, path=str(file), forward=forward, backward=backward)


@contextlib.contextmanager
def sibling_imports(directory: Path):
    """Let the user's file import modules beside it, then forget those modules again."""
    entry = str(directory.resolve())
    before = set(sys.modules)
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(entry)
        for name in set(sys.modules) - before:
            root = name.split(".")[0]
            if root not in before and _served_from(sys.modules[name], Path(entry) / root):
                del sys.modules[name]


def _served_from(module: types.ModuleType, stem: Path) -> bool:
    """True if the module's file is `stem`.py or inside the package directory `stem`."""
    file = getattr(module, "__file__", None)
    if not file:
        return False
    file = Path(file).resolve()
    return file == stem.with_suffix(".py") or stem in file.parents


def load_user_target(ref: TargetRef) -> LoadedTarget:
    """Load a user's file or notebook and describe it as a Target (UsageError on bad input)."""
    path = Path(ref.path)
    line_map = None
    if path.suffix == ".ipynb":
        from harness.notebooks import assemble

        assembled = assemble(path)
        source, line_map = assembled.source, assembled.line_map
    else:
        source = read_source(path)
    with sibling_imports(path.parent):
        namespace = load_module(source, str(path))
    if "GRADMUT_TARGET" in namespace:
        from harness.target_files import declared_target

        if ref.forward or ref.backward:
            raise UsageError("a target file declares its own functions in GRADMUT_TARGET",
                             where=str(path), fix="leave out --forward/--backward")
        target = declared_target(namespace, path)
    else:
        target = course_shaped_target(namespace, path, ref)
    return LoadedTarget(ref, target, source, namespace, line_map)


def defined_functions(namespace: dict) -> list[str]:
    """Names of the functions the user's module itself defines (not imported ones)."""
    return [name for name, value in namespace.items()
            if isinstance(value, types.FunctionType) and value.__globals__ is namespace]


def require_function(namespace: dict, name: str, path: Path, option: str):
    """Return the module's function `name`, or raise a UsageError naming the ones defined."""
    function = namespace.get(name)
    if isinstance(function, types.FunctionType):
        return function
    defined = defined_functions(namespace)
    close = difflib.get_close_matches(name, defined, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    raise UsageError(f"no function {name!r}", where=str(path),
                     fix=f"{hint}functions defined: {', '.join(defined) or 'none'}; "
                         f"name yours with {option} NAME")


def require_call(function, arguments: tuple[str, ...], path: Path, option: str) -> None:
    """Raise a UsageError unless `function` accepts the course's positional call."""
    signature = inspect.signature(function)
    try:
        signature.bind(*arguments)
    except TypeError:
        expected = f"{function.__name__}({', '.join(arguments)})"
        raise UsageError(f"{function.__name__}{signature} cannot be called as {expected}",
                         where=str(path),
                         fix=f"name a function with the course's signature via {option}, or "
                             "declare another shape in a target file (GRADMUT_TARGET)") from None


def course_shaped_target(namespace: dict, path: Path, ref: TargetRef) -> Target:
    """Describe a file shaped like the course's network: forward(X, Y, parameters) ->
    (cost, cache), backward(X, Y, cache) -> {"dW1": ...}, checked on the course's test case."""
    names = {"forward": ref.forward or DEFAULT_FORWARD,
             "backward": ref.backward or DEFAULT_BACKWARD}
    for role, name in names.items():
        function = require_function(namespace, name, path, f"--{role}")
        require_call(function, COURSE_CALLS[role], path, f"--{role}")
    adapter = CourseNetworkAdapter(names["forward"], names["backward"])
    return Target(name=path.name, source_path=path, function=names["backward"],
                  layout=tuple((key, SHAPES[key]) for key in PARAMETER_KEYS),
                  make_case=course_cases.make_case, loss=adapter.loss,
                  gradients=adapter.gradients,
                  description=f"{names['backward']} of {path.name} on the course's test case")
