"""The course checker reproduces the notebook's figures and agrees with an independent check."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from harness.check import check
from harness.checkers import CHECKERS, norm_ratio
from targets import three_layer, three_layer_buggy
from targets.course_cases import gradient_check_n_test_case
from targets.course_helpers import dictionary_to_vector, gradients_to_vector, vector_to_dictionary


def course_gradient_check(backward, epsilon=1e-7):
    """The notebook's gradient_check_n, written out independently of harness/."""
    X, Y, parameters = gradient_check_n_test_case()
    _, cache = three_layer.forward_propagation_n(X, Y, parameters)
    grad = gradients_to_vector(backward(X, Y, cache))
    values, _ = dictionary_to_vector(parameters)
    n = values.shape[0]
    J_plus, J_minus, approx = np.zeros((n, 1)), np.zeros((n, 1)), np.zeros((n, 1))
    for i in range(n):
        plus = np.copy(values)
        plus[i][0] += epsilon
        J_plus[i], _ = three_layer.forward_propagation_n(X, Y, vector_to_dictionary(plus))
        minus = np.copy(values)
        minus[i][0] -= epsilon
        J_minus[i], _ = three_layer.forward_propagation_n(X, Y, vector_to_dictionary(minus))
        approx[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)
    return np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))


def test_shipped_buggy_backward_reproduces_the_course_figure():
    report = check(variant="buggy")
    assert report.difference == pytest.approx(0.2850931567761623, rel=1e-9)
    assert report.caught
    blamed = sorted(report.per_parameter, key=report.per_parameter.get)[-2:]
    assert set(blamed) == {"dW2", "db1"}


def test_correct_backward_reproduces_the_noise_floor_and_the_first_notebooks_false_alarm():
    report = check()
    assert report.difference == pytest.approx(1.1890913024229996e-07, rel=1e-2)
    assert not report.caught
    assert check(threshold=1e-7).caught


def test_larger_epsilon_lowers_the_noise_floor():
    assert check(epsilon=1e-4).difference == pytest.approx(1.9e-10, rel=0.2)


def test_one_dimensional_figure():
    report = check("one-dimensional")
    assert report.difference == pytest.approx(2.919335883291695e-10, rel=1e-9)
    assert not report.caught


@pytest.mark.parametrize("backward", [three_layer.backward_propagation_n,
                                      three_layer_buggy.backward_propagation_n])
def test_harness_check_equals_the_course_check_bit_for_bit(backward):
    variant = "correct" if backward is three_layer.backward_propagation_n else "buggy"
    assert check(variant=variant).difference == course_gradient_check(backward)


def test_per_block_difference_is_the_same_formula_on_each_slice():
    report = check(variant="buggy")
    assert set(report.per_parameter) == {"dW1", "db1", "dW2", "db2", "dW3", "db3"}
    # dW2 doubled: ||2g - g|| / (||2g|| + ||g||) = 1/3, up to the numerical noise.
    assert report.per_parameter["dW2"] == pytest.approx(1 / 3, rel=1e-6)
    assert report.per_parameter["db1"] == pytest.approx(3 / 5, rel=1e-6)


# Magnitudes whose squares neither underflow nor overflow: np.linalg.norm squares its entries,
# so a vector of 1e-200s has norm 0 and the law "0 iff equal" would fail for numpy's reasons.
entries = st.one_of(st.just(0.0), st.floats(1e-100, 1e100), st.floats(-1e100, -1e-100))
vectors = arrays(np.float64, st.integers(1, 12), elements=entries)


@settings(max_examples=200, deadline=None)
@given(vectors, st.data())
def test_norm_ratio_laws(a, data):
    b = data.draw(arrays(np.float64, a.shape, elements=entries))
    d = norm_ratio(a, b)
    assert 0.0 <= d <= 1.0 + 1e-12
    assert d == norm_ratio(b, a)
    assert (d == 0.0) == np.array_equal(a, b)


def test_checker_registry_has_the_course_formula():
    assert CHECKERS["course"].default_threshold == 2e-7
