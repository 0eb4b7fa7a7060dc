"""Judge bugs and test cases for `gradmut harden` from their measured rows (pure, no running).

A bug is judged only on the (case, epsilon) pairs where the backward as given passes the check:
where that backward itself fails, a "catch" says nothing about the bug. A case's worth is its
smallest margin over the bugs a case can reveal. Dead ReLU units (a unit whose activation is zero
on every example) zero their rows of dW and db whatever the backward does there, so they hide
bugs; harness.dead_units finds them for any forward pass that calls a function named `relu`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from harness.records import BASELINE_ID, Status
from harness.targets_resolve import scaled

# A recommended case should leave the correct backward this many times under the threshold, so
# a change of numpy build or CPU cannot turn its rounding noise into a false alarm.
QUIET = 10
# Two gradients equal to the last bits have the same error against the exact gradient to a few
# parts in a million; twice the backward's own error leaves room and stays far below any bug.
ROUNDING_FACTOR = 2
COURSE_CASE = (1, 1.0)
UNUSABLE = ("invisible", "crash-only", "unjudged")  # no choice of case makes the check catch


@dataclass(frozen=True, slots=True)
class BugVerdict:
    """One bug over every case and epsilon: how it fares, and the figures behind it."""

    id: str
    description: str
    function: str
    lines: tuple[int, ...]
    where: str  # "line 49", or "cell 6, line 12" in a notebook
    original: str
    mutated: str
    verdict: str  # robust | not robust | missed | invisible | crash-only | unjudged
    reason: str
    caught: int  # judged (case, epsilon) pairs on which the difference exceeds the threshold
    checked: int  # judged pairs: the bug ran and the backward as given passes the check
    excluded: int  # pairs left out: the backward as given fails the check there
    crashes: int  # cases on which the bug raised or returned an unusable gradient
    smallest_margin: float | None
    course_margin: float | None  # smallest over epsilons on the course's case
    recommended_margin: float | None
    blocks: tuple[str, ...]  # gradient blocks to look at (on the recommended case)
    own_error: float | None = None  # with the oracle: vs the exact gradient, course's case
    check_error: float | None = None  # the finite difference's own error there (worst epsilon)
    repairs: int | None = None  # diagnose's repairs of the bug's code; None: not searched
    repair_locations: tuple[tuple[int, ...], ...] = ()
    repair_where: tuple[str, ...] = ()  # each location as the user sees it
    unique_repair: bool | None = None  # one fix location: an unambiguous answer key


def _cases(rows: dict, bug_id: str):
    """Yield (key, the bug's rows, the baseline's rows) per case, one row per epsilon."""
    for key, found in rows.items():
        yield key, found[bug_id], found[BASELINE_ID]


def ran_ok(ms) -> bool:
    return all(m.status is Status.OK for m in ms)


def unchanged(mine, base, threshold: float) -> bool:
    """True if the bug leaves the gradient as the reference has it on this case (one row each).

    Without the oracle: agreement with the backward as given (the row's matches_reference).
    With it, agreement with the exact gradient to rounding, where "rounding" may be what the
    backward as given itself shows on the case, when that is under the threshold: autograd
    differentiates log(1 - A3) with cancellation when the sigmoid saturates (measured: the
    correct backward 2.1e-10 off at input scale 2, seed 1), and a bug no closer to the exact
    gradient than the backward as given changes nothing a check could see."""
    if mine.matches_reference:
        return True
    if mine.exact_error is None or base.exact_error is None or base.exact_error > threshold:
        return False
    return mine.exact_error <= ROUNDING_FACTOR * base.exact_error


def judged_pairs(rows: dict, bug_id: str, threshold: float, key=None) -> list:
    """The bug's rows that count: it ran, and the backward as given passes there."""
    return [m for k, mine, base in _cases(rows, bug_id) if key in (None, k) and ran_ok(mine)
            for m, b in zip(mine, base) if b.status is Status.OK and b.difference <= threshold]


def _shown(keys) -> str:
    return ", ".join(f"seed {s} x{scale:g}" for s, scale in sorted(keys)[:4])


def _hidden(mine, base, threshold) -> bool:
    return all(unchanged(m, b, threshold) for m, b in zip(mine, base))


def judge_bug(bug, rows: dict, threshold: float,
              reference: str = "the correct ones") -> tuple[str, str]:
    """Return (verdict, reason) for one bug from its rows on every case.

    crash-only: stopped by an exception on every case where the code as given runs, never by
    the check. A bug that crashes on some cases is judged on the others, and the reason says so.
    """
    ran = [(k, mine, base) for k, mine, base in _cases(rows, bug.id) if ran_ok(base)]
    crashed = [(k, mine) for k, mine, _ in ran if not ran_ok(mine)]
    ok = [(k, mine, base) for k, mine, base in ran if ran_ok(mine)]
    errors = sorted({m.error or m.status.value for _, ms in crashed for m in ms
                     if m.status is not Status.OK})
    note = f"; crashes on {len(crashed)} of {len(ran)} cases ({errors[0]})" if ok and crashed \
        else ""
    if not ok:
        if crashed:
            return "crash-only", f"stopped by an exception on every case, never by the " \
                                 f"check: {errors[0]}"
        return "unjudged", "the backward as given does not run on any case"
    hidden = {k for k, mine, base in ok if _hidden(mine, base, threshold)}
    if len(hidden) == len(ok):
        return "invisible", f"equivalent: its gradients equal {reference} on every case{note}"
    judged = {k: judged_pairs(rows, bug.id, threshold, k) for k, _, _ in ok}
    if not any(judged.values()):
        return "unjudged", "the backward as given fails the check on every case and epsilon " \
                           f"where the bug runs: nothing to compare with{note}"
    uncaught = {k for k, ms in judged.items() if any(m.difference <= threshold for m in ms)}
    if not uncaught:
        return "robust", f"caught on every case and epsilon{note}"
    if not any(m.difference > threshold for ms in judged.values() for m in ms):
        return "missed", f"the gradients differ but never by more than the threshold{note}"
    shown = (uncaught & hidden) or uncaught
    why = "gradients unchanged (nothing to see)" if uncaught & hidden else \
        "difference under the threshold"
    return "not robust", f"{why} on {len(shown)} of {len(ok)} cases: {_shown(shown)}{note}"


def _smallest(values) -> float | None:
    values = [v for v in values if v is not None]
    return min(values) if values else None


def _blocks(judged: list, threshold: float) -> tuple[str, ...]:
    """Blocks over the threshold and within a factor 100 of the worst, on the worst epsilon."""
    if not judged:
        return ()
    per = max(judged, key=lambda m: m.difference).per_parameter
    worst = max(per.values(), default=0.0)
    return tuple(sorted(n for n, v in per.items() if v > threshold and v >= worst / 100))


def _changed_lines(loaded, bug) -> tuple[int, ...]:
    """The module lines a bug changes (its functions' text against the original's)."""
    original = loaded.source.splitlines()
    lines = []
    for function in bug.functions:
        new = function.source.splitlines()
        old = original[function.first_line - 1:function.first_line - 1 + len(new)]
        lines += [function.first_line + i for i, (a, b) in enumerate(zip(old, new)) if a != b]
    return tuple(sorted(lines)) or (bug.line,)


def bug_verdict(loaded, bug, rows, threshold, recommended, reference) -> BugVerdict:
    """Judge one bug and gather its figures (margins over judged pairs only)."""
    verdict, reason = judge_bug(bug, rows, threshold, reference)
    judged = judged_pairs(rows, bug.id, threshold)
    both = [(m, b) for _, mine, base in _cases(rows, bug.id) if ran_ok(mine) and ran_ok(base)
            for m, b in zip(mine, base)]
    margin = lambda ms: _smallest(m.difference / threshold for m in ms)  # noqa: E731
    course = judged_pairs(rows, bug.id, threshold, COURSE_CASE)
    best = judged_pairs(rows, bug.id, threshold, recommended) if recommended else course
    lines = _changed_lines(loaded, bug)
    mine = rows.get(COURSE_CASE, {}).get(bug.id, [])
    checks = [b.numeric_error for b in rows.get(COURSE_CASE, {}).get(BASELINE_ID, [])
              if b.numeric_error is not None]
    return BugVerdict(
        id=bug.id, description=bug.description, function=bug.function, lines=lines,
        where=("; " if loaded.line_map else ", ").join(loaded.where(line) for line in lines),
        original=bug.original,
        mutated=bug.mutated, verdict=verdict, reason=reason,
        caught=sum(1 for m in judged if m.difference > threshold), checked=len(judged),
        excluded=sum(1 for _, b in both if b.difference > threshold),
        crashes=sum(1 for _, ms, base in _cases(rows, bug.id) if ran_ok(base) and not ran_ok(ms)),
        smallest_margin=margin(judged), course_margin=margin(course),
        recommended_margin=margin(best),
        blocks=() if verdict in UNUSABLE else _blocks(best, threshold),
        own_error=next((m.exact_error for m in mine if m.exact_error is not None), None),
        check_error=max(checks) if checks else None)


@dataclass(frozen=True, slots=True)
class CaseVerdict:
    seed: int
    scale: float
    smallest_margin: float | None  # over the bugs a case can reveal, and over epsilons
    weakest: str | None  # the bug with that margin
    hidden: tuple[str, ...]  # bugs whose gradients equal the correct ones on this case
    dead_units: tuple[str, ...] | None  # None: not known for this target's shapes
    baseline: float | None  # the backward as given: its largest difference over epsilons
    false_alarm: bool  # the backward as given fails the check on this case

    threshold: float = 0.0

    @property
    def quiet(self) -> bool:
        """The backward as given sits at least QUIET times under the threshold on this case."""
        return self.baseline is not None and self.baseline * QUIET <= self.threshold

    @property
    def rank_key(self) -> tuple:
        """Best first: no false alarm; then the fewest dead units; then a quiet backward (10x
        under the threshold); then the largest smallest margin; ties go to the scale nearest 1
        and the lowest seed."""
        margin = -math.inf if self.smallest_margin is None else self.smallest_margin
        return (self.false_alarm, len(self.dead_units or ()), not self.quiet, -margin,
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
    hidden = tuple(sorted(b for b in usable
                          if _hidden(rows[b], rows[BASELINE_ID], threshold)))
    return CaseVerdict(seed=key[0], scale=key[1],
                       smallest_margin=margins[weakest] if weakest else None, weakest=weakest,
                       hidden=hidden, dead_units=dead, baseline=worst,
                       false_alarm=worst is None or worst > threshold, threshold=threshold)


def recommend(judged: list[CaseVerdict]) -> CaseVerdict | None:
    """The best case without a false alarm (judged is sorted best first)."""
    return next((c for c in judged if not c.false_alarm and c.smallest_margin is not None), None)


def _under(case: CaseVerdict) -> str:
    if not case.baseline:
        return "0 (exact on this case)"
    return f"{case.baseline:.3g} ({case.threshold / case.baseline:.2g}x under the threshold)"


def _dead(case: CaseVerdict) -> str:
    if case.dead_units is None:
        return "dead units n/a"
    return f"dead units: {', '.join(case.dead_units)}" if case.dead_units else "no dead units"


def weaknesses(course: CaseVerdict, best: CaseVerdict | None, bugs, judged,
               label: str = "the correct backward") -> tuple[str, ...]:
    """Say in words what is weak about the course's case, and what the recommended case gains."""
    found = []
    if course.dead_units:
        found.append(f"the course's case has dead units ({', '.join(course.dead_units)}): "
                     "their rows of dW and db are zero whatever the backward computes, so a "
                     "bug confined to them passes")
    if course.hidden:
        found.append(f"the course's case hides {len(course.hidden)} bug(s): "
                     f"{', '.join(course.hidden[:5])}")
    if course.baseline is None:
        found.append(f"{label} does not run on the course's case")
    elif course.false_alarm:
        found.append(f"{label} fails the check on the course's case "
                     f"(difference {course.baseline:.3g} at some epsilon)")
    elif not course.quiet:
        found.append(f"{label} scores {course.baseline:.3g} on the course's case, "
                     f"only {course.threshold / course.baseline:.2g}x under the threshold")
    thin = [b for b in bugs if b.course_margin is not None and 1 < b.course_margin < 10]
    for bug in thin[:5]:
        found.append(f"{bug.id} is caught on the course's case with margin only "
                     f"{bug.course_margin:.3g}")
    if course.smallest_margin is not None:
        rank = judged.index(course) + 1
        found.append(f"the course's smallest margin is {course.smallest_margin:.4g} "
                     f"({course.weakest}), rank {rank} of {len(judged)} cases")
    if best is not None and best == course:
        found.append("the course's case is already the best of those tried")
    elif best is not None:
        gain = f" ({best.smallest_margin / course.smallest_margin:.3g}x the course's)" \
            if course.smallest_margin else ""
        more = " (more than the course's case, which the rule ranks lower: a false alarm, or " \
               "no bug revealed)" if len(best.dead_units or ()) > len(course.dead_units or ()) else ""
        found.append(f"recommended: {best.name}: smallest margin {best.smallest_margin:.4g}"
                     f"{gain}, {_dead(best)}{more}, {label} {_under(best)}")
    return tuple(found)
