"""Turn a TargetRef into a loaded target: the Target record, its source text and its namespace.

Workers call this once at start-up; the parent calls it to read the source for mutation.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from harness.check import resolve_target
from harness.loading import load_module, read_source
from harness.records import TargetRef
from targets import Target


@dataclass(frozen=True, slots=True)
class LoadedTarget:
    """A target with its source text read once and its module executed once."""

    ref: TargetRef
    target: Target
    source: str
    namespace: dict

    @property
    def filename(self) -> str:
        return str(self.target.source_path)

    @property
    def source_sha256(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()


def builtin_ref(name: str) -> TargetRef:
    return TargetRef(name=resolve_target(name).name)


def load_target(ref: TargetRef) -> LoadedTarget:
    """Resolve and load the code under test named by `ref` (UsageError on bad input)."""
    target = resolve_target(ref.name)
    source = read_source(target.source_path)
    namespace = load_module(source, str(target.source_path))
    return LoadedTarget(ref, target, source, namespace)
