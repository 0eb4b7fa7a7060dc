"""Gradient-check formulas, each a small pluggable pair: prepare once per case, compare per mutant.

`prepare` does the expensive finite-difference work (it depends only on the forward pass, the case
and epsilon), `compare` scores one analytic gradient against it in microseconds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np

from harness.gradients import Layout, block_slices, numerical_gradient


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A checker's verdict material: one difference, the same per parameter block, the cost."""

    difference: float
    per_parameter: dict[str, float]
    forward_passes: int


def norm_ratio(grad: np.ndarray, approx: np.ndarray) -> float:
    """Return ||grad - approx|| / (||grad|| + ||approx||), the course's difference.

    Two all-zero vectors agree perfectly, so 0/0 is defined as 0.0 rather than NaN.
    """
    numerator = np.linalg.norm(grad - approx)
    denominator = np.linalg.norm(grad) + np.linalg.norm(approx)
    if denominator == 0:
        return 0.0 if numerator == 0 else float("inf")
    return float(numerator / denominator)


@dataclass(frozen=True, slots=True)
class Course:
    """The assignment's check: central differences, one norm ratio over all parameters."""

    name: ClassVar[str] = "course"
    summary: ClassVar[str] = "||g - g~|| / (||g|| + ||g~||) over all entries (the course)"
    default_threshold: ClassVar[float] = 2e-7

    def prepare(self, loss_of_theta: Callable[[np.ndarray], float], theta: np.ndarray,
                epsilon: float) -> np.ndarray:
        return numerical_gradient(loss_of_theta, theta, epsilon)

    def compare(self, grad: np.ndarray, approx: np.ndarray, layout: Layout) -> CheckResult:
        per_parameter = {f"d{name}": norm_ratio(grad[part], approx[part])
                         for name, part in block_slices(layout).items()}
        return CheckResult(norm_ratio(grad, approx), per_parameter, 2 * approx.shape[0])


CHECKERS = {checker.name: checker for checker in (Course(),)}
