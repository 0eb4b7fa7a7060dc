"""The epsilon curve against the exact gradient: how much of the check's own error is truncation
and how much is rounding (`gradmut sweep --oracle autograd`).

A central difference D(h) = (J(t + h e_i) - J(t - h e_i)) / 2h errs in two ways: truncation,
h^2 J'''/6 + O(h^4) (or worse where a step crosses a ReLU kink), which falls with h; and
rounding, the float64 noise in each J divided by 2h, which rises as h falls. The baseline's
difference at small epsilon is almost all rounding, at large epsilon almost all truncation.

Method (measured, not fitted): with autograd's exact gradient g*, the float64 difference D(h)
and the same central difference computed in extended precision (numpy's longdouble, a 64-bit
mantissa on x86-64: rounding about 2048 times finer), the error vector splits exactly as

    D(h) - g* = (D_ext(h) - g*) + (D(h) - D_ext(h))
                 truncation        rounding

truncation: what the formula gets wrong even with (almost) exact arithmetic; rounding: what
float64 arithmetic adds. Each part is reported in the course's relative-norm form,
||part|| / (||D(h)|| + ||g*||), like the numerical gradient's whole error, so the two parts add
up to at least the whole (triangle inequality) and either one alone is the whole where it
dominates. Where the truncation figure lies far below the rounding one it is an upper bound
(extended precision's own rounding, about 1/2048 of float64's, and the oracle's ~1e-16), not a
measurement of h^2 truncation. The best epsilon is the argmin of the whole error against g*,
no threshold involved. Where numpy's longdouble is no finer than float64 (Windows, macOS on
ARM) or the forward pass does not compute in the dtype it is given, only the whole error is
reported, with a notice.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from harness.check import initial_theta, loss_of_theta
from harness.checkers import norm_ratio
from harness.records import CheckConfig

METHOD = "extended precision"
# Finer than float64 by this factor at least, or the split is not worth its name.
MINIMUM_GAIN = 16.0


@dataclass(frozen=True, slots=True)
class ExactPoint:
    """The numerical gradient's error against the exact one at one epsilon, and its parts."""

    epsilon: float
    numeric_error: float  # ||D(h) - g*|| / (||D(h)|| + ||g*||)
    truncation: float | None  # ||D_ext(h) - g*|| / (same denominator)
    rounding: float | None  # ||D(h) - D_ext(h)|| / (same denominator)

    @property
    def dominant(self) -> str | None:
        if self.truncation is None or self.rounding is None:
            return None
        return "truncation" if self.truncation >= self.rounding else "rounding"


@dataclass(frozen=True, slots=True)
class ExactCurve:
    """The central-difference gradient's error against autograd on one case, per epsilon."""

    seed: int
    backward_error: float | None  # the unmutated backward against the exact gradient
    points: tuple[ExactPoint, ...]  # largest epsilon first
    method: str | None  # METHOD, or None when no finer precision was available
    precision: str

    @property
    def best_epsilon(self) -> float | None:
        """Return the epsilon whose numerical gradient is closest to the exact gradient."""
        return min(self.points, key=lambda p: p.numeric_error).epsilon if self.points else None

    def point(self, epsilon: float) -> ExactPoint | None:
        return next((p for p in self.points if p.epsilon == epsilon), None)

    def to_json(self) -> dict:
        return {"seed": self.seed, "method": self.method, "precision": self.precision,
                "backward_error": self.backward_error, "best_epsilon": self.best_epsilon,
                "by_epsilon": [{"epsilon": p.epsilon, "numeric_error": p.numeric_error,
                                "truncation": p.truncation, "rounding": p.rounding}
                               for p in self.points]}


def _part(vector: np.ndarray, scale: float) -> float:
    """Return ||vector|| / scale in float64 (0 when both gradients are zero)."""
    size = float(np.linalg.norm(vector))
    return size / scale if scale else (0.0 if size == 0 else float("inf"))


def extended_central_difference(loss: Callable, theta: np.ndarray,
                                epsilon: float) -> np.ndarray:
    """Return the central-difference gradient computed in numpy's longdouble throughout.

    The step is the float64 epsilon, converted exactly; unlike the float64 difference, t + h is
    not rounded to float64, so the step's own rounding is counted as rounding, as it should be.
    """
    theta = theta.astype(np.longdouble)
    step = np.longdouble(epsilon)
    approx = np.empty(theta.shape, dtype=np.longdouble)
    for i in range(theta.shape[0]):
        plus, minus = theta.copy(), theta.copy()
        plus[i, 0] += step
        minus[i, 0] -= step
        approx[i, 0] = (np.longdouble(loss(plus)) - np.longdouble(loss(minus))) / (2 * step)
    return approx


def extended_precision(loss: Callable, theta: np.ndarray) -> tuple[bool, str]:
    """Return (usable, description) of numpy's longdouble for this forward pass."""
    info = np.finfo(np.longdouble)
    description = f"numpy longdouble ({info.nmant + 1}-bit mantissa, eps {info.eps:.1e})"
    if info.eps * MINIMUM_GAIN > np.finfo(np.float64).eps:
        return False, f"{description} is no finer than float64"
    try:
        value = loss(theta.astype(np.longdouble))
    except Exception as error:  # e.g. a library call without a longdouble kernel
        return False, f"the forward pass fails in longdouble ({error.__class__.__name__})"
    if np.asarray(value).dtype != np.longdouble:
        return False, (f"the forward pass returned {np.asarray(value).dtype} for longdouble "
                       "parameters (it casts to float64)")
    return True, description


def exact_curve(evaluator, seed: int, epsilons) -> tuple[ExactCurve, tuple[str, ...]]:
    """Return the exact curve on case `seed` over `epsilons` and any notice about the split.

    `evaluator` supplies (and caches) the case, the reference backward, the exact gradient and
    the float64 central differences, the same work the sweep's checks share. Raises
    OracleUnavailable where autograd cannot differentiate the forward pass.
    """
    exact = evaluator.exact(seed)
    target, case = evaluator.target, evaluator.case(seed)
    loss, theta = loss_of_theta(target, evaluator.loaded.namespace, case), \
        initial_theta(target, case)
    usable, precision = extended_precision(loss, theta)
    reference = evaluator.reference(seed)
    points = []
    for epsilon in sorted(set(epsilons), reverse=True):
        # Central differences, shared with the course, cs231n and allclose checks.
        approx = evaluator.prepared(seed, CheckConfig("course", epsilon))
        whole = norm_ratio(approx, exact)
        if not usable:
            points.append(ExactPoint(epsilon, whole, None, None))
            continue
        extended = extended_central_difference(loss, theta, epsilon)
        scale = float(np.linalg.norm(approx) + np.linalg.norm(exact))
        points.append(ExactPoint(epsilon, whole, _part(extended - exact, scale),
                                 _part(approx - extended, scale)))
    backward = None if isinstance(reference, Exception) else norm_ratio(reference, exact)
    notices = () if usable else (f"{precision}: the exact curve shows the numerical gradient's "
                                 "whole error only, not its truncation/rounding split",)
    return ExactCurve(seed, backward, tuple(points), METHOD if usable else None,
                      precision), notices
