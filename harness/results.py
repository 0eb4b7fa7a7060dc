"""The Results bundle: everything a report needs, as returned by run() and stored as JSON.

Verdicts are derived from the stored measurements at the bundle's threshold, so
`results.at_threshold(t)` re-thresholds without running anything.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

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
    def per_parameter(self) -> dict[str, float]:
        """Per-block differences on the case with the largest difference."""
        checked = [m for m in self.measurements if not m.probe and m.status is Status.OK]
        if not checked:
            return {}
        return max(checked, key=lambda m: m.difference).per_parameter


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

    @property
    def trusted(self) -> bool:
        """True when the sentinel (every gradient doubled) came out caught."""
        return self.sentinel.outcome is Outcome.CAUGHT

    @property
    def false_alarm(self) -> bool:
        """True when the check fails the unmutated, correct backward at this threshold."""
        return self.baseline.verdict.caught_cases > 0

    def at_threshold(self, threshold: float) -> "Results":
        return build_results(self.target, replace(self.config, threshold=threshold),
                             self.environment, self.source_path, self.source,
                             [r.mutant for r in (self.baseline, self.sentinel, *self.mutants)],
                             [m for r in (self.baseline, self.sentinel, *self.mutants)
                              for m in r.measurements], self.notices)

    def _repr_markdown_(self) -> str:
        from harness.tables import results_markdown

        return results_markdown(self)

    def _repr_html_(self) -> str:
        from harness.tables import results_html

        return results_html(self)


def build_results(target: str, config: RunConfig, environment: dict, source_path: str,
                  source: str, mutants: list[MutantRecord],
                  measurements: list[Measurement], notices: tuple[str, ...] = ()) -> Results:
    """Classify each mutant's rows for `config` and bundle everything, sorted by line then id."""
    wanted = set(config.seeds) | set(config.probe_seeds)
    rows: dict[str, list[Measurement]] = {}
    for m in measurements:
        in_config = m.checker == config.checker and m.epsilon == config.epsilon
        probe_row = m.probe and m.seed in config.probe_seeds
        if m.seed in wanted and (in_config or probe_row):
            rows.setdefault(m.mutant_id, []).append(m)
    results = {}
    for mutant in mutants:
        own = tuple(sorted(rows.get(mutant.id, ()), key=lambda m: (m.probe, m.seed)))
        if own:
            results[mutant.id] = MutantResult(mutant, classify(own, config.threshold), own)
    baseline, sentinel = results.pop(BASELINE_ID), results.pop(SENTINEL_ID)
    ordered = tuple(sorted(results.values(), key=lambda r: (r.mutant.line, r.mutant.column,
                                                             r.mutant.id)))
    return Results(target, config, environment, source_path, source, baseline, sentinel,
                   ordered, summarize(r.outcome for r in ordered), tuple(notices))
