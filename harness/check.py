"""Check one backward pass the way the course does: the `gradmut check` command's engine.

Also holds the small pieces every check shares: the loss as a function of the flat parameter
vector, and the analytic gradient as a flat vector.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np

from harness.checkers import CHECKERS
from harness.environment import environment
from harness.errors import UsageError
from harness.gradients import InvalidGradient, flatten, gradient_vector, unflatten
from harness.loading import load_module, read_source
from targets import Case, Target, UnknownTargetError, get_target


def resolve_target(name: str) -> Target:
    """Return a built-in target, or raise a UsageError naming the known ones."""
    try:
        return get_target(name)
    except UnknownTargetError as error:
        hint = f"did you mean {' or '.join(error.suggestions)}? " if error.suggestions else ""
        raise UsageError(f"unknown target {name!r}", where="--target",
                         fix=f"{hint}known targets: {', '.join(error.known)}") from None


def require_positive(value: float, option: str) -> float:
    """Return `value` if it is a finite number > 0, else raise a UsageError naming `option`."""
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise UsageError(f"must be a finite number > 0, got {value!r}", where=option,
                         fix=f"pass e.g. {option} 1e-7")
    return float(value)


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
    """The result of checking one backward pass on one case."""

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
    exact: dict | None = None  # backward_error, numeric_error, per_parameter (with the oracle)
    notice: str | None = None  # why the oracle could not be used

    def to_json(self) -> dict:
        data = asdict(self)
        if data["exact"] is None:
            del data["exact"]
        return data


def check(target_name: str = "three-layer", variant: str = "correct", epsilon: float = 1e-7,
          threshold: float = 2e-7, seed: int = 1, checker: str = "course",
          oracle: str | None = None) -> CheckReport:
    """Run the gradient check on a target's own backward pass (no mutation).

    With `oracle="autograd"` the report also gives the backward's and the finite difference's
    errors against the exact gradient of the forward pass.
    """
    target = resolve_target(target_name)
    path = target.variant_path(variant)
    if path is None:
        raise UsageError(f"target {target.name!r} has no variant {variant!r}", where="--variant",
                         fix=f"choose one of: {', '.join(target.variant_names)}")
    epsilon = require_positive(epsilon, "--epsilon")
    threshold = require_positive(threshold, "--threshold")
    source = read_source(path)
    namespace = load_module(source, str(path))
    case = target.make_case(seed)
    formula = CHECKERS[checker]
    reference = formula.prepare(loss_of_theta(target, namespace, case),
                                initial_theta(target, case), epsilon)
    try:
        grad = analytic_gradient(target, namespace, case)
    except InvalidGradient as error:
        raise UsageError(f"the backward pass returned an unusable gradient: {error}",
                         where=str(path)) from None
    result = formula.compare(grad, reference, target.layout)
    from harness.targets_resolve import LoadedTarget  # it imports this module

    loaded = LoadedTarget(None, replace(target, source_path=path), source, namespace)
    exact, notice = _exact(oracle, loaded, case, grad, reference)
    return CheckReport(target=target.name, variant=variant, checker=checker, seed=seed,
                       epsilon=epsilon, threshold=threshold, difference=result.difference,
                       per_parameter=result.per_parameter,
                       caught=result.difference > threshold, environment=environment(),
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
