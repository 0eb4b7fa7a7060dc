"""Measure one mutant in a worker: exec its function over the loaded module, run the checks.

Everything that does not depend on the mutant (the module, the cases, the reference backward's
gradients, each checker's finite-difference work) is computed once per worker and cached, so a
mutant-check costs about one backward call plus a comparison. `evaluate` never raises.
"""
from __future__ import annotations

import contextlib
import hashlib
import sys
import time
from typing import Iterator

import numpy as np

from harness.check import analytic_gradient, initial_theta, loss_of_theta
from harness.checkers import CHECKERS, norm_ratio
from harness.oracle import EXACT_AGREEMENT, agrees_exactly
from harness.gradients import InvalidGradient, block_slices
from harness.loading import with_function
from harness.records import SENTINEL_ID, CheckConfig, Measurement, Status, WorkItem
from harness.targets_resolve import LoadedTarget

# Agreement with the reference backward: every entry within 4 units in the last place of the
# larger magnitude (relative 4 * 2.2e-16). Reordered but equivalent arithmetic such as
# `np.dot(a, b) / m` for `1./m * np.dot(a, b)` moves a last bit or two; any real bug moves more.
ULPS = 4


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return, entry by entry, whether the two vectors agree to within ULPS ulps."""
    scale = np.maximum(np.abs(a), np.abs(b))
    return np.abs(a - b) <= ULPS * np.spacing(scale)


def compare_to_reference(grad: np.ndarray, reference: np.ndarray, layout,
                         exact: bool = False) -> tuple[bool, tuple[str, ...]]:
    """Return (agrees, changed blocks): whether `grad` equals the reference, and the blocks
    ("dW2") in which it differs: beyond ULPS ulps from the reference backward, or beyond
    EXACT_AGREEMENT (a relative norm) from the exact gradient."""
    slices = block_slices(layout)
    if grad.shape != reference.shape:
        return False, tuple(f"d{name}" for name in slices)
    if exact:
        if agrees_exactly(grad, reference):
            return True, ()
        return False, tuple(f"d{name}" for name, part in slices.items()
                            if norm_ratio(grad[part], reference[part]) > EXACT_AGREEMENT)
    close = _close(grad, reference).ravel()
    if close.all():
        return True, ()
    return False, tuple(f"d{name}" for name, part in slices.items() if not close[part].all())


def fingerprint(grad: np.ndarray) -> str:
    """Return a short sha256 of the gradient's float64 bytes (equal iff bitwise equal)."""
    data = np.ascontiguousarray(grad, dtype=np.float64).tobytes()
    return hashlib.sha256(data).hexdigest()[:16]


def describe_error(error: BaseException) -> str:
    """Return 'Type: message' on one line, as stored in the session."""
    text = " ".join(str(error).split())
    return f"{error.__class__.__name__}: {text}" if text else error.__class__.__name__


class Evaluator:
    """A worker's long-lived state for one target: module, cases, references, finite differences."""

    def __init__(self, loaded: LoadedTarget):
        self.loaded = loaded
        self.target = loaded.target
        self._cases: dict[int, object] = {}
        self._reference: dict[int, np.ndarray | Exception] = {}
        self._prepared: dict[tuple[int, str, float], object] = {}
        self._oracle = None

    def case(self, seed: int):
        if seed not in self._cases:
            self._cases[seed] = self.target.make_case(seed)
        return self._cases[seed]

    def reference(self, seed: int) -> np.ndarray | Exception:
        """Return the unmutated backward's gradient on a case (or the error it raised)."""
        if seed not in self._reference:
            try:
                self._reference[seed] = analytic_gradient(self.target, self.loaded.namespace,
                                                          self.case(seed))
            except Exception as error:  # the user's own backward may be broken
                self._reference[seed] = error
        return self._reference[seed]

    def exact(self, seed: int) -> np.ndarray:
        """Return autograd's exact gradient on a case (the parent checked it is available)."""
        if self._oracle is None:
            from harness.oracle import Oracle

            self._oracle = Oracle(self.loaded)
        return self._oracle.gradient(self.case(seed))

    def prepared(self, seed: int, config: CheckConfig):
        """Return the checker's finite-difference work for (case, epsilon), computed once.

        Checkers with the same `prepare_key` (course, cs231n, allclose: central differences)
        share one entry, so a numerical gradient is computed once per (case, epsilon).
        """
        formula = CHECKERS[config.checker]
        key = (seed, formula.prepare_key, config.epsilon)
        if key not in self._prepared:
            case = self.case(seed)
            self._prepared[key] = formula.prepare(
                loss_of_theta(self.target, self.loaded.namespace, case),
                initial_theta(self.target, case), config.epsilon)
        return self._prepared[key]

    def gradient(self, item: WorkItem, namespace: dict, seed: int) -> np.ndarray:
        if item.mutant_id == SENTINEL_ID:
            reference = self.reference(seed)
            if isinstance(reference, Exception):
                raise reference
            return 2.0 * reference  # a grossly wrong gradient every check must flag
        return analytic_gradient(self.target, namespace, self.case(seed))

    def evaluate(self, item: WorkItem) -> list[Measurement]:
        """Return one Measurement per (seed, config) and per probe seed; never raises.

        A mutant's prints go to stderr: stdout carries only results (`--json -`).
        """
        with contextlib.redirect_stdout(sys.stderr):
            return self._evaluate(item)

    def _evaluate(self, item: WorkItem) -> list[Measurement]:
        try:
            namespace = self.loaded.namespace
            for function in item.functions:
                namespace = with_function(namespace, function.source,
                                          f"<mutant {item.mutant_id}>", function.first_line)
        except Exception as error:  # a mutant that does not even load
            return [Measurement(item.mutant_id, seed, config.checker, config.epsilon,
                                Status.CRASHED, error=describe_error(error))
                    for seed, config in _keys(item)]
        rows = []
        for seed in item.seeds:
            rows += self._measure(item, namespace, seed, item.configs, probe=False)
        for seed in item.probe_seeds:  # agreement only, so under the first config
            rows += self._measure(item, namespace, seed, item.configs[:1], probe=True)
        return rows

    def _measure(self, item: WorkItem, namespace: dict, seed: int,
                 configs: tuple[CheckConfig, ...], probe: bool) -> list[Measurement]:
        """Run the mutant's backward once on a case and score it under every config.

        A row's `seconds` is its comparison's time, plus the backward call's on the first row,
        so the rows of a case add up to what the mutant cost.
        """
        bases = [dict(mutant_id=item.mutant_id, seed=seed, checker=config.checker,
                      epsilon=config.epsilon, probe=probe) for config in configs]
        try:
            prepared = [None if probe else self._prepared_or_error(seed, c) for c in configs]
            reference = self.exact(seed) if item.reference == "exact" else self.reference(seed)
        except Exception as error:  # the unmutated forward pass itself fails on this case
            return [_forward_failed(base, error) for base in bases]
        start = time.perf_counter()  # the mutant's own cost: backward call plus comparison
        try:
            with np.errstate(all="ignore"):
                grad = self.gradient(item, namespace, seed)
        except Exception as error:
            status = Status.INVALID if isinstance(error, InvalidGradient) else Status.CRASHED
            message = str(error) if status is Status.INVALID else describe_error(error)
            seconds = time.perf_counter() - start
            return [Measurement(**base, status=status, error=message, matches_reference=False,
                                seconds=seconds if position == 0 else 0.0)
                    for position, base in enumerate(bases)]
        backward_seconds = time.perf_counter() - start
        exact = item.reference == "exact"
        facts = {"fingerprint": fingerprint(grad)}
        if isinstance(reference, Exception):
            matches = None
        else:
            matches, facts["changed"] = compare_to_reference(grad, reference,
                                                             self.target.layout, exact)
        rows = []
        for base, config, work in zip(bases, configs, prepared):
            if isinstance(work, Exception):
                rows.append(_forward_failed(base, work))
                continue
            rows.append(self._score(item, grad, matches, reference, {**base, **facts}, config,
                                    work, 0.0 if rows else backward_seconds))
        return rows

    def _prepared_or_error(self, seed: int, config: CheckConfig):
        try:
            return self.prepared(seed, config)
        except Exception as error:  # the unmutated forward pass fails at this step
            return error

    def _score(self, item: WorkItem, grad: np.ndarray, matches: bool | None, reference,
               base: dict, config: CheckConfig, prepared, seconds: float) -> Measurement:
        """Compare one gradient under one config; `seconds` already spent on the backward."""
        start = time.perf_counter()
        errors = _exact_errors(grad, prepared, reference) if item.reference == "exact" else {}
        if base["probe"]:
            return Measurement(**base, status=Status.OK, matches_reference=matches,
                               seconds=seconds + time.perf_counter() - start, **errors)
        result = CHECKERS[config.checker].compare(grad, prepared, self.target.layout)
        return Measurement(**base, status=Status.OK, difference=result.difference,
                           per_parameter=result.per_parameter, matches_reference=matches,
                           seconds=seconds + time.perf_counter() - start, **errors)


def _forward_failed(base: dict, error: Exception) -> Measurement:
    return Measurement(**base, status=Status.CRASHED,
                       error=f"forward pass failed: {describe_error(error)}")


def _exact_errors(grad: np.ndarray, prepared, exact: np.ndarray) -> dict:
    """The mutant's own error and, where the checker prepared a gradient, the check's error."""
    numeric = norm_ratio(prepared, exact) if isinstance(prepared, np.ndarray) and \
        prepared.shape == exact.shape else None
    return {"exact_error": norm_ratio(grad, exact), "numeric_error": numeric}


def _keys(item: WorkItem) -> Iterator[tuple[int, CheckConfig]]:
    """Checked seeds under every config, then each probe seed once (under the first config)."""
    for seed in item.seeds:
        for config in item.configs:
            yield seed, config
    for seed in item.probe_seeds:
        yield seed, item.configs[0]
