"""Target files: a user's .py file that says how to exercise its own backward pass.

A CS231n layer (`affine_backward(dout, cache)`), a Nielsen-style `backprop` returning lists, or a
user's own model has no course signature; its file declares, at module level,

    GRADMUT_TARGET = {
        "function": "affine_backward",   # the function to mutate; a list mutates several
        "make_case": make_case,          # seed -> {"inputs": {...}, "parameters": {...}}
        "loss": loss,                    # (namespace, case, parameters) -> float
        "gradients": gradients,          # (namespace, case, parameters) -> {"w": dw, ...}
        "layout": [("w", (4, 3))],       # optional: default, make_case(1)'s parameters in order
        "name": "affine-layer",          # optional: default, the file's name
        "description": "...",            # optional
    }

`loss` and `gradients` run with the mutant's module globals, so they may call the file's
functions plainly; `case.inputs` and `case.parameters` are the dicts make_case returned. Loading
checks all of it once on case 1, including that `gradients` reaches every mutated function.
"""
from __future__ import annotations

import math
import types
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.errors import UsageError
from harness.evaluate import describe_error
from harness.gradients import InvalidGradient, gradient_vector
from harness.loading import with_function
from targets import Case, Target

REQUIRED = ("function", "make_case", "loss", "gradients")
OPTIONAL = ("layout", "name", "description")
PROBE = "gradmut probe: the function under test was reached"


@dataclass(frozen=True, slots=True)
class InNamespace:
    """Call a target file's adapter with the globals of the namespace it is given (a mutant's)."""

    function: types.FunctionType
    home: dict

    def __call__(self, namespace: dict, case: Case, parameters):
        function = self.function
        if function.__globals__ is self.home and namespace is not self.home:
            function = types.FunctionType(function.__code__, namespace, function.__name__,
                                          function.__defaults__, function.__closure__)
        return function(namespace, case, parameters)


@dataclass(frozen=True, slots=True)
class DeclaredCases:
    """Turn make_case's {"inputs": ..., "parameters": ...} into a Case of float arrays."""

    factory: object

    def __call__(self, seed: int) -> Case:
        made = self.factory(seed)
        if isinstance(made, Case):
            return made
        if not (isinstance(made, Mapping) and {"inputs", "parameters"} <= set(made)):
            raise TypeError(f"make_case returned {type(made).__name__}, not a dict with "
                            "'inputs' and 'parameters'")
        parameters = {name: np.asarray(value, dtype=np.float64)
                      for name, value in made["parameters"].items()}
        return Case(seed=seed, inputs=dict(made["inputs"]), parameters=parameters)


def _fail(what: str, path: Path, fix: str | None = None) -> UsageError:
    return UsageError(what, where=f"{path}: GRADMUT_TARGET", fix=fix)


def _spec(namespace: dict, path: Path) -> Mapping:
    spec = namespace["GRADMUT_TARGET"]
    if not isinstance(spec, Mapping):
        raise _fail(f"is a {type(spec).__name__}, not a dict", path)
    unknown = sorted(set(spec) - set(REQUIRED) - set(OPTIONAL))
    missing = [key for key in REQUIRED if key not in spec]
    if unknown or missing:
        raise _fail(f"{'unknown keys ' + ', '.join(unknown) if unknown else ''}"
                    f"{'; ' if unknown and missing else ''}"
                    f"{'missing keys ' + ', '.join(missing) if missing else ''}", path,
                    fix=f"keys: {', '.join(REQUIRED)} (required), {', '.join(OPTIONAL)}")
    for key in ("make_case", "loss", "gradients"):
        if not isinstance(spec[key], types.FunctionType):
            raise _fail(f"{key!r} is not a function defined in the file", path)
    return spec


def _functions(value, namespace: dict, path: Path) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    for name in names:
        if not isinstance(namespace.get(name), types.FunctionType):
            raise _fail(f"'function' names {name!r}, which the file does not define", path)
    if not names:
        raise _fail("'function' names no function", path)
    return names


def _layout(value, case: Case, path: Path) -> tuple[tuple[str, tuple[int, ...]], ...]:
    if value is None:
        return tuple((name, np.shape(array)) for name, array in case.parameters.items())
    pairs = value.items() if isinstance(value, Mapping) else value
    layout = tuple((str(name), tuple(int(n) for n in shape)) for name, shape in pairs)
    for name, shape in layout:
        given = np.shape(case.parameters[name]) if name in case.parameters else f"no {name}"
        if given != shape:
            raise _fail(f"'layout' says {name} has shape {shape}; make_case(1) gives {given}",
                        path)
    return layout


def declared_target(namespace: dict, path: Path) -> Target:
    """Return the Target a target file declares, checked on case 1 (UsageError if unusable)."""
    spec = _spec(namespace, path)
    functions = _functions(spec["function"], namespace, path)
    make_case = DeclaredCases(spec["make_case"])
    try:
        case = make_case(1)
    except Exception as error:
        raise _fail(f"make_case(1) failed ({describe_error(error)})", path) from None
    target = Target(name=str(spec.get("name") or path.name), source_path=path,
                    function=functions[0] if len(functions) == 1 else functions,
                    layout=_layout(spec.get("layout"), case, path), make_case=make_case,
                    loss=InNamespace(spec["loss"], namespace),
                    gradients=InNamespace(spec["gradients"], namespace),
                    description=str(spec.get("description") or f"declared in {path.name}"))
    _dry_run(target, namespace, case, path)
    for name in functions:
        _require_reached(target, namespace, case, name, path)
    return target


def _dry_run(target: Target, namespace: dict, case: Case, path: Path) -> None:
    """Call loss and gradients once, so a mistake shows now and not as every mutant crashing."""
    try:
        loss = target.loss(namespace, case, case.parameters)
        grads = target.gradients(namespace, case, case.parameters)
    except Exception as error:
        raise _fail(f"loss or gradients failed on make_case(1) ({describe_error(error)})",
                    path) from None
    if not (np.ndim(loss) == 0 and math.isfinite(float(loss))):
        raise _fail(f"loss returned {loss!r}, not a finite number", path)
    try:
        gradient_vector(grads, target.layout)
    except InvalidGradient as error:
        raise _fail(f"gradients are unusable: {error}", path,
                    fix=f"return a dict keyed {', '.join(target.parameter_names)}") from None


def _require_reached(target: Target, namespace: dict, case: Case, name: str,
                     path: Path) -> None:
    """Raise unless `gradients` calls `name`: else none of its mutants could change anything."""
    stub = f"def {name}(*args, **kwargs):\n    raise LookupError({PROBE!r})\n"
    probed = with_function(namespace, stub, "<gradmut probe>")
    try:
        target.gradients(probed, case, case.parameters)
    except LookupError as error:
        if str(error).strip("'\"") == PROBE:
            return
    except Exception:
        pass
    raise _fail(f"gradients never reaches {name}, so its mutants could not change anything",
                path, fix=f"call {name} (directly or through other functions of the file) "
                          "from gradients")
