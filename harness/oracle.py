"""The exact oracle: differentiate the target's own forward pass with autograd.

Every finite-difference check mixes the backward pass's error with its own. autograd gives the
gradient of the unchanged forward pass to rounding, so gradmut can say whether a backward is
right independent of epsilon and threshold. The forward pass is re-executed with `numpy` swapped
for `autograd.numpy` in its own namespace only: a private import function serves the swap to the
target file and to gradmut's own `targets` modules (also under the course names gc_utils and
testCases); nothing in sys.modules changes. Other modules the target imports are used as they
are, so a helper module of the user's that calls numpy directly is not differentiable here.
"""
from __future__ import annotations

import builtins
import traceback
import types
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.checkers import norm_ratio  # noqa: F401  (re-exported for callers)
from harness.gradients import block_slices, flatten, unflatten
from harness.loading import COURSE_MODULES, own_course_module

# Agreement with the exact gradient, as a relative norm. A correct backward differs from
# autograd by reordered rounding only: 2.5e-14 on the course's case, but rounding is amplified
# where the sigmoid saturates (A3 - Y cancels): over seeds 1-40 at input scales 0.5, 1 and 2
# the worst was 1.55e-9 (scale 2, seed 35). 1e-8 keeps 6x above that; the smallest bug the
# operators write (a factor 1.001) moves the gradient by about 5e-4.
EXACT_AGREEMENT = 1e-8


class OracleUnavailable(Exception):
    """autograd cannot differentiate this forward pass: what failed and where."""

    def __init__(self, what: str, where: str):
        self.what, self.where = what, where
        super().__init__(f"{where}: {what}")


def _autograd():
    from harness.errors import UsageError

    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        raise UsageError("the autograd oracle is not installed", where="--oracle",
                         fix="pip install 'gradmut[oracle]'") from None
    return autograd, anp


class _SwappedImports:
    """An __import__ that answers `numpy` with autograd.numpy and re-executes the helpers."""

    def __init__(self, anp, filename: str = ""):
        self.anp, self.modules, self.filename = anp, {}, filename

    def __call__(self, name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and (name == "numpy" or name.startswith("numpy.")):
            return self.anp if name == "numpy" or fromlist else self.anp
        if level == 0 and name in COURSE_MODULES:
            own = own_course_module(self.filename, name)
            return self.module(COURSE_MODULES[name], own)
        if level == 0 and name.startswith("targets.") and fromlist:
            return self.module(name)  # gradmut's own modules: re-executed with the swap
        return builtins.__import__(name, globals, locals, fromlist, level)

    def module(self, dotted: str, path: Path | None = None) -> types.ModuleType:
        """Return gradmut's module `dotted` (or the user's file `path` in its place), executed
        once with the swap."""
        key = str(path) if path else dotted
        if key not in self.modules:
            import importlib.util

            origin = str(path) if path else importlib.util.find_spec(dotted).origin
            self.modules[key] = self.execute(Path(origin).read_text(encoding="utf-8"), origin,
                                             path.stem if path else dotted)
        return self.modules[key]

    def execute(self, source: str, filename: str, name: str) -> types.ModuleType:
        module = types.ModuleType(name)
        module.__file__ = filename
        module.__builtins__ = {**vars(builtins), "__import__": self}
        exec(compile(source, filename, "exec"), module.__dict__)
        return module


@dataclass
class Oracle:
    """Exact gradients of one target's forward pass, one per case, computed on demand."""

    loaded: object
    _namespace: dict | None = None
    _cache: dict | None = None

    def namespace(self) -> dict:
        if self._namespace is None:
            _, anp = _autograd()
            importer = _SwappedImports(anp, self.loaded.filename)
            try:
                module = importer.execute(self.loaded.source, self.loaded.filename,
                                          "gradmut_oracle")
            except Exception as error:
                raise _unavailable(error, self.loaded.filename) from None
            self._namespace = module.__dict__
        return self._namespace

    def gradient(self, case) -> np.ndarray:
        """Return the exact gradient of the loss at the case's parameters, as a flat column."""
        self._cache = self._cache if self._cache is not None else {}
        if case.seed not in self._cache:
            autograd, _ = _autograd()
            target, namespace = self.loaded.target, self.namespace()
            theta = flatten(case.parameters, target.layout).astype(np.float64)

            def loss(vector):
                return target.loss(namespace, case, unflatten(vector, target.layout))

            try:
                exact = np.asarray(autograd.grad(loss)(theta), dtype=np.float64)
            except Exception as error:
                raise _unavailable(error, self.loaded.filename) from None
            if not np.all(np.isfinite(exact)):
                raise OracleUnavailable("the exact gradient has non-finite entries",
                                        self.loaded.filename)
            self._cache[case.seed] = exact.reshape(-1, 1)
        return self._cache[case.seed]


def _unavailable(error: Exception, filename: str) -> OracleUnavailable:
    """Name the failing line of the target (or its helpers) for the one-line notice."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f.filename == filename] or [
        f for f in frames if "autograd" not in f.filename] or frames
    where = f"{ours[-1].filename}:{ours[-1].lineno}" if ours else filename
    text = " ".join(str(error).split())[:160]
    return OracleUnavailable(f"autograd cannot differentiate this forward pass "
                             f"({error.__class__.__name__}: {text})", where)


def exact_errors(grad: np.ndarray, approx: np.ndarray, exact: np.ndarray, layout) -> dict:
    """Split a check's difference into the backward's error and the check's own error."""
    return {"backward_error": norm_ratio(grad, exact),
            "numeric_error": norm_ratio(approx, exact),
            "per_parameter": {f"d{name}": norm_ratio(grad[part], exact[part])
                              for name, part in block_slices(layout).items()}}


def agrees_exactly(grad: np.ndarray, exact: np.ndarray) -> bool:
    """True when a gradient equals the exact one to rounding (see EXACT_AGREEMENT)."""
    return grad.shape == exact.shape and norm_ratio(grad, exact) <= EXACT_AGREEMENT
