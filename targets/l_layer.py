"""An L-layer network, [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID, in the course's style.

The course's "deep network" assignment splits backprop into three functions: one layer's linear
part (`linear_backward`), one layer with its activation (`linear_activation_backward`) and the
loop over layers (`L_model_backward`). All three are mutated. Caches are per layer:
((A_prev, W, b), Z). This file is read as text by the mutators; its backward is correct.
"""
import numpy as np

from targets.course_helpers import relu, sigmoid


def linear_activation_forward(A_prev, W, b, activation):
    """Return one layer's activation A and its cache ((A_prev, W, b), Z)."""
    Z = np.dot(W, A_prev) + b
    if activation == "sigmoid":
        A = sigmoid(Z)
    else:
        A = relu(Z)
    cache = ((A_prev, W, b), Z)
    return A, cache


def L_model_forward(X, parameters):
    """Return the output AL and the list of per-layer caches."""
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)],
                                             parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)],
                                          parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    """Return the cross-entropy cost averaged over the m examples."""
    m = AL.shape[1]
    cost = -1. / m * np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL)))
    return np.squeeze(cost)


def linear_backward(dZ, cache):
    """Return (dA_prev, dW, db) of one layer's linear part from dZ."""
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1./m * np.dot(dZ, A_prev.T)
    db = 1./m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    """Return (dA_prev, dW, db) of one layer, through its activation's derivative."""
    linear_cache, Z = cache
    if activation == "relu":
        dZ = np.multiply(dA, np.int64(Z > 0))
    else:
        s = sigmoid(Z)
        dZ = dA * s * (1 - s)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db


def L_model_backward(AL, Y, caches):
    """Return the gradients dA0..dA(L-1), dW1..dWL, db1..dbL as a dict."""
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA_prev, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads
