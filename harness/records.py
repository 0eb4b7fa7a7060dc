"""Frozen records that cross process and storage boundaries: work items and measurements.

A Measurement stores facts (status, difference, agreement with the reference backward); what
they mean at a threshold is derived later by outcomes.classify, so re-thresholding reruns nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

BASELINE_ID = "baseline"
SENTINEL_ID = "sentinel"


class Status(str, Enum):
    """What happened when a mutant ran on one case (a fact, not a verdict)."""

    OK = "ok"
    CRASHED = "crashed"
    INVALID = "invalid"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class CheckConfig:
    """Which checker formula at which finite-difference step."""

    checker: str = "course"
    epsilon: float = 1e-7


@dataclass(frozen=True, slots=True)
class TargetRef:
    """How a worker finds the code under test: a built-in name, or a user file and its functions.

    Workers resolve it themselves, so a work item stays small and pickleable.
    """

    name: str
    path: str | None = None
    forward: str | None = None
    backward: str | None = None
    input_scale: float = 1.0  # every case's inputs times this (harden's input-scale search)


@dataclass(frozen=True, slots=True)
class FunctionText:
    """A mutated function to exec over the original module: name, 1-based first line, text."""

    name: str
    first_line: int
    source: str


@dataclass(frozen=True, slots=True)
class WorkItem:
    """Everything a worker needs to measure one mutant: self-contained and pickleable.

    `functions` is empty for the baseline (the unmutated code) and the sentinel (a gradient
    doubled after the fact). `probe_seeds` are extra cases on which only agreement with the
    reference backward is measured, to tell equivalent mutants from bugs that one case hides.
    """

    mutant_id: str
    functions: tuple[FunctionText, ...]
    seeds: tuple[int, ...]
    configs: tuple[CheckConfig, ...]
    probe_seeds: tuple[int, ...] = ()
    reference: str = "backward"  # what agreement is judged against: "backward" or "exact"


@dataclass(frozen=True, slots=True)
class Measurement:
    """One session row: a mutant on one case under one configuration."""

    mutant_id: str
    seed: int
    checker: str
    epsilon: float
    status: Status
    difference: float | None = None
    per_parameter: dict[str, float] = field(default_factory=dict)
    matches_reference: bool | None = None
    error: str | None = None
    seconds: float = 0.0
    probe: bool = False
    exact_error: float | None = None  # ||g - exact|| / (||g|| + ||exact||), with the oracle
    numeric_error: float | None = None  # the same for the finite-difference gradient
    # Blocks ("dW2", ...) whose entries differ from the reference's beyond the ulp rule: where
    # the mutant really changed the gradient (None when it did not run).
    changed: tuple[str, ...] | None = None
    # sha256 (first 16 hex digits) of the gradient's float64 bytes: two mutants with equal
    # fingerprints on every case compute the same gradient, bit for bit (a duplicate bug).
    fingerprint: str | None = None

    @property
    def key(self) -> tuple[str, int, str, float]:
        return (self.mutant_id, self.seed, self.checker, self.epsilon)

    @property
    def blamed(self) -> str | None:
        """Return the gradient block with the largest difference (the one the check blames)."""
        if not self.per_parameter:
            return None
        return max(self.per_parameter, key=lambda name: self.per_parameter[name])
