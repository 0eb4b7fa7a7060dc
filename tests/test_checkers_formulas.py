"""Each checker formula against an independent computation written out here, plus the shared work:
one numerical gradient per (case, epsilon) for every central-difference checker, and one mutant
backward per case whatever the number of configurations."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from harness import evaluate as evaluate_module
from harness.check import analytic_gradient, initial_theta, loss_of_theta
from harness.checkers import CHECKERS, AllClose, CS231n, Directional, Taylor
from harness.evaluate import Evaluator
from harness.loading import load_module, read_source
from harness.records import CheckConfig, FunctionText, WorkItem
from harness.targets_resolve import builtin_ref, load_target

LAYOUT = (("a", (2, 2)), ("b", (3,)))
entries = st.one_of(st.just(0.0), st.floats(-1e3, 1e3, allow_nan=False))
pairs = st.integers(1, 7).flatmap(lambda n: st.tuples(
    arrays(np.float64, (n, 1), elements=entries), arrays(np.float64, (n, 1), elements=entries)))


@settings(max_examples=150, deadline=None)
@given(pairs)
def test_cs231n_is_the_worst_entrys_relative_error_with_a_floor(pair):
    grad, approx = pair
    worst = 0.0
    for a, b in zip(grad.ravel(), approx.ravel()):  # CS231n's rel_error, one entry at a time
        worst = max(worst, abs(a - b) / max(1e-8, abs(a) + abs(b)))
    assert CS231n().compare(grad, approx, (("x", (grad.shape[0],)),)).difference == \
        pytest.approx(worst, rel=1e-12, abs=0)


def test_cs231n_per_block_is_the_same_statistic_on_each_slice():
    grad = np.array([[1.0], [2.0], [3.0], [4.0], [0.0], [0.0], [5.0]])
    approx = grad.copy()
    approx[1] = 2.2  # block a: |2 - 2.2| / 4.2
    approx[6] = 5.0 + 1e-12  # block b: tiny
    result = CS231n().compare(grad, approx, LAYOUT)
    assert result.per_parameter["da"] == pytest.approx(0.2 / 4.2)
    assert result.per_parameter["db"] == pytest.approx(1e-12 / 10, rel=1e-3)
    assert result.difference == result.per_parameter["da"]
    assert result.forward_passes == 14


@settings(max_examples=150, deadline=None)
@given(pairs)
def test_allclose_statistic_is_at_most_one_exactly_when_numpy_allclose_holds(pair):
    grad, approx = pair
    statistic = AllClose().compare(grad, approx, (("x", (grad.shape[0],)),)).difference
    # np.isclose(a, b) tests |a - b| <= atol + rtol * |b|: b is the numerical gradient.
    holds = bool(np.all(np.isclose(grad, approx, rtol=1e-3, atol=1e-5)))
    ratio = max(abs(a - b) / (1e-5 + 1e-3 * abs(b)) for a, b in zip(grad.ravel(), approx.ravel()))
    assert statistic == pytest.approx(ratio, rel=1e-12)
    if not math.isclose(ratio, 1.0, rel_tol=1e-9):  # the boundary itself is rounding's call
        assert (statistic <= 1.0) == holds


def quadratic(theta_size=6, seed=3):
    """J(t) = 1/2 t'At + b't + sum(sin t): smooth, with gradient At + b + cos t."""
    rng = np.random.RandomState(seed)
    root = rng.randn(theta_size, theta_size)
    A, b = root @ root.T, rng.randn(theta_size, 1)
    theta = rng.randn(theta_size, 1)

    def J(t):
        return float((0.5 * t.T @ A @ t + b.T @ t)[0, 0] + np.sum(np.sin(t)))

    return J, theta, A @ theta + b + np.cos(theta)


def test_directional_compares_projections_with_explicit_directional_derivatives():
    J, theta, gradient = quadratic()
    checker = Directional()
    work = checker.prepare(J, theta, 1e-5)
    rng = np.random.RandomState(0)  # the documented directions: RandomState(0), normalised
    V = rng.randn(theta.shape[0], 3)
    V /= np.linalg.norm(V, axis=0)
    assert np.array_equal(work.directions, V)
    for column, slope in zip(V.T, work.slopes):
        v = column[:, None]
        assert slope == pytest.approx(float((v.T @ gradient)[0, 0]), rel=1e-7)
    wrong = gradient.copy()
    wrong[2] += 0.5
    expected = np.linalg.norm(V.T @ wrong - work.slopes[:, None]) / (
        np.linalg.norm(V.T @ wrong) + np.linalg.norm(work.slopes))
    result = checker.compare(wrong, work, LAYOUT)
    assert result.difference == pytest.approx(expected, rel=1e-9)
    assert checker.compare(gradient, work, LAYOUT).difference < 1e-8
    assert result.forward_passes == 6 and result.per_parameter == {}


def remainder_orders(J, theta, grad, v, h0, halvings=4):
    """The Taylor test by hand: r(h) = |J(t + hv) - J(t) - h v.g|, then log2 r(h)/r(h/2)."""
    r = [abs(J(theta + h * v) - J(theta) - h * float((v.T @ grad)[0, 0]))
         for h in (h0 / 2 ** k for k in range(halvings + 1))]
    return [math.log2(r[k] / r[k + 1]) for k in range(halvings)]


def test_taylor_order_is_two_for_the_gradient_and_one_for_a_wrong_one():
    J, theta, gradient = quadratic()
    v = Taylor().prepare(J, theta, 1e-2).directions
    wrong = gradient * 1.1  # r = 0.1 h |v.g| + O(h^2): order 1 once h is small enough
    right_orders = remainder_orders(J, theta, gradient, v, 1e-2)
    wrong_orders = remainder_orders(J, theta, wrong, v, 1e-2)
    assert all(abs(p - 2) < 0.05 for p in right_orders)
    assert all(abs(p - 1) < 0.1 for p in wrong_orders)
    work = Taylor().prepare(J, theta, 1e-2)
    right, bad = Taylor().compare(gradient, work, LAYOUT), Taylor().compare(wrong, work, LAYOUT)
    assert right.difference == pytest.approx(2 ** (2 - float(np.median(right_orders))), rel=1e-6)
    assert bad.difference == pytest.approx(2 ** (2 - float(np.median(wrong_orders))), rel=1e-6)
    assert right.difference < Taylor.default_threshold < bad.difference
    assert right.forward_passes == 6


def test_taylor_passes_a_linear_loss_whose_remainder_is_only_rounding():
    theta, slope = np.array([[4.0]]), np.array([[2.0]])
    work = Taylor().prepare(lambda t: float(t[0, 0] * 2.0), theta, 1e-2)
    assert Taylor().compare(slope, work, (("theta", ()),)).difference <= 1.0
    assert Taylor().compare(slope * 1.001, work, (("theta", ()),)).difference > 1.9


@pytest.fixture(scope="module")
def course_case():
    loaded = load_target(builtin_ref("three-layer"))
    target = loaded.target
    case = target.make_case(1)
    buggy = load_module(read_source(target.variant_path("buggy")), "buggy")
    return (loaded, loss_of_theta(target, loaded.namespace, case), initial_theta(target, case),
            analytic_gradient(target, loaded.namespace, case),
            analytic_gradient(target, buggy, case))


@pytest.mark.parametrize("name", list(CHECKERS))
def test_every_checker_passes_the_correct_backward_and_fails_the_shipped_one(course_case, name):
    loaded, J, theta, correct, buggy = course_case
    checker = CHECKERS[name]
    work = checker.prepare(J, theta, checker.default_epsilon)
    assert checker.compare(correct, work, loaded.target.layout).difference < \
        checker.default_threshold
    assert checker.compare(buggy, work, loaded.target.layout).difference > \
        checker.default_threshold


def test_central_difference_checkers_share_one_numerical_gradient(course_case):
    evaluator = Evaluator(course_case[0])
    first = evaluator.prepared(1, CheckConfig("course", 1e-5))
    assert evaluator.prepared(1, CheckConfig("cs231n", 1e-5)) is first
    assert evaluator.prepared(1, CheckConfig("allclose", 1e-5)) is first
    assert evaluator.prepared(1, CheckConfig("course", 1e-6)) is not first


def test_one_backward_per_case_and_the_same_rows_as_one_config_at_a_time(course_case,
                                                                         monkeypatch):
    source = read_source(course_case[0].target.source_path)
    body = source[source.index("def backward_propagation_n"):].replace(
        "dW2 = 1./m * np.dot(dZ2, A1.T)", "dW2 = 1./m * np.dot(dZ2, A1.T) * 1.001")
    function = (FunctionText("backward_propagation_n", 1, body),)
    configs = tuple(CheckConfig(c, e) for c in CHECKERS for e in (1e-4, 1e-7))
    separately = [row for config in configs for row in Evaluator(course_case[0]).evaluate(
        WorkItem("m", function, (1, 2), (config,)))]
    calls = []
    counting = evaluate_module.analytic_gradient
    monkeypatch.setattr(evaluate_module, "analytic_gradient",
                        lambda *args: calls.append(1) or counting(*args))
    together = Evaluator(course_case[0]).evaluate(WorkItem("m", function, (1, 2), configs))
    assert len(calls) == 2 + 2  # the reference backward once per case, the mutant's once per case
    key = lambda row: (row.seed, row.checker, row.epsilon)  # noqa: E731
    assert [(key(r), r.difference, r.per_parameter, r.matches_reference) for r in
            sorted(together, key=key)] == [(key(r), r.difference, r.per_parameter,
                                            r.matches_reference) for r in sorted(separately,
                                                                                 key=key)]
