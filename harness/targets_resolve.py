"""Turn a TargetRef into a loaded target: the Target record, its source text and its namespace.

The one place a target is resolved, in the parent and in workers: a built-in name, a file shaped
like a built-in target (diagnose), or a user's .py file, notebook or target file (user_targets).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path

from harness.errors import UsageError
from harness.loading import load_module, read_source
from harness.records import TargetRef
from targets import Case, Target, UnknownTargetError, get_target


def resolve_target(name: str) -> Target:
    """Return a built-in target, or raise a UsageError naming the known ones."""
    try:
        return get_target(name)
    except UnknownTargetError as error:
        hint = f"did you mean {' or '.join(error.suggestions)}? " if error.suggestions else ""
        raise UsageError(f"unknown target {name!r}", where="--target",
                         fix=f"{hint}known targets: {', '.join(error.known)}") from None


@dataclass(frozen=True, slots=True)
class LoadedTarget:
    """A target with its source text read once and its module executed once.

    `line_map` maps a line of `source` to (cell, line in cell), both 1-based, when the source
    was assembled from a notebook's cells.
    """

    ref: TargetRef
    target: Target
    source: str
    namespace: dict
    line_map: dict | None = None

    @property
    def filename(self) -> str:
        return str(self.target.source_path)

    @property
    def source_sha256(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    def where(self, line: int) -> str:
        """Return a source line as the user sees it: 'cell 4, line 12' in a notebook."""
        label = line_label(self.line_map, line)
        return label if label != str(line) else f"line {line}"


def line_label(line_map: dict | None, line: int) -> str:
    """Return a line of the (assembled) source as a table shows it: '12', or 'cell 4, line 12'
    when `line_map` maps assembled lines to (cell, line in cell)."""
    if line_map and line in line_map:
        cell, cell_line = line_map[line]
        return f"cell {cell}, line {cell_line}"
    return str(line)


@dataclass(frozen=True, slots=True)
class ScaledCases:
    """A case factory whose every input array is multiplied by `scale` (parameters unchanged)."""

    make_case: object
    scale: float

    def __call__(self, seed: int) -> Case:
        case = self.make_case(seed)
        inputs = {name: value * self.scale if _is_features(name) else value
                  for name, value in case.inputs.items()}
        return Case(seed=case.seed, inputs=inputs, parameters=case.parameters)


def _is_features(name: str) -> bool:
    """Scale the features (X, x), never the labels (Y, y)."""
    return name.lower() not in ("y", "labels")


def builtin_ref(name: str) -> TargetRef:
    return TargetRef(name=resolve_target(name).name)


def variant_ref(name: str, variant: str) -> TargetRef:
    """Return the ref of a built-in target's variant ("correct" is the target itself)."""
    target = resolve_target(name)
    path = target.variant_path(variant)
    if path is None:
        raise UsageError(f"target {target.name!r} has no variant {variant!r}", where="--variant",
                         fix=f"choose one of: {', '.join(target.variant_names)}")
    return TargetRef(name=target.name) if variant == "correct" else \
        TargetRef(name=target.name, path=str(path))


def any_ref(target, variant: str | None = None, forward: str | None = None,
            backward: str | None = None) -> TargetRef:
    """Return the ref for a built-in name (optionally a variant of it) or a user's file."""
    if not isinstance(target, (str, os.PathLike, TargetRef)):
        raise UsageError(f"cannot load a {type(target).__name__} as code under test",
                         where="target", fix="pass a built-in target name or a file path")
    if variant not in (None, "correct"):
        from harness.user_targets import is_user_path

        if isinstance(target, TargetRef) or is_user_path(os.fspath(target)) or forward or \
                backward:
            raise UsageError("--variant names another source of a built-in target",
                             where="--variant", fix="leave it out for a file")
        return variant_ref(target, variant)
    return target_ref(target if isinstance(target, TargetRef) else os.fspath(target), forward,
                      backward)


def load_any(target, variant: str | None = None, forward: str | None = None,
             backward: str | None = None) -> "LoadedTarget":
    """Return the code under test: a LoadedTarget as it is, or a built-in name (with a
    `variant`, e.g. "buggy") or a path, loaded; what check, run and diagnose accept."""
    if isinstance(target, LoadedTarget):
        if variant not in (None, "correct") or forward or backward:
            raise UsageError("variant, forward and backward choose what to load",
                             where="target", fix="pass a target name or a path with them")
        return target
    return load_target(any_ref(target, variant, forward, backward))


def target_ref(target: str | TargetRef, forward: str | None = None,
               backward: str | None = None) -> TargetRef:
    """Return the ref for a built-in name or a path (.py, .ipynb, or any existing file)."""
    if isinstance(target, TargetRef):
        return target
    from harness.user_targets import is_user_path, user_ref

    if is_user_path(target):
        return user_ref(target, forward, backward)
    if forward or backward:
        raise UsageError("--forward/--backward name functions of a file target",
                         where=target, fix="give a .py file or notebook, or use --function")
    return builtin_ref(target)


def load_target(ref: TargetRef) -> LoadedTarget:
    """Resolve and load the code under test named by `ref` (UsageError on bad input)."""
    if ref.path is None:
        target = resolve_target(ref.name)
        source = read_source(target.source_path)
        loaded = LoadedTarget(ref, target, source, load_module(source, str(target.source_path)))
    elif ref.forward is None and ref.backward is None and _is_builtin(ref.name):
        loaded = _load_shaped_like(ref)
    else:
        from harness.user_targets import load_user_target

        loaded = load_user_target(ref)
    return scaled(loaded, ref.input_scale) if ref.input_scale != 1.0 else loaded


def scaled(loaded: LoadedTarget, scale: float) -> LoadedTarget:
    """Return the loaded target whose cases have their inputs times `scale` (ref says so too,
    so a spawned worker resolves the same thing)."""
    base = loaded.target.make_case
    if isinstance(base, ScaledCases):
        base = base.make_case
    return replace(loaded, ref=replace(loaded.ref, input_scale=scale),
                   target=replace(loaded.target, make_case=ScaledCases(base, scale)))


def _is_builtin(name: str) -> bool:
    from targets import TARGETS

    return name in TARGETS


def _load_shaped_like(ref: TargetRef) -> LoadedTarget:
    """Load a file with a built-in target's functions and parameters (gradmut diagnose FILE)."""
    target = resolve_target(ref.name)
    source = read_source(Path(ref.path))
    namespace = load_module(source, ref.path)
    return LoadedTarget(ref, replace(target, source_path=Path(ref.path)), source, namespace)
