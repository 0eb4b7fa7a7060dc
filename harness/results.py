"""The Results bundle: everything a report needs, as returned by run() and stored as JSON.

Verdicts are derived from the stored measurements at the bundle's threshold, so
`results.at_threshold(t)` re-thresholds without running anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Sequence

from harness.outcomes import Outcome, Verdict, classify
from harness.records import BASELINE_ID, SENTINEL_ID, Measurement, Status
from harness.session import MutantRecord
from harness.summary import Summary, summarize


@dataclass(frozen=True, slots=True)
class RunConfig:
    """What a run measured: checker, epsilon, threshold, cases, operators."""

    checker: str = "course"
    epsilon: float = 1e-7
    threshold: float = 2e-7
    seeds: tuple[int, ...] = (1,)
    probe_seeds: tuple[int, ...] = (101, 102, 103)
    operators: tuple[str, ...] = ()
    function: str = ""
    order: int = 1
    oracle: str = ""  # "autograd" when equivalence was judged against the exact gradient
    factors: tuple[float, ...] = ()  # the scale operator's factors, when not its default


# Steps at which the unmutated backward is also checked: a check that fails it at the run's
# epsilon but passes it at one of these is the finite difference's noise (a false alarm);
# one that fails it at all of them says the backward itself is wrong.
SCAN_EPSILONS = (1e-6, 1e-5, 1e-4)


class BaselineVerdict(str, Enum):
    """What the unmutated backward's result says about the run."""

    PASSES = "passes"  # the check passes it
    FALSE_ALARM = "false alarm"  # fails at this epsilon, passes at another: the check's noise
    WRONG = "looks wrong"  # fails at every epsilon tried (or by the exact gradient)
    FAILED = "failed"  # it did not run: crashed, invalid or timed out


@dataclass(frozen=True, slots=True)
class MutantResult:
    """One mutant, its verdict at the bundle's threshold, and the rows behind it."""

    mutant: MutantRecord
    verdict: Verdict
    measurements: tuple[Measurement, ...]

    @property
    def outcome(self) -> Outcome:
        return self.verdict.outcome

    @property
    def seconds(self) -> float:
        return sum(m.seconds for m in self.measurements)

    @property
    def error(self) -> str | None:
        return next((m.error for m in self.measurements if m.error and not m.probe), None)

    @property
    def worst(self) -> Measurement | None:
        """The checked case with the largest difference (None if none ran)."""
        checked = [m for m in self.measurements if not m.probe and m.status is Status.OK]
        return max(checked, key=lambda m: m.difference) if checked else None

    @property
    def per_parameter(self) -> dict[str, float]:
        """Per-block differences on the case with the largest difference."""
        worst = self.worst
        return worst.per_parameter if worst else {}


@dataclass(frozen=True, slots=True)
class Results:
    """A run's results: setting, environment, baseline, sentinel, mutants and summary."""

    target: str
    config: RunConfig
    environment: dict
    source_path: str
    source: str
    baseline: MutantResult
    sentinel: MutantResult
    mutants: tuple[MutantResult, ...]
    summary: Summary
    notices: tuple[str, ...] = ()  # things the user should know, e.g. the oracle was unavailable
    # The unmutated backward checked at SCAN_EPSILONS too (facts; see baseline_verdict).
    baseline_scan: tuple[Measurement, ...] = ()
    # id -> the id of the first mutant (in report order) computing the same gradient, bit for
    # bit, on every case: the same bug written twice (e.g. `x * -1` and `-x`).
    duplicates: dict[str, str] = field(default_factory=dict)
    # A notebook's assembled-module line -> (cell, line in cell), both 1-based; None for a file.
    line_map: dict[int, tuple[int, int]] | None = None

    def where(self, line: int) -> str:
        """Return a line as the user sees it: '12', or 'cell 4, line 12' in a notebook."""
        from harness.targets_resolve import line_label

        return line_label(self.line_map, line)

    @property
    def trusted(self) -> bool:
        """True when the sentinel (every gradient doubled) came out caught and the unmutated
        backward, the reference every mutant is compared with, does not look wrong."""
        return self.sentinel.outcome is Outcome.CAUGHT and \
            self.baseline_verdict is not BaselineVerdict.WRONG

    @property
    def false_alarm(self) -> bool:
        """True when the check fails the unmutated backward at this threshold."""
        return self.baseline.verdict.caught_cases > 0

    @property
    def baseline_verdict(self) -> BaselineVerdict:
        """Tell the check's noise from a wrong backward when the check fails the unmutated code.

        With the oracle the exact gradient decides. Otherwise a finite difference's rounding
        error falls as epsilon grows (up to where truncation takes over), while a wrong
        backward's error stays: so the backward looks wrong only if the check fails it at
        every scanned epsilon too.
        """
        verdict = self.baseline.verdict
        if verdict.difference is None:
            return BaselineVerdict.FAILED
        if not self.false_alarm:
            return BaselineVerdict.PASSES
        checked = [m for m in self.baseline.measurements if not m.probe]
        if self.config.oracle and all(m.exact_error is not None for m in checked):
            from harness.oracle import EXACT_AGREEMENT

            wrong = any(m.exact_error > EXACT_AGREEMENT for m in checked)
            return BaselineVerdict.WRONG if wrong else BaselineVerdict.FALSE_ALARM
        passing = self.passing_epsilons
        return BaselineVerdict.FALSE_ALARM if passing else BaselineVerdict.WRONG

    @property
    def passing_epsilons(self) -> tuple[float, ...]:
        """The scanned epsilons at which the check passes the unmutated backward on every case."""
        by_epsilon: dict[float, list[Measurement]] = {}
        for m in self.baseline_scan:
            by_epsilon.setdefault(m.epsilon, []).append(m)
        return tuple(sorted(e for e, rows in by_epsilon.items()
                            if all(m.status is Status.OK and m.difference <= self.config.threshold
                                   for m in rows)))

    def at_threshold(self, threshold: float) -> "Results":
        everything = (self.baseline, self.sentinel, *self.mutants)
        return build_results(self.target, replace(self.config, threshold=threshold),
                             self.environment, self.source_path, self.source,
                             [r.mutant for r in everything],
                             [m for r in everything for m in r.measurements]
                             + list(self.baseline_scan), self.notices, self.line_map)

    def _repr_markdown_(self) -> str:
        from harness.tables import results_markdown

        return results_markdown(self)

    def _repr_html_(self) -> str:
        from harness.tables import results_html

        return results_html(self)


def build_results(target: str, config: RunConfig, environment: dict, source_path: str,
                  source: str, mutants: list[MutantRecord],
                  measurements: list[Measurement], notices: tuple[str, ...] = (),
                  line_map: dict | None = None) -> Results:
    """Classify each mutant's rows for `config` and bundle everything, sorted by line then id."""
    wanted = set(config.seeds) | set(config.probe_seeds)
    rows: dict[str, list[Measurement]] = {}
    scan = []
    for m in measurements:
        in_config = m.checker == config.checker and m.epsilon == config.epsilon
        probe_row = m.probe and m.seed in config.probe_seeds
        if m.seed in wanted and (in_config or probe_row):
            rows.setdefault(m.mutant_id, []).append(m)
        elif m.mutant_id == BASELINE_ID and m.checker == config.checker and not m.probe and \
                m.seed in config.seeds and m.epsilon in SCAN_EPSILONS:
            scan.append(m)
    results = {}
    for mutant in mutants:
        own = tuple(sorted(rows.get(mutant.id, ()), key=lambda m: (m.probe, m.seed)))
        if own:
            results[mutant.id] = MutantResult(mutant, classify(own, config.threshold), own)
    baseline, sentinel = results.pop(BASELINE_ID), results.pop(SENTINEL_ID)
    ordered = tuple(sorted(results.values(), key=lambda r: (r.mutant.line, r.mutant.column,
                                                             r.mutant.id)))
    return Results(target, config, environment, source_path, source, baseline, sentinel,
                   ordered, summarize(r.outcome for r in ordered), tuple(notices),
                   tuple(sorted(scan, key=lambda m: (m.epsilon, m.seed))),
                   find_duplicates(ordered), dict(line_map) if line_map else None)


def find_duplicates(results: Sequence[MutantResult]) -> dict[str, str]:
    """Map each mutant whose gradients equal an earlier one's, bit for bit, on every checked and
    probe case to that earlier mutant. Equivalent mutants (equal to the reference) and those
    that did not run on every case are left out: they have no bug to share."""
    first: dict[tuple, str] = {}
    duplicates = {}
    for result in results:
        if result.outcome not in (Outcome.CAUGHT, Outcome.MISSED):
            continue
        prints = tuple((m.seed, m.probe, m.fingerprint) for m in result.measurements)
        if any(p[2] is None for p in prints):
            continue
        key = tuple(sorted(set(prints)))
        if key in first:
            duplicates[result.mutant.id] = first[key]
        else:
            first[key] = result.mutant.id
    return duplicates
