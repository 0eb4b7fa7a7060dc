"""Records that describe code under test, so the harness never needs to know a signature.

A Target says where the source is, which function gets mutated, how to turn parameters into a
loss and into named gradients, and how to build a test case from a seed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import numpy as np


@dataclass(frozen=True, slots=True)
class Case:
    """One test case: inputs and parameters drawn from a seed (seed 1 is the course's case)."""

    seed: int
    inputs: Mapping[str, np.ndarray]
    parameters: Mapping[str, np.ndarray]


# (namespace of the loaded module, case, parameters) -> scalar loss J.
LossFunction = Callable[[dict, Case, Mapping[str, np.ndarray]], float]
# (namespace, case, parameters) -> {"W1": dW1, ...}: gradients keyed by *parameter* name.
GradientFunction = Callable[[dict, Case, Mapping[str, np.ndarray]], Mapping[str, np.ndarray]]


@dataclass(frozen=True, slots=True)
class Target:
    """Code under test and how to exercise it; knows nothing of mutation or checking."""

    name: str
    source_path: Path
    function: str | tuple[str, ...]  # several names: mutations inside each (first is the entry)
    layout: tuple[tuple[str, tuple[int, ...]], ...]
    make_case: Callable[[int], Case]
    loss: LossFunction
    gradients: GradientFunction
    description: str = ""
    # Other sources of the same target (e.g. the notebook's shipped buggy backward).
    variants: tuple[tuple[str, Path], ...] = field(default=())

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.layout)

    @property
    def function_names(self) -> tuple[str, ...]:
        return (self.function,) if isinstance(self.function, str) else tuple(self.function)

    @property
    def function_label(self) -> str:
        """Return the mutated function names as one string ("L_model_backward, ...")."""
        return ", ".join(self.function_names)

    @property
    def size(self) -> int:
        return sum(int(np.prod(shape)) for _, shape in self.layout)

    def variant_path(self, variant: str) -> Path | None:
        """Return the source file of a variant ("correct" is the target's own), None if unknown."""
        if variant == "correct":
            return self.source_path
        return dict(self.variants).get(variant)

    @property
    def variant_names(self) -> tuple[str, ...]:
        return ("correct",) + tuple(name for name, _ in self.variants)
