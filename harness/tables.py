"""Report tables as plain rows, and one renderer for every format (tabulate, csv, json).

Builders take a Results bundle and return Table(title, headers, rows) of strings, so every
format shows the same digits (formatting.format_float).
"""
from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass

from harness.formatting import format_float
from harness.outcomes import Outcome
from harness.summary import summarize

OUTCOME_ORDER = [outcome.value for outcome in Outcome]


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def format_score(score: float | None) -> str:
    return "-" if score is None else f"{100 * score:.1f}%"


def summary_table(results) -> Table:
    """Counts per outcome, then the two scores."""
    summary = results.summary
    rows = [(name, str(summary.counts[name])) for name in OUTCOME_ORDER]
    rows += [("total", str(summary.total)),
             ("score caught/(caught+missed)", format_score(summary.score) if results.trusted
              else "withheld (sentinel not caught)"),
             ("score counting crashes as kills (PIT)", format_score(summary.pit_score)
              if results.trusted else "withheld (sentinel not caught)")]
    return Table("Summary", ("outcome", "mutants"), tuple(rows))


def mutants_table(results) -> Table:
    """Every mutant: where, what, verdict, difference, blamed block and margin."""
    threshold = results.config.threshold
    rows = []
    for result in results.mutants:
        m, verdict = result.mutant, result.verdict
        change = f"{m.original} -> {m.mutated}"
        rows.append((m.id, m.operator, str(m.line), change, verdict.outcome.value,
                     format_float(verdict.difference), verdict.blamed or "-",
                     format_float(verdict.margin(threshold), 2)))
    return Table("Mutants", ("id", "operator", "line", "change", "outcome", "difference",
                             "blamed", "margin"), tuple(rows))


def operators_table(results) -> Table:
    """Counts by outcome and the check's score, per operator (catalog order of first line)."""
    by_operator = defaultdict(list)
    for result in results.mutants:
        by_operator[result.mutant.operator].append(result.outcome)
    rows = []
    for operator, outcomes in by_operator.items():
        summary = summarize(outcomes)
        rows.append((operator, *(str(summary.counts[name]) for name in OUTCOME_ORDER),
                     format_score(summary.score)))
    return Table("Per operator", ("operator", *OUTCOME_ORDER, "score"), tuple(rows))


def baseline_lines(results) -> list[str]:
    """Say in words how the unmutated backward fares and whether the run can be trusted."""
    config, baseline = results.config, results.baseline.verdict
    lines = []
    if baseline.difference is None:
        lines.append(f"baseline: the unmutated backward failed: {baseline.reason}")
    elif results.false_alarm:
        lines.append(f"baseline: FALSE ALARM: the correct backward's difference "
                     f"{format_float(baseline.difference)} exceeds the threshold "
                     f"{format_float(config.threshold, 1)}: this check fails correct code "
                     f"(at epsilon {format_float(config.epsilon, 1)} the finite difference's "
                     f"own error is that large)")
    else:
        lines.append(f"baseline: the correct backward scores {format_float(baseline.difference)}"
                     f"; the threshold {format_float(config.threshold, 1)} sits "
                     f"{config.threshold / baseline.difference:.1f}x above this noise floor")
    if not results.trusted:
        lines.append(f"sentinel NOT caught ({results.sentinel.verdict.reason}): even a doubled "
                     "gradient passes this check, so no score is reported; lower the threshold "
                     "or fix epsilon")
    return lines


def render(table: Table, fmt: str) -> str:
    """Render a table as tabulate's `fmt`, or 'csv' or 'json'."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.headers)
        writer.writerows(table.rows)
        return buffer.getvalue()
    if fmt == "json":
        return json.dumps([dict(zip(table.headers, row)) for row in table.rows], indent=2)
    from tabulate import tabulate

    return tabulate(table.rows, headers=table.headers, tablefmt=fmt, disable_numparse=True)


def results_markdown(results) -> str:
    parts = [f"**gradmut** on `{results.target}`"] + baseline_lines(results)
    for table in (summary_table(results), mutants_table(results)):
        parts += [f"### {table.title}", render(table, "github")]
    return "\n\n".join(parts)


def results_html(results) -> str:
    parts = [f"<p><b>gradmut</b> on <code>{results.target}</code></p>"]
    parts += [f"<p>{line}</p>" for line in baseline_lines(results)]
    for table in (summary_table(results), mutants_table(results)):
        parts += [f"<h4>{table.title}</h4>", render(table, "html")]
    return "\n".join(parts)


def missed_table(results) -> Table:
    """The mutants the check did not see, with why (e.g. hidden by dead ReLU units)."""
    rows = [(r.mutant.id, str(r.mutant.line), f"{r.mutant.original} -> {r.mutant.mutated}",
             format_float(r.verdict.difference), r.verdict.reason)
            for r in results.mutants if r.outcome is Outcome.MISSED]
    return Table("Missed mutants", ("id", "line", "change", "difference", "why"), tuple(rows))
