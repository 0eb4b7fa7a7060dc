"""What measurements mean at a threshold: the only place the classification rules live.

1. timeout, crashed or invalid on any checked case;
2. otherwise equivalent if the gradients agree with the reference backward on every checked and
   probe case;
3. otherwise caught if the check's difference exceeds the threshold on some checked case, else
   missed (a real bug the check did not see).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Sequence

from harness.records import Measurement, Status


class Outcome(str, Enum):
    """A mutant's verdict at one threshold (derived, never stored)."""

    CAUGHT = "caught"
    MISSED = "missed"
    EQUIVALENT = "equivalent"
    CRASHED = "crashed"
    INVALID = "invalid"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class Verdict:
    """An outcome with the figures behind it: the worst-case difference and why."""

    outcome: Outcome
    difference: float | None  # the largest difference over the checked cases
    blamed: str | None  # the gradient block with the largest difference on that case
    reason: str
    caught_cases: int = 0
    checked_cases: int = 0

    def margin(self, threshold: float) -> float | None:
        """Return difference / threshold (> 1 means caught); None without a difference."""
        return None if self.difference is None else self.difference / threshold


_FAILURES = (Status.TIMEOUT, Status.CRASHED, Status.INVALID)


def classify(measurements: Sequence[Measurement], threshold: float) -> Verdict:
    """Return the verdict for one mutant's measurements under one configuration."""
    checked = [m for m in measurements if not m.probe]
    probes = [m for m in measurements if m.probe]
    for status in _FAILURES:
        failed = [m for m in checked if m.status is status]
        if failed:
            return Verdict(Outcome(status.value), None, None,
                           f"seed {failed[0].seed}: {failed[0].error or status.value}",
                           checked_cases=len(checked))
    worst = max(checked, key=lambda m: m.difference)
    caught = sum(1 for m in checked if m.difference > threshold)
    common = dict(difference=worst.difference, blamed=worst.blamed, caught_cases=caught,
                  checked_cases=len(checked))
    if all(m.status is Status.OK and m.matches_reference for m in checked + probes):
        return Verdict(Outcome.EQUIVALENT, reason="gradients agree with the reference backward "
                       "on every checked and probe case", **common)
    if caught:
        return Verdict(Outcome.CAUGHT, reason=f"difference > threshold on {caught} of "
                       f"{len(checked)} case(s)", **common)
    if all(m.matches_reference for m in checked):
        differing = [m.seed for m in probes if not m.matches_reference]
        reason = ("agrees with the reference on the checked case(s) only; differs on probe "
                  f"seed(s) {', '.join(map(str, differing))} (e.g. hidden by dead ReLU units)")
    else:
        reason = "gradients differ from the reference but the difference is within the threshold"
    return Verdict(Outcome.MISSED, reason=reason, **common)
