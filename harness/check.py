"""Check one backward pass the way the course does: the `gradmut check` command's engine.

Also holds the small pieces every check shares: the loss as a function of the flat parameter
vector, and the analytic gradient as a flat vector.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from harness.checkers import CHECKERS, error_shares
from harness.environment import environment
from harness.errors import UsageError
from harness.gradients import InvalidGradient, flatten, gradient_vector, unflatten
from harness.targets_resolve import LoadedTarget, load_any, resolve_target  # noqa: F401
from targets import Case, Target

# np.random.seed accepts 0 <= seed < 2**32; every case factory seeds numpy with the seed.
MAX_SEED = 2**32 - 1
# A block is blamed when it carries at least this share of ||g - g~||^2, the check's numerator.
BLAME_SHARE = 0.1


def require_positive(value: float, option: str, example: str = "1e-7") -> float:
    """Return `value` if it is a finite number > 0, else raise a UsageError naming `option`."""
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise UsageError(f"must be a finite number > 0, got {value!r}", where=option,
                         fix=f"pass e.g. {option} {example}")
    return float(value)


def require_seed(seed: int, option: str = "--seed") -> int:
    """Return `seed` if numpy can seed with it (0 <= seed < 2**32), else raise a UsageError."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise UsageError(f"seeds must be integers from 0 to 2**32 - 1, got {seed!r}",
                         where=option, fix=f"pass e.g. {option} 1 (the course's case)")
    return seed


def loss_of_theta(target: Target, namespace: dict, case: Case):
    """Return J(theta) for a flat (n, 1) parameter column, through the target's forward pass."""
    return lambda theta: target.loss(namespace, case, unflatten(theta, target.layout))


def initial_theta(target: Target, case: Case) -> np.ndarray:
    return flatten(case.parameters, target.layout).astype(np.float64)


def analytic_gradient(target: Target, namespace: dict, case: Case) -> np.ndarray:
    """Run the namespace's backward on the case; InvalidGradient if unusable."""
    theta = initial_theta(target, case)
    return gradient_vector(target.gradients(namespace, case, unflatten(theta, target.layout)),
                           target.layout)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The result of checking one backward pass on one case.

    `shares` is each block's part of ||g - g~||^2 (they add up to 1): where the disagreement
    is. `blamed` lists the blocks holding at least BLAME_SHARE of it when the check fails.
    """

    target: str
    variant: str
    checker: str
    seed: int
    epsilon: float
    threshold: float
    difference: float
    per_parameter: dict[str, float]
    caught: bool
    environment: dict
    shares: dict[str, float] = field(default_factory=dict)
    blamed: tuple[str, ...] = ()
    file: str | None = None  # the user's file, when the target is one
    exact: dict | None = None  # backward_error, numeric_error, per_parameter (with the oracle)
    notice: str | None = None  # why the oracle could not be used

    def to_json(self) -> dict:
        data = asdict(self)
        data["blamed"] = list(self.blamed)
        if data["exact"] is None:
            del data["exact"]
        return data


def check(target: str | LoadedTarget = "three-layer", variant: str = "correct",
          epsilon: float = 1e-7, threshold: float = 2e-7, seed: int = 1,
          checker: str = "course", oracle: str | None = None, forward: str | None = None,
          backward: str | None = None) -> CheckReport:
    """Run the gradient check on a target's own backward pass (no mutation).

    `target` is a built-in name (with `variant`, e.g. "buggy"), or a path to a .py file, a
    notebook or a target file (with `forward`/`backward` naming a course-shaped file's
    functions). With `oracle="autograd"` the report also gives the backward's and the finite
    difference's errors against the exact gradient of the forward pass.
    """
    if checker not in CHECKERS:
        raise UsageError(f"unknown checker {checker!r}", where="--checker",
                         fix=f"choose one of: {', '.join(CHECKERS)}")
    epsilon = require_positive(epsilon, "--epsilon")
    threshold = require_positive(threshold, "--threshold", "2e-7")
    seed = require_seed(seed)
    loaded = load_any(target, variant, forward, backward)
    where = loaded.filename
    case = loaded.target.make_case(seed)
    formula = CHECKERS[checker]
    with np.errstate(all="ignore"):
        reference = formula.prepare(loss_of_theta(loaded.target, loaded.namespace, case),
                                    initial_theta(loaded.target, case), epsilon)
    if isinstance(reference, np.ndarray) and not np.all(np.isfinite(reference)):
        raise UsageError(f"the numerical gradient is not finite at epsilon {epsilon:g}: the "
                         "forward pass overflowed or failed at theta +/- epsilon", where=where,
                         fix="use a smaller --epsilon (the course's is 1e-7)")
    try:
        grad = analytic_gradient(loaded.target, loaded.namespace, case)
    except InvalidGradient as error:
        raise UsageError(f"the backward pass returned an unusable gradient: {error}",
                         where=where) from None
    result = formula.compare(grad, reference, loaded.target.layout)
    if not math.isfinite(result.difference):
        raise UsageError(f"the check's difference is {result.difference} at epsilon "
                         f"{epsilon:g}", where=where, fix="use a smaller --epsilon")
    caught = result.difference > threshold
    shares = error_shares(grad, reference, loaded.target.layout) \
        if isinstance(reference, np.ndarray) else {}
    exact, notice = _exact(oracle, loaded, case, grad, reference)
    return CheckReport(target=loaded.target.name, variant=variant, checker=checker, seed=seed,
                       epsilon=epsilon, threshold=threshold, difference=result.difference,
                       per_parameter=result.per_parameter, caught=caught,
                       environment=environment(), shares=shares,
                       blamed=tuple(b for b, share in shares.items()
                                    if caught and share >= BLAME_SHARE),
                       file=loaded.ref.path if variant == "correct" else None,
                       exact=exact, notice=notice)
def _exact(oracle, loaded, case, grad, approx):
    """Return (the errors against the exact gradient, None) or (None, why not)."""
    if not oracle:
        return None, None
    if oracle != "autograd":
        raise UsageError(f"unknown oracle {oracle!r}", where="--oracle",
                         fix="the only oracle is 'autograd'")
    from harness.oracle import Oracle, OracleUnavailable, exact_errors

    try:
        exact = Oracle(loaded).gradient(case)
    except OracleUnavailable as error:
        return None, f"{error.where}: {error.what}; no exact figures"
    return exact_errors(grad, approx, exact, loaded.target.layout), None
