"""The course's helper functions (its `gc_utils` module), written afresh with the same semantics.

The parameter vector order is fixed (W1, b1, W2, b2, W3, b3), not dict order, and every array is
flattened row-major into a (n, 1) column, as the assignment does.
"""
import numpy as np

PARAMETER_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
GRADIENT_KEYS = ("dW1", "db1", "dW2", "db2", "dW3", "db3")
SHAPES = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}


def sigmoid(x):
    """Squash x into (0, 1): s = 1 / (1 + exp(-x))."""
    s = 1 / (1 + np.exp(-x))
    return s


def relu(x):
    """Keep the positive part of x: max(0, x), elementwise."""
    s = np.maximum(0, x)
    return s


def dictionary_to_vector(parameters):
    """Flatten W1, b1, W2, b2, W3, b3 into one (47, 1) column; also name each entry's key."""
    keys = []
    pieces = []
    for key in PARAMETER_KEYS:
        column = np.reshape(parameters[key], (-1, 1))
        keys = keys + [key] * column.shape[0]
        pieces.append(column)
    theta = np.concatenate(pieces, axis=0)
    return theta, keys


def vector_to_dictionary(theta):
    """Cut a (47, 1) column back into the six parameter arrays by fixed slices."""
    parameters = {}
    parameters["W1"] = theta[:20].reshape((5, 4))
    parameters["b1"] = theta[20:25].reshape((5, 1))
    parameters["W2"] = theta[25:40].reshape((3, 5))
    parameters["b2"] = theta[40:43].reshape((3, 1))
    parameters["W3"] = theta[43:46].reshape((1, 3))
    parameters["b3"] = theta[46:47].reshape((1, 1))
    return parameters


def gradients_to_vector(gradients):
    """Flatten dW1, db1, dW2, db2, dW3, db3 (only these) into one column, row-major."""
    pieces = [np.reshape(gradients[key], (-1, 1)) for key in GRADIENT_KEYS]
    theta = np.concatenate(pieces, axis=0)
    return theta
