"""Judge test cases for `gradmut harden`: which case shows a bug set best, and why the course's
may not.

A case's worth is its smallest margin over the bugs a case can reveal: the bug it shows least
clearly decides whether a student's version of that bug gets through. Dead ReLU units (a unit
whose activation is zero on every example) zero their rows of dW and db whatever the backward
does there, so they hide bugs; harness.dead_units finds them for any forward pass that
calls a function named `relu`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from harness.records import BASELINE_ID, Status
from harness.targets_resolve import scaled

# A recommended case should leave the correct backward this many times under the threshold, so
# a change of numpy build or CPU cannot turn its rounding noise into a false alarm.
QUIET = 10


@dataclass(frozen=True, slots=True)
class CaseVerdict:
    seed: int
    scale: float
    smallest_margin: float | None  # over the bugs a case can reveal, and over epsilons
    weakest: str | None  # the bug with that margin
    hidden: tuple[str, ...]  # bugs whose gradients equal the correct ones on this case
    dead_units: tuple[str, ...] | None  # None: not known for this target's shapes
    baseline: float | None  # the correct backward's largest difference over epsilons
    false_alarm: bool  # the correct backward fails the check on this case

    threshold: float = 0.0

    @property
    def quiet(self) -> bool:
        """The correct backward sits at least QUIET times under the threshold on this case."""
        return self.baseline is not None and self.baseline * QUIET <= self.threshold

    @property
    def rank_key(self) -> tuple:
        """Best first: no false alarm, no dead units, a quiet correct backward, then the largest
        smallest margin; ties go to the scale nearest 1 and the lowest seed."""
        margin = -math.inf if self.smallest_margin is None else self.smallest_margin
        return (self.false_alarm, bool(self.dead_units), not self.quiet, -margin,
                abs(math.log(self.scale)), self.seed)

    @property
    def name(self) -> str:
        return f"seed {self.seed}, input scale {self.scale:g}"


def dead_units(loaded, key: tuple[int, float]) -> tuple[str, ...] | None:
    """Return the dead ReLU units on case `key` ("layer 2 unit 3", 1-based); None when the
    forward pass calls no function named `relu` (unknown, see harness.dead_units)."""
    from harness import dead_units as units

    seed, scale = key
    found = units.dead_units(scaled(loaded, scale), seed)
    if not found.layers:
        return None
    return tuple(f"layer {layer.layer} unit {unit + 1}"
                 for layer in found.layers for unit in layer.dead)


def judge_case(key, rows: dict, usable: list[str], threshold: float, dead) -> CaseVerdict:
    """Summarize one case: its smallest margin over the usable bugs, what it hides."""
    margins = {}
    for bug_id in usable:
        values = [m.difference / threshold for m in rows[bug_id] if m.status is Status.OK]
        if values:
            margins[bug_id] = min(values)
    weakest = min(margins, key=margins.get) if margins else None
    baseline = [m.difference for m in rows[BASELINE_ID] if m.status is Status.OK]
    worst = max(baseline) if baseline else None
    hidden = tuple(sorted(b for b in usable if all(m.matches_reference for m in rows[b])))
    return CaseVerdict(seed=key[0], scale=key[1],
                       smallest_margin=margins[weakest] if weakest else None, weakest=weakest,
                       hidden=hidden, dead_units=dead, baseline=worst,
                       false_alarm=worst is None or worst > threshold, threshold=threshold)


def recommend(judged: list[CaseVerdict]) -> CaseVerdict | None:
    """The best case without a false alarm (judged is sorted best first)."""
    return next((c for c in judged if not c.false_alarm and c.smallest_margin is not None), None)


def weaknesses(course: CaseVerdict, best: CaseVerdict | None, bugs, judged) -> tuple[str, ...]:
    """Say in words what is weak about the course's case, and what the recommended case gains."""
    found = []
    if course.dead_units:
        found.append(f"the course's case has dead units ({', '.join(course.dead_units)}): "
                     "their rows of dW and db are zero whatever the backward computes, so a "
                     "bug confined to them passes")
    if course.hidden:
        found.append(f"the course's case hides {len(course.hidden)} bug(s): "
                     f"{', '.join(course.hidden[:5])}")
    if course.false_alarm:
        found.append(f"the correct backward fails the check on the course's case "
                     f"(difference {course.baseline:.3g} at some epsilon)")
    elif not course.quiet:
        found.append(f"the correct backward scores {course.baseline:.3g} on the course's case, "
                     f"only {course.threshold / course.baseline:.2g}x under the threshold")
    thin = [b for b in bugs if b.course_margin is not None and 1 < b.course_margin < 10]
    for bug in thin[:5]:
        found.append(f"{bug.id} is caught on the course's case with margin only "
                     f"{bug.course_margin:.3g}")
    if course.smallest_margin is not None:
        rank = judged.index(course) + 1
        found.append(f"the course's smallest margin is {course.smallest_margin:.4g} "
                     f"({course.weakest}), rank {rank} of {len(judged)} cases")
    if best is not None and course.smallest_margin and best != course:
        gain = best.smallest_margin / course.smallest_margin
        dead = "no dead units" if best.dead_units == () else \
            f"dead units: {', '.join(best.dead_units)}" if best.dead_units else "dead units n/a"
        found.append(f"recommended: {best.name}: smallest margin {best.smallest_margin:.4g} "
                     f"({gain:.3g}x the course's), {dead}, correct backward "
                     f"{best.baseline:.3g} ({best.threshold / best.baseline:.2g}x under the "
                     "threshold)")
    return tuple(found)
