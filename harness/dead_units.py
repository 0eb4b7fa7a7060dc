"""Find the ReLU units that are inactive on every example of a case ("dead" on that case).

A dead unit's incoming gradients are exactly zero on the case whatever the backward does with
them, so a bug confined to those rows is invisible to any gradient check on that case; the
course's own case has two of three layer-2 units dead. The forward pass is run with its
module-level `relu` replaced by a recorder, so this works for any target whose forward calls
a function named `relu` (all the course's networks) without knowing its cache layout; a forward
that writes `np.maximum(0, Z)` inline shows no layers. Activations follow the course's layout:
units along the first axis (rows), examples along the others.
"""
from __future__ import annotations

import types
from dataclasses import dataclass

import numpy as np

from harness.targets_resolve import LoadedTarget


@dataclass(frozen=True, slots=True)
class LayerUnits:
    """One ReLU layer on one case: its width and the 0-based rows inactive on every example."""

    layer: int  # 1-based, in the order the forward pass calls relu
    units: int
    dead: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CaseUnits:
    seed: int
    layers: tuple[LayerUnits, ...]

    def to_json(self) -> dict:
        return {"seed": self.seed,
                "layers": [{"layer": layer.layer, "units": layer.units, "dead": list(layer.dead)}
                           for layer in self.layers]}


def relu_outputs(loaded: LoadedTarget, case) -> list[np.ndarray]:
    """Run the target's forward pass on `case` and return each relu call's output, in order."""
    original = loaded.namespace.get("relu")
    if not callable(original):
        return []
    recorded: list[np.ndarray] = []

    def recording_relu(z):
        out = original(z)
        recorded.append(np.asarray(out))
        return out

    namespace = _with_global(loaded.namespace, "relu", recording_relu)
    loaded.target.loss(namespace, case, dict(case.parameters))
    return recorded


def _with_global(namespace: dict, name: str, value) -> dict:
    """Return a copy of a module namespace whose functions see `value` as the global `name`."""
    copy = dict(namespace)
    copy[name] = value
    for key, function in namespace.items():
        if isinstance(function, types.FunctionType) and function.__globals__ is namespace:
            copy[key] = types.FunctionType(function.__code__, copy, function.__name__,
                                           function.__defaults__, function.__closure__)
    return copy


def dead_units(loaded: LoadedTarget, seed: int) -> CaseUnits:
    """Return, per ReLU layer, the units whose activation is 0 on every example of case `seed`."""
    try:
        activations = relu_outputs(loaded, loaded.target.make_case(seed))
    except Exception:  # the forward pass fails on this case: the sweep's rows say why
        activations = []
    layers = []
    for number, activation in enumerate(activations, 1):
        rows = activation.reshape(activation.shape[0], -1) if activation.ndim else \
            activation.reshape(1, 1)
        dead = tuple(int(row) for row in np.flatnonzero(np.all(rows == 0, axis=1)))
        layers.append(LayerUnits(number, rows.shape[0], dead))
    return CaseUnits(seed, tuple(layers))
