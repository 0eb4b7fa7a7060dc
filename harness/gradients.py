"""Parameter vectors and the numerical gradient: the finite-difference side of every check.

`numerical_gradient` perturbs one parameter at a time, in the target's layout order, exactly as the
course's gradient_check_n does, so the course's figures reproduce bit for bit.
"""
from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

Layout = tuple[tuple[str, tuple[int, ...]], ...]


@lru_cache(maxsize=64)
def block_slices(layout: Layout) -> Mapping[str, slice]:
    """Return each parameter's slice of the flat vector, in layout order (read-only).

    Cached per layout: every comparison asks, and np.prod on each shape cost more than the
    comparison itself.
    """
    slices, start = {}, 0
    for name, shape in layout:
        size = int(np.prod(shape, dtype=np.int64))
        slices[name] = slice(start, start + size)
        start += size
    return MappingProxyType(slices)


@lru_cache(maxsize=64)
def block_sizes(layout: Layout) -> Mapping[str, int]:
    """Return each parameter's number of entries (read-only, cached per layout)."""
    return MappingProxyType({name: part.stop - part.start
                             for name, part in block_slices(layout).items()})


def vector_size(layout: Layout) -> int:
    return sum(block_sizes(layout).values())


def flatten(arrays: Mapping[str, np.ndarray], layout: Layout) -> np.ndarray:
    """Concatenate the named arrays row-major into one (n, 1) float column, in layout order."""
    return np.concatenate([np.reshape(arrays[name], (-1, 1)) for name, _ in layout], axis=0)


def unflatten(theta: np.ndarray, layout: Layout) -> dict[str, np.ndarray]:
    """Cut an (n, 1) column into named arrays of the layout's shapes (views, no copies)."""
    slices = block_slices(layout)
    return {name: theta[slices[name]].reshape(shape) for name, shape in layout}


def numerical_gradient(loss_of_theta: Callable[[np.ndarray], float], theta: np.ndarray,
                       epsilon: float) -> np.ndarray:
    """Return the central-difference gradient (J(t + e_i eps) - J(t - e_i eps)) / (2 eps).

    Costs 2n forward passes; epsilon is the absolute step added to each parameter.
    """
    n = theta.shape[0]
    approx = np.zeros((n, 1))
    for i in range(n):
        plus = np.copy(theta)
        plus[i][0] = plus[i][0] + epsilon
        minus = np.copy(theta)
        minus[i][0] = minus[i][0] - epsilon
        approx[i] = (loss_of_theta(plus) - loss_of_theta(minus)) / (2 * epsilon)
    return approx


class InvalidGradient(ValueError):
    """A backward pass returned something that is not a usable gradient (missing, size, NaN)."""


def gradient_vector(gradients: Mapping[str, np.ndarray], layout: Layout) -> np.ndarray:
    """Flatten a backward pass's gradients like the course does, or raise InvalidGradient.

    Like the course's gradients_to_vector only the number of entries must match (a db1 of shape
    (5,) fits where (5, 1) is expected); a missing block, a wrong count or a non-finite entry
    makes the gradient unusable.
    """
    if not isinstance(gradients, Mapping):
        raise InvalidGradient(f"the backward returned {type(gradients).__name__}, not a dict")
    for name, expected in block_sizes(layout).items():
        if name not in gradients:
            raise InvalidGradient(f"no gradient for {name}")
        size = np.size(gradients[name])
        if size != expected:
            raise InvalidGradient(f"gradient of {name} has {size} entries, expected {expected}")
    try:
        vector = flatten(gradients, layout).astype(np.float64, copy=False)
    except (TypeError, ValueError) as error:
        raise InvalidGradient(f"gradient is not numeric ({error})") from None
    if not np.all(np.isfinite(vector)):
        bad = [name for name, part in block_slices(layout).items()
               if not np.all(np.isfinite(vector[part]))]
        raise InvalidGradient(f"non-finite entries in {', '.join(bad)}")
    return vector
