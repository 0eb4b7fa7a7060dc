"""Results as one JSON object and back: `gradmut run --json` writes it, `report` reads it.

The object carries every stored fact (each mutant's rows, the source), so a report made from the
JSON equals one made from the session.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from harness.errors import UsageError
from harness.records import FunctionText, Measurement, Status
from harness.results import MutantResult, Results, RunConfig, build_results
from harness.session import MutantRecord

FORMAT_VERSION = 1


def _measurement_json(m: Measurement) -> dict:
    return {"seed": m.seed, "checker": m.checker, "epsilon": m.epsilon, "status": m.status.value,
            "difference": m.difference, "per_parameter": m.per_parameter,
            "matches_reference": m.matches_reference, "error": m.error, "seconds": m.seconds,
            "probe": m.probe, "exact_error": m.exact_error, "numeric_error": m.numeric_error}


def _mutant_json(result: MutantResult, threshold: float) -> dict:
    m, verdict = result.mutant, result.verdict
    return {"id": m.id, "operator": m.operator, "function": m.function, "line": m.line,
            "column": m.column, "end_line": m.end_line, "end_column": m.end_column,
            "original": m.original, "mutated": m.mutated, "description": m.description,
            "parts": list(m.parts), "outcome": verdict.outcome.value,
            "reason": verdict.reason, "difference": verdict.difference,
            "blamed": verdict.blamed, "margin": verdict.margin(threshold),
            "per_parameter": result.per_parameter, "error": result.error,
            "seconds": result.seconds,
            "functions": [[f.name, f.first_line, f.source] for f in m.functions],
            "cases": [_measurement_json(x) for x in result.measurements]}


def results_to_json(results: Results) -> dict:
    """Return the results as a JSON-able dict (keys as documented in the README)."""
    config = asdict(results.config)
    threshold = results.config.threshold
    return {"format_version": FORMAT_VERSION, "target": results.target, "config": config,
            "environment": results.environment, "source_path": results.source_path,
            "source": results.source,
            "baseline": _mutant_json(results.baseline, threshold),
            "sentinel": _mutant_json(results.sentinel, threshold),
            "trusted": results.trusted, "false_alarm": results.false_alarm,
            "mutants": [_mutant_json(r, threshold) for r in results.mutants],
            "summary": results.summary.to_json(), "notices": list(results.notices)}


def dumps(results: Results) -> str:
    return json.dumps(results_to_json(results), indent=1, sort_keys=True) + "\n"


def results_from_json(data: dict) -> Results:
    """Rebuild a Results bundle from `results_to_json`'s output (verdicts re-derived)."""
    config = RunConfig(**{key: tuple(value) if isinstance(value, list) else value
                          for key, value in data["config"].items()})
    records, rows = [], []
    for entry in [data["baseline"], data["sentinel"], *data["mutants"]]:
        records.append(MutantRecord(
            entry["id"], entry["operator"], entry["function"], entry["line"], entry["column"],
            entry["end_line"], entry["end_column"], entry["original"], entry["mutated"],
            entry["description"], tuple(entry["parts"]),
            tuple(FunctionText(*f) for f in entry["functions"])))
        rows += [Measurement(entry["id"], c["seed"], c["checker"], c["epsilon"],
                             Status(c["status"]), c["difference"], c["per_parameter"],
                             c["matches_reference"], c["error"], c["seconds"], c["probe"],
                             c.get("exact_error"), c.get("numeric_error"))
                 for c in entry["cases"]]
    return build_results(data["target"], config, data["environment"], data["source_path"],
                         data["source"], records, rows, tuple(data.get("notices", ())))


def load_json(path: str | Path) -> Results:
    """Read a results JSON file, or raise a UsageError saying what is wrong with it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return results_from_json(data)
    except OSError as error:
        raise UsageError(f"cannot read results file ({error.strerror})", where=str(path),
                         fix="check the path") from None
    except (ValueError, KeyError, TypeError) as error:
        raise UsageError(f"not a gradmut results JSON ({error.__class__.__name__}: {error})",
                         where=str(path), fix="pass a file written by 'gradmut run --json'")\
            from None
