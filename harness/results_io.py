"""Results as one JSON object and back: `gradmut run --json` writes it, `report` reads it.

The object carries every stored fact (each mutant's rows, with every Measurement field, and
the source), so a report made from the JSON equals one made from the session. Reading checks
the whole shape first (results_schema), so a corrupt file is one UsageError naming the field.
"""
from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

from harness.errors import UsageError
from harness.records import FunctionText, Measurement, Status
from harness.results import MutantResult, Results, build_results
from harness.results_schema import FIX, FORMAT_VERSION, ResultsShape, check_line_map
from harness.session import MutantRecord

CASE_FIELDS = tuple(f.name for f in fields(Measurement) if f.name != "mutant_id")


def _measurement_json(m: Measurement) -> dict:
    """Return one row as a case object: every Measurement field but the mutant's id."""
    data = {name: getattr(m, name) for name in CASE_FIELDS}
    data["status"] = m.status.value
    return {key: list(value) if isinstance(value, tuple) else value
            for key, value in data.items()}


def _mutant_json(result: MutantResult, results: Results, extra_rows=()) -> dict:
    m, verdict, threshold = result.mutant, result.verdict, results.config.threshold
    return {"id": m.id, "operator": m.operator, "function": m.function, "line": m.line,
            "where": results.where(m.line), "duplicate_of": results.duplicates.get(m.id),
            "column": m.column, "end_line": m.end_line, "end_column": m.end_column,
            "original": m.original, "mutated": m.mutated, "description": m.description,
            "parts": list(m.parts), "outcome": verdict.outcome.value,
            "reason": verdict.reason, "difference": verdict.difference,
            "blamed": verdict.blamed, "margin": verdict.margin(threshold),
            "per_parameter": result.per_parameter, "error": result.error,
            "seconds": result.seconds,
            "functions": [[f.name, f.first_line, f.source] for f in m.functions],
            "cases": [_measurement_json(x) for x in (*result.measurements, *extra_rows)]}


def results_to_json(results: Results) -> dict:
    """Return the results as a JSON-able dict (keys as documented in the README).

    The baseline's cases include its rows at the other scanned epsilons.
    """
    config = asdict(results.config)
    return {"format_version": FORMAT_VERSION, "target": results.target, "config": config,
            "environment": results.environment, "source_path": results.source_path,
            "source": results.source,
            "baseline": _mutant_json(results.baseline, results, results.baseline_scan),
            "sentinel": _mutant_json(results.sentinel, results),
            "trusted": results.trusted, "false_alarm": results.false_alarm,
            "baseline_verdict": results.baseline_verdict.value,
            "mutants": [_mutant_json(r, results) for r in results.mutants],
            "summary": results.summary.to_json(), "notices": list(results.notices),
            "line_map": [[line, list(position)] for line, position
                         in sorted(results.line_map.items())] if results.line_map else None}


def dumps(results: Results) -> str:
    return json.dumps(results_to_json(results), indent=1, sort_keys=True) + "\n"


def _record(entry: dict) -> MutantRecord:
    return MutantRecord(entry["id"], entry["operator"], entry["function"], entry["line"],
                        entry["column"], entry["end_line"], entry["end_column"],
                        entry["original"], entry["mutated"], entry["description"],
                        tuple(entry["parts"]), tuple(FunctionText(*f) for f in entry["functions"]))


def _measurement(mutant_id: str, case: dict) -> Measurement:
    values = {name: tuple(case[name]) if isinstance(case[name], list) else case[name]
              for name in CASE_FIELDS if name in case}
    return Measurement(mutant_id, **{**values, "status": Status(case["status"])})


def results_from_json(data, where: str | None = None) -> Results:
    """Rebuild a Results bundle from `results_to_json`'s output (verdicts re-derived).

    Every field is checked first: bad data is a UsageError naming the field (`where`: the file).
    """
    shape = ResultsShape(data, where)
    shape.check(data)
    entries = [data["baseline"], data["sentinel"], *data["mutants"]]
    rows = [_measurement(entry["id"], case) for entry in entries for case in entry["cases"]]
    return build_results(data["target"], shape.config, data["environment"],
                         data["source_path"], data["source"], [_record(e) for e in entries],
                         rows, tuple(data.get("notices", ())),
                         check_line_map(data.get("line_map"), where=where))


def load_json(path: str | Path) -> Results:
    """Read a results JSON file, or raise a UsageError saying what is wrong with it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read results file ({error.strerror})", where=str(path),
                         fix="check the path") from None
    except UnicodeDecodeError:
        raise UsageError("not a gradmut results JSON (not UTF-8 text)", where=str(path),
                         fix=FIX) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise UsageError(f"not a gradmut results JSON (not JSON: {error})", where=str(path),
                         fix=FIX) from None
    return results_from_json(data, str(path))
