"""Built-in targets by name: the code under test and how to exercise it (numpy only)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from targets import course_cases
from targets.course_adapters import DropoutAdapter, LLayerAdapter, RegularizationAdapter
from targets.course_helpers import PARAMETER_KEYS, SHAPES
from targets.target import Case, Target

HERE = Path(__file__).resolve().parent


class UnknownTargetError(LookupError):
    """Raised for a target name that is not built in; the harness turns it into a usage error."""

    def __init__(self, name: str, known: tuple[str, ...]):
        self.name = name
        self.known = known
        self.suggestions = tuple(difflib.get_close_matches(name, known, n=2))
        super().__init__(name)


@dataclass(frozen=True, slots=True)
class CourseNetworkAdapter:
    """Call a course-style forward/backward pair: forward(X, Y, parameters) -> (cost, cache)
    and backward(X, Y, cache) -> {"dW1": ...}; gradients come back keyed by parameter name."""

    forward: str = "forward_propagation_n"
    backward: str = "backward_propagation_n"

    def loss(self, namespace: dict, case: Case, parameters) -> float:
        cost, _ = namespace[self.forward](case.inputs["X"], case.inputs["Y"], parameters)
        return cost

    def gradients(self, namespace: dict, case: Case, parameters) -> dict:
        X, Y = case.inputs["X"], case.inputs["Y"]
        _, cache = namespace[self.forward](X, Y, parameters)
        grads = namespace[self.backward](X, Y, cache)
        if not isinstance(grads, dict):
            return grads  # the harness reports what came back instead of a dict
        return {name: grads["d" + name] for name in parameters if "d" + name in grads}


def _one_dimensional_case(seed: int) -> Case:
    """Seed 1 is the course's x = 2, theta = 4; other seeds draw both from N(0, 1)."""
    if seed == 1:
        x, theta = 2.0, 4.0
    else:
        rng = np.random.RandomState(seed)
        x, theta = rng.randn(2)
    return Case(seed=seed, inputs={"x": np.float64(x)}, parameters={"theta": np.float64(theta)})


def _one_dimensional_loss(namespace: dict, case: Case, parameters) -> float:
    return namespace["forward_propagation"](case.inputs["x"], parameters["theta"])


def _one_dimensional_gradients(namespace: dict, case: Case, parameters) -> dict:
    return {"theta": namespace["backward_propagation"](case.inputs["x"], parameters["theta"])}


_COURSE = CourseNetworkAdapter()
_COURSE_LAYOUT = tuple((key, SHAPES[key]) for key in PARAMETER_KEYS)
_L_LAYER, _L2, _DROPOUT = LLayerAdapter(), RegularizationAdapter(), DropoutAdapter()

TARGETS: dict[str, Target] = {
    target.name: target
    for target in (
        Target(
            name="three-layer",
            source_path=HERE / "three_layer.py",
            function="backward_propagation_n",
            layout=_COURSE_LAYOUT,
            make_case=course_cases.make_case,
            loss=_COURSE.loss,
            gradients=_COURSE.gradients,
            description="the course's 3-layer ReLU/sigmoid network (47 parameters)",
            variants=(("buggy", HERE / "three_layer_buggy.py"),),
        ),
        Target(
            name="one-dimensional",
            source_path=HERE / "one_dimensional.py",
            function="backward_propagation",
            layout=(("theta", ()),),
            make_case=_one_dimensional_case,
            loss=_one_dimensional_loss,
            gradients=_one_dimensional_gradients,
            description="the course's warm-up J(theta) = theta * x",
        ),
        Target(
            name="l-layer",
            source_path=HERE / "l_layer.py",
            function=("L_model_backward", "linear_activation_backward", "linear_backward"),
            layout=_COURSE_LAYOUT,
            make_case=course_cases.make_case,
            loss=_L_LAYER.loss,
            gradients=_L_LAYER.gradients,
            description="an L-layer ReLU/sigmoid network (layers 4-5-3-1) in three functions",
        ),
        Target(
            name="regularization",
            source_path=HERE / "regularization.py",
            function="backward_propagation_with_regularization",
            layout=_COURSE_LAYOUT,
            make_case=course_cases.make_case,
            loss=_L2.loss,
            gradients=_L2.gradients,
            description=f"the 3-layer network with L2 regularization (lambd {_L2.lambd})",
        ),
        Target(
            name="dropout",
            source_path=HERE / "dropout.py",
            function="backward_propagation_with_dropout",
            layout=_COURSE_LAYOUT,
            make_case=course_cases.make_case,
            loss=_DROPOUT.loss,
            gradients=_DROPOUT.gradients,
            description=f"the 3-layer network with dropout (keep_prob {_DROPOUT.keep_prob}, "
                        "masks from RandomState(1))",
        ),
    )
}

DEFAULT_TARGET = "three-layer"


def get_target(name: str) -> Target:
    """Return the built-in target called `name`; raise UnknownTargetError naming the known ones."""
    try:
        return TARGETS[name]
    except KeyError:
        raise UnknownTargetError(name, tuple(TARGETS)) from None


__all__ = ["Case", "Target", "TARGETS", "DEFAULT_TARGET", "get_target", "UnknownTargetError",
           "CourseNetworkAdapter"]
