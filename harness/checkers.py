"""Gradient-check formulas, each a small pluggable pair: prepare once per case, compare per mutant.

`prepare` does the expensive finite-difference work (it depends only on the forward pass, the case
and epsilon), `compare` scores one analytic gradient against it in microseconds. Each checker's
`difference` is its own statistic on its own scale, so each carries its own default threshold
and default step; checkers whose `prepare` is the same computation share a `prepare_key`, so
the numerical gradient is computed once per (case, epsilon) whichever of them ask for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np

from harness.gradients import Layout, block_slices, numerical_gradient

Loss = Callable[[np.ndarray], float]
CENTRAL = "central-differences"


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


def error_shares(grad: np.ndarray, approx: np.ndarray, layout: Layout) -> dict[str, float]:
    """Return each block's share of ||grad - approx||^2 (shares add up to 1; all 0 if equal).

    A per-block norm ratio is large for a tiny block whose rounding noise is large relative to
    its own norm (db3 on the course's case); the share says where the disagreement really is.
    """
    squared = (grad - approx).ravel() ** 2
    total = float(np.sum(squared))
    return {f"d{name}": float(np.sum(squared[part])) / total if total else 0.0
            for name, part in block_slices(layout).items()}


def _per_block(statistic, grad: np.ndarray, approx: np.ndarray, layout: Layout) -> dict:
    return {f"d{name}": statistic(grad[part], approx[part])
            for name, part in block_slices(layout).items()}


class CentralDifferences:
    """A checker on the central-difference gradient: one statistic over all entries and the
    same statistic per block. Subclasses say which statistic (course, cs231n, allclose)."""

    __slots__ = ()
    prepare_key: ClassVar[str] = CENTRAL
    statistic: ClassVar[Callable[[np.ndarray, np.ndarray], float]]

    def prepare(self, loss_of_theta: Loss, theta: np.ndarray, epsilon: float) -> np.ndarray:
        return numerical_gradient(loss_of_theta, theta, epsilon)

    def compare(self, grad: np.ndarray, approx: np.ndarray, layout: Layout) -> CheckResult:
        return CheckResult(self.statistic(grad, approx),
                           _per_block(self.statistic, grad, approx, layout),
                           2 * approx.shape[0])


@dataclass(frozen=True, slots=True)
class Course(CentralDifferences):
    """The assignment's check: central differences, one norm ratio over all parameters."""

    name: ClassVar[str] = "course"
    summary: ClassVar[str] = "||g - g~|| / (||g|| + ||g~||) over all entries (the course)"
    default_threshold: ClassVar[float] = 2e-7
    default_epsilon: ClassVar[float] = 1e-7
    statistic: ClassVar = staticmethod(norm_ratio)


def max_relative_error(grad: np.ndarray, approx: np.ndarray, floor: float = 1e-8) -> float:
    """Return max_i |a_i - b_i| / max(floor, |a_i| + |b_i|), CS231n's rel_error (0 if empty)."""
    if grad.size == 0:
        return 0.0
    return float(np.max(np.abs(grad - approx) / np.maximum(floor, np.abs(grad) + np.abs(approx))))


@dataclass(frozen=True, slots=True)
class CS231n(CentralDifferences):
    """CS231n's check: the worst entry's relative error, with a floor for entries near zero.

    Its notes call > 1e-2 wrong, < 1e-4 fine for kinked objectives and <= 1e-7 good. The
    threshold is 1e-4, the line the notes draw for ReLU networks such as ours: at h = 1e-5 the
    correct backward scores 5.3e-8 on the course's case but up to 7.1e-6 on 20 random cases
    (one small entry's relative error), so the notes' 1e-7 would cry wolf, while 1e-4 still
    flags a relative error of 2e-4 in any entry. The floor 1e-8 keeps 0/0 (dead units: both
    gradients exactly zero) at zero.
    """

    name: ClassVar[str] = "cs231n"
    summary: ClassVar[str] = "max_i |a-b| / max(1e-8, |a|+|b|) (CS231n; h 1e-5)"
    default_threshold: ClassVar[float] = 1e-4
    default_epsilon: ClassVar[float] = 1e-5
    statistic: ClassVar = staticmethod(max_relative_error)


ATOL, RTOL = 1e-5, 1e-3  # PyTorch gradcheck's defaults


def allclose_ratio(grad: np.ndarray, approx: np.ndarray) -> float:
    """Return max_i |a_i - n_i| / (atol + rtol |n_i|): <= 1 exactly when np.allclose(a, n) holds.

    As in torch.allclose(analytical, numerical), the tolerance scales with the numerical entry.
    """
    if grad.size == 0:
        return 0.0
    return float(np.max(np.abs(grad - approx) / (ATOL + RTOL * np.abs(approx))))


@dataclass(frozen=True, slots=True)
class AllClose(CentralDifferences):
    """PyTorch gradcheck's elementwise test (eps 1e-6, atol 1e-5, rtol 1e-3), as one statistic.

    The statistic is how many times over its tolerance the worst entry is, so the threshold is 1
    and 'caught' means exactly that gradcheck's allclose fails.
    """

    name: ClassVar[str] = "allclose"
    summary: ClassVar[str] = "max_i |a-n| / (1e-5 + 1e-3 |n|) > 1 (PyTorch gradcheck; eps 1e-6)"
    default_threshold: ClassVar[float] = 1.0
    default_epsilon: ClassVar[float] = 1e-6
    statistic: ClassVar = staticmethod(allclose_ratio)


def unit_directions(n: int, count: int, seed: int) -> np.ndarray:
    """Return `count` random unit vectors of length n as the columns of an (n, count) array.

    Drawn from a private RandomState(seed), so they depend only on (n, count, seed).
    """
    directions = np.random.RandomState(seed).randn(n, count)
    return directions / np.linalg.norm(directions, axis=0)


@dataclass(frozen=True, slots=True)
class DirectionalWork:
    """A directional check's finite differences: unit directions and J's slope along each."""

    directions: np.ndarray  # (n, k)
    slopes: np.ndarray  # (k,): (J(t + eps v) - J(t - eps v)) / (2 eps)
    forward_passes: int


@dataclass(frozen=True, slots=True)
class Directional:
    """Compare v . g with the central difference of J along a few random unit directions v.

    Two forward passes per direction instead of two per parameter (PyTorch's fast gradcheck
    projects the same way). The statistic is the course's norm ratio of the k projections
    against the k slopes, so the course's threshold fits it. It cannot say which block is
    wrong: per_parameter is empty. An error orthogonal to every v would pass unseen; with
    random directions that has probability zero, but a small error may be shrunk by v . e.
    The default step is PyTorch gradcheck's eps, 1e-6.
    """

    name: ClassVar[str] = "directional"
    summary: ClassVar[str] = "norm ratio of v.g and dJ/dv along 3 random unit directions"
    default_threshold: ClassVar[float] = 2e-7
    default_epsilon: ClassVar[float] = 1e-6
    directions: int = 3
    seed: int = 0

    @property
    def prepare_key(self) -> str:
        return f"directional-{self.directions}-{self.seed}"

    def prepare(self, loss_of_theta: Loss, theta: np.ndarray, epsilon: float) -> DirectionalWork:
        directions = unit_directions(theta.shape[0], self.directions, self.seed)
        slopes = np.array([(loss_of_theta(theta + epsilon * v[:, None])
                            - loss_of_theta(theta - epsilon * v[:, None])) / (2 * epsilon)
                           for v in directions.T])
        return DirectionalWork(directions, slopes, 2 * self.directions)

    def compare(self, grad: np.ndarray, work: DirectionalWork, layout: Layout) -> CheckResult:
        projections = (work.directions.T @ grad).ravel()
        return CheckResult(norm_ratio(projections, work.slopes), {}, work.forward_passes)


@dataclass(frozen=True, slots=True)
class TaylorWork:
    """A Taylor test's forward passes: J(t) and J(t + h v) for each step h and direction v."""

    directions: np.ndarray  # (n, k)
    steps: np.ndarray  # (s,): h0, h0/2, ...
    base: float  # J(t)
    values: np.ndarray  # (k, s): J(t + h v)
    forward_passes: int


def convergence_orders(remainders: np.ndarray) -> np.ndarray:
    """Return log2(r(h) / r(h/2)) for successive remainders: about 2 if r ~ h^2, 1 if r ~ h.

    A pair of exact zeros is perfect agreement (order 2); a remainder that drops to exactly
    zero converges as fast as can be (order inf).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        orders = np.log2(remainders[:-1] / remainders[1:])
    return np.where((remainders[:-1] == 0) & (remainders[1:] == 0), 2.0, orders)


# How far rounding moves a forward pass's J, in units in the last place of |J|: measured up to
# ~150 ulp on the course's cases (a sum of logs), so 256 leaves room.
ROUNDING_ULPS = 256


@dataclass(frozen=True, slots=True)
class Taylor:
    """The Taylor remainder test: r(h) = |J(t + h v) - J(t) - h v . g| must shrink like h^2.

    For the true gradient r(h) = h^2 |v'Hv| / 2 + O(h^3), so halving h divides r by 4 (order
    p = 2); for a wrong gradient r(h) ~ h |v . (g - g*)|, which halving only divides by 2
    (p = 1). The statistic is the shortfall 2^(2 - p), with p the median order over the
    halvings of h = epsilon, epsilon/2, ... (the median shrugs off one halving that crosses a
    ReLU kink): about 1 for a correct gradient (below 1 when r falls even faster), about 2 for a
    wrong one. The threshold sqrt(2) is p = 1.5, halfway between the two orders, and needs no
    tuning to the loss's scale; a ratio rather than 2 - p so that it is never 0 and reads on a
    log axis. Epsilon is the largest step h0 (default 1e-2: down to 6.25e-4 r stays far above
    rounding, ~1e-16 |J|). Remainders within rounding count as zero, so the test has no rounding
    side to its U-curve: on the course's 20 sweep cases the correct backward passes at every h0
    from 1e-2 to 1e-10 (one false alarm at 1e-1, where a step crosses a ReLU kink).
    per_parameter is empty: one direction cannot say which block is off.
    """

    name: ClassVar[str] = "taylor"
    summary: ClassVar[str] = "remainder |J(t+hv) - J(t) - h v.g| must shrink like h^2: 2^(2-order)"
    default_threshold: ClassVar[float] = float(np.sqrt(2.0))
    default_epsilon: ClassVar[float] = 1e-2
    halvings: int = 4
    directions: int = 1
    seed: int = 0

    @property
    def prepare_key(self) -> str:
        return f"taylor-{self.halvings}-{self.directions}-{self.seed}"

    def prepare(self, loss_of_theta: Loss, theta: np.ndarray, epsilon: float) -> TaylorWork:
        directions = unit_directions(theta.shape[0], self.directions, self.seed)
        steps = epsilon * 0.5 ** np.arange(self.halvings + 1)
        values = np.array([[loss_of_theta(theta + h * v[:, None]) for h in steps]
                           for v in directions.T])
        return TaylorWork(directions, steps, loss_of_theta(theta), values, 1 + values.size)

    def compare(self, grad: np.ndarray, work: TaylorWork, layout: Layout) -> CheckResult:
        slopes = (work.directions.T @ grad).ravel()
        remainders = np.abs(work.values - work.base - np.outer(slopes, work.steps))
        # A remainder within rounding of J is nothing left to shrink (a loss linear along v,
        # or steps so small that only rounding remains): count it as exactly zero.
        scale = max(abs(work.base), float(np.max(np.abs(work.values))))
        remainders[remainders <= ROUNDING_ULPS * np.spacing(scale)] = 0.0
        orders = [float(np.median(convergence_orders(r))) for r in remainders]
        shortfall = max(2.0 ** (2.0 - order) for order in orders)
        return CheckResult(float("inf") if np.isnan(shortfall) else shortfall, {},
                           work.forward_passes)


CHECKERS = {checker.name: checker
            for checker in (Course(), CS231n(), AllClose(), Directional(), Taylor())}
