"""Adapters for the course's other backward passes: their own signatures in, a loss and named
gradients out, so the harness never needs to know `L_model_backward(AL, Y, caches)` or `lambd`.

Each adapter calls the functions through the namespace it is given (the mutant's), never through
an import, so the mutated code is what runs.
"""
from __future__ import annotations

from dataclasses import dataclass

from targets.target import Case

LAMBD = 0.7  # the course's regularization strength
# The course forward's default keep_prob. With the course's 0.86 (or its test's 0.7) seed 1's
# gradient is so small that rounding alone gives 5.9e-7 (2.8e-5) at epsilon 1e-7: a false alarm.
KEEP_PROB = 0.5


def _by_parameter(grads, parameters) -> dict:
    """Return {"W1": grads["dW1"], ...}, or what came back if it is not a dict."""
    if not isinstance(grads, dict):
        return grads  # the harness reports what came back instead of a dict
    return {name: grads["d" + name] for name in parameters if "d" + name in grads}


@dataclass(frozen=True, slots=True)
class LLayerAdapter:
    """L_model_forward(X, parameters) -> (AL, caches); L_model_backward(AL, Y, caches)."""

    def loss(self, namespace: dict, case: Case, parameters) -> float:
        AL, _ = namespace["L_model_forward"](case.inputs["X"], parameters)
        return namespace["compute_cost"](AL, case.inputs["Y"])

    def gradients(self, namespace: dict, case: Case, parameters) -> dict:
        AL, caches = namespace["L_model_forward"](case.inputs["X"], parameters)
        return _by_parameter(namespace["L_model_backward"](AL, case.inputs["Y"], caches),
                             parameters)


@dataclass(frozen=True, slots=True)
class RegularizationAdapter:
    """forward_propagation(X, parameters) -> (A3, cache); the backward takes lambd."""

    lambd: float = LAMBD

    def loss(self, namespace: dict, case: Case, parameters) -> float:
        A3, _ = namespace["forward_propagation"](case.inputs["X"], parameters)
        return namespace["compute_cost_with_regularization"](A3, case.inputs["Y"], parameters,
                                                             self.lambd)

    def gradients(self, namespace: dict, case: Case, parameters) -> dict:
        X, Y = case.inputs["X"], case.inputs["Y"]
        _, cache = namespace["forward_propagation"](X, parameters)
        grads = namespace["backward_propagation_with_regularization"](X, Y, cache, self.lambd)
        return _by_parameter(grads, parameters)


@dataclass(frozen=True, slots=True)
class DropoutAdapter:
    """forward_propagation_with_dropout(X, parameters, keep_prob); masks fixed inside it."""

    keep_prob: float = KEEP_PROB

    def loss(self, namespace: dict, case: Case, parameters) -> float:
        A3, _ = namespace["forward_propagation_with_dropout"](case.inputs["X"], parameters,
                                                              self.keep_prob)
        return namespace["compute_cost"](A3, case.inputs["Y"])

    def gradients(self, namespace: dict, case: Case, parameters) -> dict:
        X, Y = case.inputs["X"], case.inputs["Y"]
        _, cache = namespace["forward_propagation_with_dropout"](X, parameters, self.keep_prob)
        grads = namespace["backward_propagation_with_dropout"](X, Y, cache, self.keep_prob)
        return _by_parameter(grads, parameters)
