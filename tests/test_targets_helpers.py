"""The course helpers: fixed key order, row-major flattening, fixed slices, (47, 1) columns."""
import numpy as np
import pytest

from targets.course_cases import gradient_check_n_test_case
from targets.course_helpers import (dictionary_to_vector, gradients_to_vector, relu, sigmoid,
                                    vector_to_dictionary)


def test_dictionary_to_vector_walks_the_fixed_key_list_not_dict_order():
    _, _, parameters = gradient_check_n_test_case()
    reordered = {key: parameters[key] for key in reversed(list(parameters))}
    theta, keys = dictionary_to_vector(reordered)
    assert theta.shape == (47, 1)
    assert keys == ["W1"] * 20 + ["b1"] * 5 + ["W2"] * 15 + ["b2"] * 3 + ["W3"] * 3 + ["b3"]
    assert np.array_equal(theta[:20, 0], parameters["W1"].ravel())  # row-major
    assert theta[4, 0] == parameters["W1"][1, 0]
    assert theta[46, 0] == parameters["b3"][0, 0]


def test_vector_to_dictionary_inverts_with_fixed_slices():
    theta = np.arange(47.0).reshape(47, 1)
    parameters = vector_to_dictionary(theta)
    shapes = {key: value.shape for key, value in parameters.items()}
    assert shapes == {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3),
                      "b3": (1, 1)}
    assert parameters["b1"][0, 0] == 20 and parameters["W2"][0, 0] == 25
    assert parameters["b2"][0, 0] == 40 and parameters["W3"][0, 0] == 43
    assert parameters["b3"][0, 0] == 46
    again, _ = dictionary_to_vector(parameters)
    assert np.array_equal(again, theta)


def test_gradients_to_vector_uses_only_parameter_gradients_and_counts_entries():
    gradients = {f"d{key}": np.full(shape, i, dtype=float) for i, (key, shape) in enumerate(
        [("W1", (5, 4)), ("b1", (5, 1)), ("W2", (3, 5)), ("b2", (3, 1)), ("W3", (1, 3)),
         ("b3", (1, 1))])}
    gradients["dZ1"] = np.ones((5, 3))  # ignored
    column = gradients_to_vector(gradients)
    assert column.shape == (47, 1)
    assert column[20, 0] == 1 and column[46, 0] == 5
    gradients["db1"] = np.ones(5)  # shape (5,) still fits
    assert gradients_to_vector(gradients).shape == (47, 1)
    gradients["db3"] = np.ones((1, 3))  # changes the length
    assert gradients_to_vector(gradients).shape == (49, 1)


@pytest.mark.parametrize("x", [-3.0, -1e-9, 0.0, 2.5])
def test_activations(x):
    assert relu(np.array([x]))[0] == max(0.0, x)
    assert sigmoid(np.array([x]))[0] == pytest.approx(1 / (1 + np.exp(-x)), rel=1e-15)
