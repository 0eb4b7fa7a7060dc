"""The results JSON's shape: every field's kind and range, checked before anything is read.

`gradmut report` reads files people keep, move and edit; checking the whole shape first turns a
corrupt file into one UsageError naming the field and what it must be, instead of a traceback
(or a quietly wrong report) from deep inside the tables.
"""
from __future__ import annotations

import json
import re
from dataclasses import fields

from harness.errors import UsageError
from harness.records import BASELINE_ID, SENTINEL_ID, Status
from harness.results import RunConfig

FORMAT_VERSION = 1
SWEEP_FORMAT = "gradmut-sweep"
FIX = "pass a file written by 'gradmut run --json' (write it again if it was edited)"


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _list_of(test):
    return lambda value: isinstance(value, list) and all(test(item) for item in value)


def _text(value) -> bool:
    return isinstance(value, str)


def _line_map(value) -> bool:
    """[[module line, [cell, line in cell]], ...], all 1-based: a notebook's positions."""
    def counts(items, n):
        return isinstance(items, list) and len(items) == n and \
            all(_integer(x) and x >= 1 for x in items)
    return isinstance(value, list) and all(
        isinstance(item, list) and len(item) == 2 and counts(item[:1], 1) and counts(item[1], 2)
        for item in value)


KINDS = {  # kind: (test, what a value of the kind must be)
    "text": (_text, "a string"),
    "name": (lambda v: _text(v) and v != "", "a non-empty string"),
    "integer": (_integer, "an integer"),
    "count": (lambda v: _integer(v) and v >= 0, "an integer >= 0"),
    "order": (lambda v: _integer(v) and v >= 1, "an integer >= 1"),
    "positive": (lambda v: _number(v) and v > 0, "a number > 0"),
    "size": (lambda v: _number(v) and not v < 0, "a number >= 0"),
    "flag": (lambda v: isinstance(v, bool), "true or false"),
    "object": (lambda v: isinstance(v, dict), "an object"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "texts": (_list_of(_text), "a list of strings"),
    "integers": (_list_of(_integer), "a list of integers"),
    "numbers": (_list_of(_number), "a list of numbers"),
    "cases": (lambda v: isinstance(v, list) and v != [], "a non-empty list of cases"),
    "status": (lambda v: _text(v) and v in {s.value for s in Status},
               " or ".join(s.value for s in Status)),
    "line_map": (_line_map, "a list of [line, [cell, line in cell]]"),
    "blocks": (lambda v: isinstance(v, dict) and all(_number(x) and not x < 0
                                                     for x in v.values()),
               "an object of numbers >= 0"),
}
# Field name: kind; a leading "~" marks a field that may be absent, a trailing "?" allows null.
CONFIG = {"checker": "name", "epsilon": "positive", "threshold": "positive",
          "seeds": "integers", "probe_seeds": "integers", "operators": "texts",
          "function": "text", "order": "order", "~oracle": "text", "~factors": "numbers"}
ENVIRONMENT = {"~python": "text", "~implementation": "text", "~numpy": "text",
               "~machine": "text", "~system": "text", "~cpu_baseline": "texts?",
               "~cpu_dispatch_found": "texts?", "~openblas_coretype": "text?"}
CASE = {"seed": "integer", "checker": "name", "epsilon": "positive", "status": "status",
        "difference": "size?", "per_parameter": "blocks", "matches_reference": "flag?",
        "error": "text?", "seconds": "size", "probe": "flag", "~exact_error": "size?",
        "~numeric_error": "size?", "~changed": "texts?", "~fingerprint": "text?"}
# A mutant's outcome, reason, difference, blamed block, margin, per_parameter, error and
# seconds are derived again from its cases: checked if present, never read.
MUTANT = {"id": "name", "operator": "text", "function": "text", "line": "count",
          "column": "count", "end_line": "count", "end_column": "count", "original": "text",
          "mutated": "text", "description": "text", "parts": "texts", "functions": "list",
          "cases": "cases", "~outcome": "text", "~reason": "text", "~difference": "size?",
          "~blamed": "text?", "~margin": "size?", "~per_parameter": "blocks", "~error": "text?",
          "~seconds": "size"}
RESULTS = {"format_version": "integer", "target": "name", "config": "object",
           "environment": "object", "source_path": "text", "source": "text",
           "baseline": "object", "sentinel": "object", "mutants": "list", "~notices": "texts",
           "~trusted": "flag", "~false_alarm": "flag", "~summary": "object",
           "~line_map": "line_map?"}
NEWLINE = re.compile(r"\r\n|\r|\n")  # the line ends LibCST counts, as the positions do
ROOT = "the file"  # how messages name the results object itself


SESSION = "a readable gradmut session"  # `of` for what a session stores as JSON
FIXES = {SESSION: "pass another session file, or run 'gradmut run --session' on it again"}


def bad(where: str | None, field: str, problem: str,
        of: str = "a gradmut results JSON") -> UsageError:
    return UsageError(f"not {of}: {field} {problem}", where=where, fix=FIXES.get(of, FIX))


def shown(value) -> str:
    """Return a value as JSON, cut to 40 characters (the message stays one short line)."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_fields(value, spec: dict, field: str, where: str | None = None, **of) -> dict:
    """Return `value` if it is an object whose fields match `spec`, else raise a UsageError.

    `of` may name what holds the value (bad's `of`), for the message.
    """
    if not isinstance(value, dict):
        raise bad(where, field, f"must be an object, got {shown(value)}", **of)
    for key, kind in spec.items():
        name, nullable = key.lstrip("~"), kind.endswith("?")
        if name not in value:
            if key.startswith("~"):
                continue
            raise bad(where, field, f"has no field {name!r}", **of)
        test, wanted = KINDS[kind.rstrip("?")]
        if not (test(value[name]) or (nullable and value[name] is None)):
            raise bad(where, name if field == ROOT else f"{field}.{name}",
                      f"must be {wanted}{' or null' * nullable}, got {shown(value[name])}",
                      **of)
    return value


def check_config(value, field: str = "config", where: str | None = None, **of) -> RunConfig:
    """Return the RunConfig a JSON object describes, or raise a UsageError naming the field."""
    check_fields(value, CONFIG, field, where, **of)
    unknown = sorted(set(value) - {f.name for f in fields(RunConfig)})
    if unknown:
        raise bad(where, field, f"has an unknown field {unknown[0]!r}", **of)
    if not value["seeds"]:
        raise bad(where, f"{field}.seeds", "must list at least one seed, got []", **of)
    return RunConfig(**{key: tuple(v) if isinstance(v, list) else v for key, v in value.items()})


def check_environment(value, field: str = "environment", where: str | None = None,
                      **of) -> dict:
    """Return the environment object if the fields reports show have the right types."""
    return check_fields(value, ENVIRONMENT, field, where, **of)


def check_line_map(value, field: str = "line_map", where: str | None = None,
                   **of) -> dict[int, tuple[int, int]] | None:
    """Return a notebook's line map as {module line: (cell, line in cell)}, None for a file."""
    test, wanted = KINDS["line_map"]
    if value is not None and not test(value):
        raise bad(where, field, f"must be {wanted} or null, got {shown(value)}", **of)
    return {line: tuple(position) for line, position in value} if value else None


class ResultsShape:
    """Checks one results object whole: each mutant against the file's source and config."""

    def __init__(self, data, where: str | None):
        self.where = where
        if isinstance(data, dict) and data.get("format") == SWEEP_FORMAT:
            raise UsageError(f"{where or 'the file'} is a sweep JSON: its tables come from "
                             "`gradmut sweep --report DIR`")
        check_fields(data, RESULTS, ROOT, where)
        if data["format_version"] != FORMAT_VERSION:
            raise bad(where, "format_version", f"is {data['format_version']}; this gradmut "
                      f"reads version {FORMAT_VERSION}")
        self.config = check_config(data["config"], where=where)
        check_environment(data["environment"], where=where)
        self.lines = [len(line) for line in NEWLINE.split(data["source"])]
        self.blocks: list[str] | None = None  # the block names of the first checked case

    def check(self, data) -> None:
        """Check the baseline, the sentinel and every mutant (ids unique)."""
        self.mutant(data["baseline"], "baseline", BASELINE_ID)
        self.mutant(data["sentinel"], "sentinel", SENTINEL_ID)
        seen = {BASELINE_ID, SENTINEL_ID}
        for number, entry in enumerate(data["mutants"]):
            self.mutant(entry, f"mutants[{number}]")
            if entry["id"] in seen:
                raise bad(self.where, f"mutants[{number}].id", f"{entry['id']!r} appears twice")
            seen.add(entry["id"])

    def mutant(self, entry, field: str, special: str | None = None) -> None:
        check_fields(entry, MUTANT, field, self.where)
        if special is not None and entry["id"] != special:
            raise bad(self.where, f"{field}.id", f"must be {special!r}, got {shown(entry['id'])}")
        if special is None:
            field = f"{field} ({entry['id']})"
            self.position(entry, field)
        self.functions(entry, field, special is not None)
        self.cases(entry, field)

    def position(self, entry: dict, field: str) -> None:
        """Refuse a span (1-based, end exclusive) that is reversed or outside the source."""
        start, end = (entry["line"], entry["column"]), (entry["end_line"], entry["end_column"])
        for line, column in (start, end):
            if not (1 <= line <= len(self.lines) and 1 <= column <= self.lines[line - 1] + 1):
                raise bad(self.where, field, f"has position {line}:{column}, outside the "
                          f"source ({len(self.lines)} lines)")
        if end < start:
            raise bad(self.where, field, f"ends ({end[0]}:{end[1]}) before it starts "
                      f"({start[0]}:{start[1]})")

    def functions(self, entry: dict, field: str, special: bool) -> None:
        for number, item in enumerate(entry["functions"]):
            if not (isinstance(item, list) and len(item) == 3 and _text(item[0])
                    and _integer(item[1]) and item[1] >= 1 and _text(item[2])):
                raise bad(self.where, f"{field}.functions[{number}]", "must be [name, first "
                          f"line >= 1, text], got {shown(item)}")
        if not special and not entry["functions"]:
            raise bad(self.where, f"{field}.functions", "must hold the mutated function(s), "
                      "got []")

    def cases(self, entry: dict, field: str) -> None:
        """Check each case, and that every configured seed has a checked case to classify.

        A checked case that ran needs its difference, and names the same gradient blocks as
        every other such case in the file.
        """
        keys = set()
        for number, case in enumerate(entry["cases"]):
            here = f"{field}.cases[{number}]"
            check_fields(case, CASE, here, self.where)
            if not case["probe"] and case["status"] == Status.OK.value:
                self.checked_case(case, here)
            key = (case["seed"], case["checker"], case["epsilon"])
            if key in keys:
                raise bad(self.where, here, f"repeats seed {case['seed']} under the same check")
            keys.add(key)
        config = self.config
        checked = {seed for seed, checker, epsilon in keys
                   if checker == config.checker and epsilon == config.epsilon}
        missing = [seed for seed in config.seeds if seed not in checked]
        if missing:
            raise bad(self.where, f"{field}.cases", f"has no case for seed {missing[0]} under "
                      f"checker {config.checker}, epsilon {config.epsilon!r}")

    def checked_case(self, case: dict, here: str) -> None:
        if case["difference"] is None:
            raise bad(self.where, f"{here}.difference", "must be a number for a checked case "
                      "that ran (status ok), got null")
        names = sorted(case["per_parameter"])
        self.blocks = names if self.blocks is None else self.blocks
        if names != self.blocks:
            raise bad(self.where, f"{here}.per_parameter", f"names the blocks {shown(names)}, "
                      f"other cases {shown(self.blocks)}")

