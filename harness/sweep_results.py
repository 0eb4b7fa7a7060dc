"""The SweepResults bundle: a sweep's stored facts and every figure derived from them.

Rows are facts keyed like the session, (mutant, seed, checker, epsilon); outcomes at any
threshold come from `outcomes.classify` on the rows of one configuration, so the U-curve's
false alarms, the detection rates and the kill matrix are views, never reruns.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from harness.outcomes import Outcome, Verdict, classify
from harness.records import BASELINE_ID, SENTINEL_ID, Measurement, Status

if TYPE_CHECKING:
    from harness.sweep import SweepConfig

Key = tuple[str, int, str, float]
# Checkers whose baseline has no U-curve: taylor's statistic is a convergence order, about 1 at
# every step for correct code, so no epsilon is "best" and its argmin would mean nothing.
NO_BEST_EPSILON = {"taylor": "its statistic is a convergence order, about 1 at every step for "
                             "correct code: there is no error for epsilon to minimise"}


@dataclass(frozen=True, slots=True)
class GridCell:
    """Every mutant's verdict over all cases at one (epsilon, threshold) of the primary check,
    and the cases on which the correct backward itself fails there (a false alarm)."""

    epsilon: float
    threshold: float
    counts: dict  # Outcome -> number of mutants
    false_alarm_seeds: tuple[int, ...]

    @property
    def false_alarm(self) -> bool:
        return bool(self.false_alarm_seeds)

    def to_json(self) -> dict:
        return {"epsilon": self.epsilon, "threshold": self.threshold,
                "counts": {o.value: self.counts.get(o, 0) for o in Outcome},
                "false_alarm": self.false_alarm,
                "false_alarm_seeds": list(self.false_alarm_seeds)}


@dataclass(frozen=True, slots=True)
class SweepResults:
    """What a sweep measured (rows), on which cases (dead units), and the side figures."""

    target: str
    config: "SweepConfig"
    environment: dict
    baseline: object  # MutantRecord
    sentinel: object
    mutants: tuple  # MutantRecord, sorted by line, column, id
    rows: dict  # Key -> Measurement
    dead_units: tuple  # CaseUnits per seed
    smallest_detectable: dict  # checker -> block -> Detectable (course's case, operating point)
    forward_passes: dict  # checker -> forward passes per case
    exact: object = None  # sweep_exact.ExactCurve with the oracle, else None
    notices: tuple[str, ...] = ()  # why the oracle (or its split) could not be used

    @classmethod
    def build(cls, target: str, config, environment: dict, records, rows, side: dict):
        """Keep the rows the sweep asked for (a shared session may hold others)."""
        by_id = {record.id: record for record in records}
        wanted = {(r.id, seed, c.checker, c.epsilon) for r in records
                  for c in config.configs_for(r.id) for seed in config.seeds}
        kept = {m.key: m for m in rows if m.key in wanted and not m.probe}
        mutants = sorted((r for r in records if r.id not in (BASELINE_ID, SENTINEL_ID)),
                         key=lambda r: (r.line, r.column, r.id))
        return cls(target, config, environment, by_id[BASELINE_ID], by_id[SENTINEL_ID],
                   tuple(mutants), kept, side["dead_units"], side["smallest_detectable"],
                   side["forward_passes"], side.get("exact"), tuple(side.get("notices", ())))

    # -- single rows and outcomes ------------------------------------------------------------
    def difference(self, mutant_id: str, seed: int, checker: str,
                   epsilon: float) -> float | None:
        row = self.rows.get((mutant_id, seed, checker, epsilon))
        return None if row is None else row.difference

    def case_outcome(self, mutant_id: str, seed: int, checker: str | None = None,
                     epsilon: float | None = None,
                     threshold: float | None = None) -> Outcome | None:
        """Return the outcome on one case (default: the primary checker's chosen point)."""
        checker, epsilon, threshold = self._point(checker, epsilon, threshold)
        row = self.rows.get((mutant_id, seed, checker, epsilon))
        return None if row is None else classify([row], threshold).outcome

    def verdict(self, mutant_id: str, checker: str | None = None, epsilon: float | None = None,
                threshold: float | None = None) -> Verdict | None:
        """Return the verdict over every case (default: the checker's operating point)."""
        checker, epsilon, threshold = self._point(checker, epsilon, threshold)
        rows = [self.rows[key] for key in ((mutant_id, seed, checker, epsilon)
                                           for seed in self.config.seeds) if key in self.rows]
        return classify(rows, threshold) if rows else None

    def _point(self, checker, epsilon, threshold) -> tuple[str, float, float]:
        checker = checker or self.config.primary
        default_epsilon, default_threshold = self.config.operating_point(checker)
        return (checker, default_epsilon if epsilon is None else epsilon,
                default_threshold if threshold is None else threshold)

    # -- the baseline's U-curve ---------------------------------------------------------------
    def baseline_curve(self, checker: str | None = None,
                       seed: int | None = None) -> list[tuple[float, float | None]]:
        """Return [(epsilon, difference)] of the unmutated backward, largest epsilon first."""
        checker = checker or self.config.primary
        seed = self.config.course_seed if seed is None else seed
        epsilons = sorted({key[3] for key in self.rows
                           if key[0] == BASELINE_ID and key[2] == checker}, reverse=True)
        return [(e, self.difference(BASELINE_ID, seed, checker, e)) for e in epsilons]

    def best_epsilon(self, checker: str | None = None) -> float | None:
        """Return the epsilon at which the baseline's difference is smallest on the course case.

        None for a checker without a U-curve (NO_BEST_EPSILON: taylor) or without rows.
        """
        if (checker or self.config.primary) in NO_BEST_EPSILON:
            return None
        curve = [(d, e) for e, d in self.baseline_curve(checker) if d is not None]
        return min(curve)[1] if curve else None

    def false_alarm_epsilons(self, threshold: float,
                             checker: str | None = None) -> list[float]:
        """Return the epsilons at which the correct backward fails on the course's case."""
        return [e for e, d in self.baseline_curve(checker) if d is not None and d > threshold]

    def outcome_grid(self) -> list[GridCell]:
        """Return the mutants' verdict counts at every (epsilon, threshold) of the primary check.

        A verdict is over all cases (caught if caught on one), so a false alarm on any case
        (the correct backward itself failing) makes that cell's catches meaningless.
        """
        config, cells = self.config, []
        for epsilon in config.primary_epsilons():
            for threshold in config.thresholds:
                counts = Counter(v.outcome for m in self.mutants
                                 if (v := self.verdict(m.id, epsilon=epsilon,
                                                       threshold=threshold)))
                cells.append(GridCell(epsilon, threshold, dict(counts), tuple(
                    self.false_alarm_seeds(epsilon, threshold))))
        return cells

    def false_alarm_seeds(self, epsilon: float, threshold: float,
                          checker: str | None = None) -> list[int]:
        """Return the cases on which the correct backward fails the check."""
        checker = checker or self.config.primary
        return [seed for seed in self.config.seeds
                if (self.difference(BASELINE_ID, seed, checker, epsilon) or 0.0) > threshold]

    # -- mutants --------------------------------------------------------------------------
    def case_outcomes(self, mutant_id: str) -> dict[int, Outcome | None]:
        """Return each case's outcome at the primary checker's chosen point."""
        return {seed: self.case_outcome(mutant_id, seed) for seed in self.config.seeds}

    def detection_rate(self, mutant_id: str) -> float | None:
        """Return the fraction of cases on which the mutant is caught (None if it never ran)."""
        outcomes = self.case_outcomes(mutant_id)
        if not any(self.rows.get((mutant_id, s, self.config.primary, self.config.epsilon),
                                 _FAILED).status is Status.OK for s in outcomes):
            return None
        return sum(o is Outcome.CAUGHT for o in outcomes.values()) / len(outcomes)

    def course_differs(self, mutant_id: str) -> bool:
        """True when the course's case gives another outcome than some random case."""
        outcomes = self.case_outcomes(mutant_id)
        course = outcomes.pop(self.config.course_seed)
        return any(outcome != course for outcome in outcomes.values())

    def seeds_by_outcome(self, mutant_id: str) -> dict[Outcome, tuple[int, ...]]:
        """Return the cases of each outcome at the chosen point (say why a rate is below 1)."""
        found: dict[Outcome, list[int]] = {}
        for seed, outcome in self.case_outcomes(mutant_id).items():
            if outcome is not None:
                found.setdefault(outcome, []).append(seed)
        return {o: tuple(found[o]) for o in Outcome if o in found}

    def other_outcomes(self, mutant_id: str) -> Counter:
        outcomes = self.case_outcomes(mutant_id)
        outcomes.pop(self.config.course_seed)
        return Counter(o.value for o in outcomes.values() if o is not None)

    def by_epsilon(self, mutant_id: str) -> list[tuple[float, float | None]]:
        """Return [(epsilon, difference)] on the course's case under the primary checker."""
        return [(e, self.difference(mutant_id, self.config.course_seed, self.config.primary, e))
                for e in self.config.primary_epsilons()]

    def caught_by(self, checker: str) -> list[str]:
        """Return the ids caught over the cases at the checker's operating point."""
        return [m.id for m in self.mutants
                if (v := self.verdict(m.id, checker)) and v.outcome is Outcome.CAUGHT]

    def caught_fraction(self, mutant_id: str, checker: str) -> float | None:
        """Return the fraction of cases caught at the operating point (caught/missed only)."""
        verdict = self.verdict(mutant_id, checker)
        if verdict is None or verdict.outcome not in (Outcome.CAUGHT, Outcome.MISSED):
            return None  # no bug the check could have seen (equivalent) or no verdict
        return verdict.caught_cases / verdict.checked_cases

    # -- JSON ------------------------------------------------------------------------------
    def to_json(self) -> dict:
        """Return the sweep as one JSON-able object (keys documented in the README)."""
        config = self.config
        return {
            "format": "gradmut-sweep", "format_version": 1, "target": self.target,
            "config": asdict(config), "environment": self.environment,
            "baseline": _curve(self.baseline_curve()),
            "baseline_by_checker": {c: _curve(self.baseline_curve(c)) for c in config.checkers},
            "best_epsilon": self.best_epsilon(),
            "best_epsilon_by_checker": {c: self.best_epsilon(c) for c in config.checkers},
            "false_alarms": [{"threshold": t, "epsilons": self.false_alarm_epsilons(t)}
                             for t in config.thresholds],
            "outcome_grid": [cell.to_json() for cell in self.outcome_grid()],
            "mutants": [self._mutant_json(m) for m in self.mutants],
            "smallest_detectable": {block: found.smallest for block, found in
                                    self.smallest_detectable.get(config.primary, {}).items()},
            "smallest_detectable_by_checker": {
                checker: {block: {"smallest": f.smallest, "up": f.up, "down": f.down}
                          for block, f in blocks.items()}
                for checker, blocks in self.smallest_detectable.items()},
            "checkers": {c: self._checker_json(c) for c in config.checkers},
            "dead_units": [case.to_json() for case in self.dead_units],
            "exact": None if self.exact is None else self.exact.to_json(),
            "notices": list(self.notices),
        }

    def _mutant_json(self, mutant) -> dict:
        verdict = self.verdict(mutant.id)
        course = self.case_outcome(mutant.id, self.config.course_seed)
        return {"id": mutant.id, "operator": mutant.operator, "line": mutant.line,
                "description": mutant.description,
                "detection_rate": self.detection_rate(mutant.id),
                "outcome": verdict.outcome.value if verdict else None,
                "course_outcome": course.value if course else None,
                "other_outcomes": dict(sorted(self.other_outcomes(mutant.id).items())),
                "differs_from_course": self.course_differs(mutant.id),
                "seeds_by_outcome": {o.value: list(seeds) for o, seeds in
                                     self.seeds_by_outcome(mutant.id).items()},
                "by_epsilon": [{"epsilon": e, "difference": _number(d), "outcomes": [
                    {"threshold": t, "outcome": _value(self.case_outcome(
                        mutant.id, self.config.course_seed, epsilon=e, threshold=t))}
                    for t in self.config.thresholds]} for e, d in self.by_epsilon(mutant.id)]}

    def _checker_json(self, checker: str) -> dict:
        from harness.checkers import CHECKERS

        epsilon, threshold = self.config.operating_point(checker)
        sentinel = self.verdict(SENTINEL_ID, checker)
        return {"summary": CHECKERS[checker].summary, "epsilon": epsilon,
                "threshold": threshold, "forward_passes": self.forward_passes.get(checker),
                "caught": self.caught_by(checker),
                "false_alarm_seeds": self.false_alarm_seeds(epsilon, threshold, checker),
                "sentinel_caught": bool(sentinel and sentinel.outcome is Outcome.CAUGHT)}


_FAILED = Measurement("", 0, "", 0.0, Status.CRASHED)


def _number(value: float | None):
    """JSON has no inf or NaN: write them as the strings 'inf' and 'nan'."""
    if value is None or value == value and abs(value) != float("inf"):
        return value
    return "nan" if value != value else "inf"


def _value(outcome: Outcome | None) -> str | None:
    return None if outcome is None else outcome.value


def _curve(curve) -> list[dict]:
    return [{"epsilon": e, "difference": _number(d)} for e, d in curve]
