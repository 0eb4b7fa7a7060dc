"""A CS231n-style affine layer, declared as a gradmut target (the README's worked example)."""
import numpy as np


def affine_forward(x, w, b):
    out = np.dot(x.reshape(x.shape[0], -1), w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    dx = np.dot(dout, w.T).reshape(x.shape)
    dw = np.dot(x.reshape(x.shape[0], -1).T, dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def make_case(seed):
    rng = np.random.RandomState(seed)
    return {"inputs": {"dout": rng.randn(2, 3)},
            "parameters": {"x": rng.randn(2, 4), "w": rng.randn(4, 3), "b": rng.randn(3)}}


def loss(namespace, case, parameters):
    # A scalar whose gradient with respect to `out` is `dout`: L = sum(out * dout).
    out, _ = affine_forward(parameters["x"], parameters["w"], parameters["b"])
    return np.sum(out * case.inputs["dout"])


def gradients(namespace, case, parameters):
    _, cache = affine_forward(parameters["x"], parameters["w"], parameters["b"])
    dx, dw, db = affine_backward(case.inputs["dout"], cache)
    return {"x": dx, "w": dw, "b": db}


GRADMUT_TARGET = {
    "function": "affine_backward",
    "make_case": make_case,
    "loss": loss,
    "gradients": gradients,
}
