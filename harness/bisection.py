"""The smallest perturbation a check can see: bisect the scale of one gradient block.

A scale mutant `dW2 * k` is the simplest bug there is; the smallest |k - 1| a check flags, per
block, says how fine its net is at one epsilon and threshold. The scale is applied to the
reference gradient's block in the harness (a synthetic mutant: no source edit, no backward
call), so a bisection step costs one `compare`, microseconds. Named `bisection`, not `bisect`,
so that running a file from this folder never shadows the standard library's module.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from harness.gradients import Layout, block_slices

LOW, HIGH = 1e-12, 10.0  # the |k - 1| range searched, on a log scale
RELATIVE_PRECISION = 1e-3


def bisect_log(flagged: Callable[[float], bool], low: float = LOW, high: float = HIGH,
               precision: float = RELATIVE_PRECISION) -> float | None:
    """Return the smallest d in [low, high] with flagged(d), to a relative `precision`.

    Assumes flagged is False below some d* and True above it. Returns 0.0 when even `low` is
    flagged (the check fails the unperturbed gradient: a false alarm) and None when `high` is
    not (no scale in range is seen). The result is always a flagged point.
    """
    if flagged(low):
        return 0.0
    if not flagged(high):
        return None
    while high / low > 1.0 + precision:
        middle = math.sqrt(low * high)  # bisect the exponent, not the value
        if flagged(middle):
            high = middle
        else:
            low = middle
    return high


def scaled_block(grad: np.ndarray, part: slice, k: float) -> np.ndarray:
    """Return a copy of `grad` with the entries of one block multiplied by k."""
    scaled = grad.copy()
    scaled[part] = k * grad[part]
    return scaled


@dataclass(frozen=True, slots=True)
class Detectable:
    """The smallest flagged |k - 1| for one block, growing (k > 1) and shrinking (k < 1)."""

    block: str
    up: float | None
    down: float | None

    @property
    def smallest(self) -> float | None:
        found = [d for d in (self.up, self.down) if d is not None]
        return min(found) if found else None


def smallest_detectable(checker, grad: np.ndarray, prepared, layout: Layout,
                        threshold: float) -> dict[str, Detectable]:
    """Return, per gradient block, the smallest |k - 1| the checker flags at `threshold`.

    `prepared` is the checker's finite-difference work for one (case, epsilon), `grad` the
    reference backward's gradient on that case. A block whose gradient is all zero on the case
    cannot be seen by scaling (None both ways).
    """
    found = {}
    for name, part in block_slices(layout).items():
        def flagged(d: float, sign: float, part=part) -> bool:
            result = checker.compare(scaled_block(grad, part, 1.0 + sign * d), prepared, layout)
            return result.difference > threshold

        found[f"d{name}"] = Detectable(f"d{name}", bisect_log(lambda d: flagged(d, 1.0)),
                                       bisect_log(lambda d: flagged(d, -1.0)))
    return found
