"""gradmut's results as a Stryker mutation-testing-elements report (schema version 2).

The community's HTML viewer (`<mutation-test-report-app>`) and the Stryker dashboard read this
format, so they can show gradmut's mutants on the target's source. This module holds the only
mapping from gradmut's outcomes to Stryker's statuses.
"""
from __future__ import annotations

import json
from dataclasses import asdict

from harness.formatting import format_float
from harness.outcomes import Outcome
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


def mutant_entry(result, threshold: float) -> dict:
    """Return one MutantResult; lines and columns are 1-based already, end exclusive."""
    m = result.mutant
    return {"id": m.id, "mutatorName": m.operator, "replacement": m.mutated,
            "description": m.description,
            "location": {"start": {"line": m.line, "column": m.column},
                         "end": {"line": m.end_line, "column": m.end_column}},
            "status": STATUS[result.outcome],
            "statusReason": status_reason(result, threshold)}


def stryker_report(results) -> dict:
    """Return the report as a dict: one file (the target's source) with every mutant."""
    threshold = results.config.threshold
    ordered = sorted(results.mutants, key=lambda r: (r.mutant.line, r.mutant.column, r.mutant.id))
    return {"schemaVersion": SCHEMA_VERSION, "thresholds": dict(THRESHOLDS),
            "files": {display_path(results.source_path): {
                "language": "python", "source": results.source,
                "mutants": [mutant_entry(r, threshold) for r in ordered]}},
            "framework": {"name": "gradmut"},
            "config": {"target": results.target, **asdict(results.config)}}


def stryker_json(results) -> str:
    """Return the report as JSON text (stable: same results, same bytes)."""
    return json.dumps(stryker_report(results), indent=1) + "\n"
