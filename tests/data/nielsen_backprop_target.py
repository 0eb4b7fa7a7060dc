"""A Nielsen-style network ("Neural Networks and Deep Learning", chapter 2) as a gradmut target:
`backprop(biases, weights, x, y)` returns lists (nabla_b, nabla_w), named here block by block."""
import numpy as np

SIZES = (3, 4, 2)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def feedforward(biases, weights, a):
    for b, w in zip(biases, weights):
        a = sigmoid(np.dot(w, a) + b)
    return a


def backprop(biases, weights, x, y):
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    activation = x
    activations = [x]
    zs = []
    for b, w in zip(biases, weights):
        z = np.dot(w, activation) + b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, len(SIZES)):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l + 1].transpose(), delta) * sp
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
    return nabla_b, nabla_w


def make_case(seed):
    rng = np.random.RandomState(seed)
    parameters = {}
    for layer, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        parameters[f"w{layer}"] = rng.randn(n_out, n_in)
        parameters[f"b{layer}"] = rng.randn(n_out, 1)
    return {"inputs": {"x": rng.randn(SIZES[0], 1), "y": rng.rand(SIZES[-1], 1)},
            "parameters": parameters}


def _lists(parameters):
    layers = range(len(SIZES) - 1)
    return ([parameters[f"b{l}"] for l in layers], [parameters[f"w{l}"] for l in layers])


def loss(namespace, case, parameters):
    biases, weights = _lists(parameters)
    output = feedforward(biases, weights, case.inputs["x"])
    return 0.5 * np.sum((output - case.inputs["y"]) ** 2)  # the quadratic cost


def gradients(namespace, case, parameters):
    nabla_b, nabla_w = backprop(*_lists(parameters), case.inputs["x"], case.inputs["y"])
    named = {}
    for layer, (nb, nw) in enumerate(zip(nabla_b, nabla_w)):
        named[f"w{layer}"], named[f"b{layer}"] = nw, nb
    return named


GRADMUT_TARGET = {
    "function": "backprop",
    "make_case": make_case,
    "loss": loss,
    "gradients": gradients,
    "name": "nielsen-backprop",
}
