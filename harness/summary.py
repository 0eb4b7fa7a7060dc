"""Counts and scores from verdicts (pure): the check's own score and PIT's, side by side.

score = caught / (caught + missed): how often the gradient check sees a bug that changes the
gradient. pit_score counts crashes, invalid gradients and timeouts as kills too, as PIT does;
equivalent mutants count in neither.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from harness.outcomes import Outcome


@dataclass(frozen=True, slots=True)
class Summary:
    counts: dict[str, int]
    total: int
    score: float | None
    pit_score: float | None

    def to_json(self) -> dict:
        return {"counts": self.counts, "total": self.total, "score": self.score,
                "pit_score": self.pit_score}


def summarize(outcomes: Iterable[Outcome]) -> Summary:
    """Return counts for every outcome (zeros shown, not hidden) and both scores."""
    counter = Counter(outcomes)
    counts = {outcome.value: counter.get(outcome, 0) for outcome in Outcome}
    caught, missed = counts["caught"], counts["missed"]
    killed_any_way = caught + counts["crashed"] + counts["invalid"] + counts["timeout"]
    total = sum(counts.values())
    score = caught / (caught + missed) if caught + missed else None
    not_equivalent = total - counts["equivalent"]
    pit_score = killed_any_way / not_equivalent if not_equivalent else None
    return Summary(counts, total, score, pit_score)
