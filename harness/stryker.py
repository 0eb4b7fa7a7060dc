"""gradmut's results as a Stryker mutation-testing-elements report (schema version 2).

The community's HTML viewer (`<mutation-test-report-app>`) and the Stryker dashboard read this
format, so they can show gradmut's mutants on the target's source. This module holds the only
mapping from gradmut's outcomes to Stryker's statuses.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import asdict

from harness.formatting import format_float
from harness.outcomes import Outcome
from harness.report import mutant_source
from harness.tables import display_path

SCHEMA_VERSION = "2"
# Stryker's default score thresholds (percent): green at or above high, red below low.
THRESHOLDS = {"high": 80, "low": 60}
STATUS = {
    Outcome.CAUGHT: "Killed",
    Outcome.MISSED: "Survived",
    Outcome.CRASHED: "RuntimeError",
    Outcome.INVALID: "RuntimeError",
    Outcome.TIMEOUT: "Timeout",
    Outcome.EQUIVALENT: "Ignored",
}
NEWLINE = re.compile(r"\r\n|\r|\n")  # the line ends LibCST counts, so lines match the records'


def status_reason(result, threshold: float) -> str:
    """Say why the mutant has its status: the difference against the threshold, or the error."""
    verdict = result.verdict
    if verdict.difference is None:
        return verdict.reason
    figures = (f"difference {format_float(verdict.difference)}, threshold "
               f"{format_float(threshold)}, margin {format_float(verdict.margin(threshold))}")
    if result.outcome is Outcome.CAUGHT:
        return f"{figures}; blamed block {verdict.blamed}"
    if result.outcome is Outcome.EQUIVALENT:
        return f"equivalent: {verdict.reason} ({figures})"
    return f"{figures}: {verdict.reason}"


class SourceIndex:
    """Offsets of 1-based (line, column) positions in one source text, and back."""

    def __init__(self, source: str):
        self.source = source
        self.starts = [0] + [found.end() for found in NEWLINE.finditer(source)]

    def offset(self, line: int, column: int) -> int:
        """Return the offset of 1-based `line` and `column` (clamped to the text)."""
        start = self.starts[min(max(line, 1), len(self.starts)) - 1]
        return min(start + max(column, 1) - 1, len(self.source))

    def position(self, offset: int) -> dict:
        """Return the schema's {"line", "column"} (both 1-based) of `offset`."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return {"line": line + 1, "column": offset - self.starts[line] + 1}


def changed_span(index: SourceIndex, mutated: str, start: int, end: int) -> tuple[int, int]:
    """Return (start, end) in the source widened, if need be, to hold every changed character.

    The records' span runs from the first part's node to the last part's; a change can reach
    past it (a replaced node's own parentheses lie outside LibCST's range).
    """
    source = index.source
    tail = len(source) - end
    if mutated.startswith(source[:start]) and mutated.endswith(source[end:]) and \
            start + tail <= len(mutated):
        return start, end
    limit = min(len(source), len(mutated))
    prefix = next((i for i in range(limit) if source[i] != mutated[i]), limit)
    suffix = next((i for i in range(limit - prefix) if source[-1 - i] != mutated[-1 - i]),
                  limit - prefix)
    return min(start, prefix), max(end, len(source) - suffix)


def mutant_entry(result, threshold: float, index: SourceIndex, mutated: str) -> dict:
    """Return one MutantResult: splicing `replacement` over `location` gives `mutated`.

    `location` spans the first part's start to the last part's end (1-based, end exclusive),
    and `replacement` is that span of the mutant's source, every part's change applied.
    """
    m = result.mutant
    start, end = index.offset(m.line, m.column), index.offset(m.end_line, m.end_column)
    if m.source or m.functions:
        start, end = changed_span(index, mutated, start, end)
        replacement = mutated[start:len(mutated) - (len(index.source) - end)]
    else:  # a record without the mutant's text (made in memory): its one change as written
        replacement = m.mutated
    return {"id": m.id, "mutatorName": m.operator, "replacement": replacement,
            "description": m.description,
            "location": {"start": index.position(start), "end": index.position(end)},
            "status": STATUS[result.outcome],
            "statusReason": status_reason(result, threshold)}


def stryker_report(results) -> dict:
    """Return the report as a dict: one file (the target's source) with every mutant."""
    threshold, index, spaces = results.config.threshold, SourceIndex(results.source), {}
    ordered = sorted(results.mutants, key=lambda r: (r.mutant.line, r.mutant.column, r.mutant.id))
    entries = [mutant_entry(r, threshold, index, mutant_source(results, r.mutant, spaces))
               for r in ordered]
    return {"schemaVersion": SCHEMA_VERSION, "thresholds": dict(THRESHOLDS),
            "files": {display_path(results.source_path): {
                "language": "python", "source": results.source, "mutants": entries}},
            "framework": {"name": "gradmut"},
            "config": {"target": results.target, **asdict(results.config)}}


def stryker_json(results) -> str:
    """Return the report as JSON text (stable: same results, same bytes)."""
    return json.dumps(stryker_report(results), indent=1) + "\n"
