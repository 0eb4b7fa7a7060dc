"""The six report tables as plain rows, and one renderer for every table format.

Builders turn a Results bundle into Table(title, headers, rows) of strings, so every format
(terminal, Markdown, LaTeX, HTML, CSV, JSON) shows the same digits (formatting.format_float).
"""
from __future__ import annotations

import csv
import html
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from harness.formatting import format_float, format_seeds
from harness.outcomes import Outcome
from harness.summary import summarize

OUTCOME_ORDER = [outcome.value for outcome in Outcome]
# Mutants table order: what the check cannot see first, then what it never judged, then the
# caught ones, then the ones that are no bug at all.
SEVERITY = (Outcome.MISSED, Outcome.TIMEOUT, Outcome.CRASHED, Outcome.INVALID, Outcome.CAUGHT,
            Outcome.EQUIVALENT)
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def format_score(score: float | None) -> str:
    return "-" if score is None else f"{100 * score:.1f}%"


def display_path(path: str) -> str:
    """Return `path` relative to the working directory or the project, with '/' separators.

    Reports show and key files by this path, so they read the same on every machine.
    """
    candidate = Path(path)
    if not candidate.is_absolute():
        return candidate.as_posix()
    for root in (Path.cwd(), PROJECT_ROOT):
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix()
    return candidate.as_posix()


def change(mutant) -> str:
    return f"{mutant.original} -> {mutant.mutated}"


def withheld_because(results) -> str | None:
    """Why no score is reported, or None when the run can be trusted."""
    from harness.results import BaselineVerdict

    if results.sentinel.outcome is not Outcome.CAUGHT:
        return "withheld (sentinel not caught)"
    if results.baseline_verdict is BaselineVerdict.WRONG:
        return "withheld (the unmutated backward looks wrong)"
    return None


def summary_table(results) -> Table:
    """Counts per outcome, then the two scores (withheld when the run cannot be trusted), and
    how many mutants repeat another's bug."""
    summary, withheld = results.summary, withheld_because(results)
    rows = [(name, str(summary.counts[name])) for name in OUTCOME_ORDER]
    rows += [("total", str(summary.total)),
             ("score caught/(caught+missed)", withheld or format_score(summary.score)),
             ("score counting crashes as kills (PIT)", withheld or format_score(summary.pit_score))]
    if results.duplicates:
        distinct = summarize(r.outcome for r in results.mutants
                             if r.mutant.id not in results.duplicates)
        rows += [("duplicates (same gradients as another mutant)", str(len(results.duplicates))),
                 ("score over distinct bugs", withheld or format_score(distinct.score))]
    return Table("Summary", ("outcome", "mutants"), tuple(rows))


def sorted_mutants(results) -> list:
    """Return the mutants by outcome severity (missed first, equivalent last), line, then id."""
    rank = {outcome: position for position, outcome in enumerate(SEVERITY)}
    return sorted(results.mutants,
                  key=lambda r: (rank[r.outcome], r.mutant.line, r.mutant.id))


def mutants_table(results) -> Table:
    """Every mutant: where, what, verdict, difference, blamed block and margin.

    Sorted by outcome severity (missed, timeout, crashed, invalid, caught, equivalent), then
    line, then id, so the check's blind spots come first. With the oracle, each difference is
    split into the mutant's own error and the finite difference's (both against the exact
    gradient, on the case with the largest difference).
    """
    threshold, oracle = results.config.threshold, results.config.oracle
    rows = []
    for r in sorted_mutants(results):
        row = (r.mutant.id, r.mutant.operator, results.where(r.mutant.line), change(r.mutant),
               r.outcome.value, format_float(r.verdict.difference), blamed(r),
               format_float(r.verdict.margin(threshold)), results.duplicates.get(r.mutant.id, "-"))
        if oracle:
            worst = r.worst
            row += (format_float(worst.exact_error if worst else None),
                    format_float(worst.numeric_error if worst else None))
        rows.append(row)
    headers = ("id", "operator", "line", "original -> mutated", "outcome", "difference",
               "blamed", "margin", "same bug as")
    if oracle:
        headers += ("mutant's error (exact)", "check's own error")
    return Table("Mutants", headers, tuple(rows))


def blamed(result) -> str:
    """The block the check blames, for a caught mutant only: elsewhere it blames noise."""
    return (result.verdict.blamed or "-") if result.outcome is Outcome.CAUGHT else "-"


def changed(result) -> set[str]:
    """The blocks a mutant really changes, on any checked or probe case."""
    return {block for m in result.measurements for block in (m.changed or ())}


def operators_table(results) -> Table:
    """Counts by outcome and the check's score, per operator (by name), then all together."""
    by_operator = defaultdict(list)
    for result in results.mutants:
        by_operator[result.mutant.operator].append(result.outcome)
    groups = sorted(by_operator.items()) + [("all", [r.outcome for r in results.mutants])]
    rows = []
    for operator, outcomes in groups:
        summary = summarize(outcomes)
        rows.append((operator, *(str(summary.counts[name]) for name in OUTCOME_ORDER),
                     format_score(summary.score)))
    return Table("Per operator", ("operator", *OUTCOME_ORDER, "score"), tuple(rows))


def blocks_table(results) -> Table:
    """Per gradient block: how often a bug there is caught, and the smallest difference the
    check reported on that block for such a bug (where the check is closest to blind).

    A bug is "there" when it changes the block's gradient (its entries differ from the
    reference beyond the ulp rule), so one bug upstream counts for every block it reaches.
    Crashed, invalid, timed-out and equivalent mutants show the check nothing and count nowhere.
    """
    judged = [r for r in results.mutants if r.outcome in (Outcome.CAUGHT, Outcome.MISSED)]
    blocks = list(results.baseline.per_parameter) or sorted(set().union(*map(changed, judged)))
    rows = []
    for block in blocks:
        here = [r for r in judged if block in changed(r)]
        summary = summarize(r.outcome for r in here)
        least = min(here, key=lambda r: (r.per_parameter.get(block, 0.0), r.mutant.id)) \
            if here else None
        rows.append((block, str(len(here)), str(summary.counts["caught"]),
                     str(summary.counts["missed"]), format_score(summary.score),
                     format_float(least.per_parameter.get(block)) if least else "-",
                     least.mutant.id if least else "-"))
    return Table("Per gradient block", ("block", "mutants changing it", "caught", "missed",
                                        "score", "smallest difference there", "at mutant"),
                 tuple(rows))


def missed_table(results) -> Table:
    """The mutants the check did not see, with why (e.g. hidden by dead ReLU units)."""
    threshold = results.config.threshold
    rows = tuple((r.mutant.id, results.where(r.mutant.line), change(r.mutant),
                  format_float(r.verdict.difference), format_float(r.verdict.margin(threshold)),
                  r.verdict.reason)
                 for r in results.mutants if r.outcome is Outcome.MISSED)
    return Table("Missed mutants", ("id", "line", "original -> mutated", "difference", "margin",
                                    "why"), rows)


def setting_table(results) -> Table:
    """What produced the numbers: target, check, cases, and the numpy build and CPU."""
    config, env = results.config, results.environment
    rows = [("target", results.target), ("source", display_path(results.source_path)),
            ("function", config.function or "-"), ("checker", config.checker),
            ("epsilon", format_float(config.epsilon)),
            ("threshold", format_float(config.threshold)),
            ("cases (seeds)", format_seeds(config.seeds)),
            ("probe cases (seeds)", format_seeds(config.probe_seeds) or "-"),
            ("operators", ", ".join(config.operators) or "-"), ("order", str(config.order)),
            ("scale factors", ", ".join(f"{k:g}" for k in config.factors) or "2, 4, 0.5, -1"),
            ("equivalence judged against", "autograd (exact)" if config.oracle
             else "the reference backward"),
            ("baseline difference", format_float(results.baseline.verdict.difference)),
            ("baseline", results.baseline_verdict.value),
            ("sentinel", results.sentinel.outcome.value),
            ("python", env.get("python", "-")), ("numpy", env.get("numpy", "-")),
            ("machine", f"{env.get('machine', '-')} {env.get('system', '')}".strip()),
            ("CPU baseline features", " ".join(env.get("cpu_baseline") or ()) or "-"),
            ("CPU dispatch features", " ".join(env.get("cpu_dispatch_found") or ()) or "-"),
            ("OpenBLAS core type", env.get("openblas_coretype") or "-")]
    return Table("Setting", ("setting", "value"), tuple(rows))


def report_tables(results) -> list[Table]:
    """Return the six tables in report order."""
    return [summary_table(results), mutants_table(results), operators_table(results),
            blocks_table(results), missed_table(results), setting_table(results)]


def baseline_lines(results) -> list[str]:
    """Say in words how the unmutated backward fares and whether the run can be trusted."""
    from harness.results import BaselineVerdict

    config, baseline = results.config, results.baseline.verdict
    verdict, at = results.baseline_verdict, f"at epsilon {format_float(config.epsilon)}"
    threshold = format_float(config.threshold)
    if verdict is BaselineVerdict.FAILED:
        lines = [f"baseline: the unmutated backward failed: {baseline.reason}; no mutant can "
                 "be judged against it"]
    elif verdict is BaselineVerdict.PASSES:
        lines = [f"baseline: the unmutated backward scores {format_float(baseline.difference)} "
                 f"{at}; the threshold {threshold} sits "
                 f"{config.threshold / baseline.difference:.1f}x above this noise floor"
                 if baseline.difference else
                 f"baseline: the unmutated backward scores 0 {at}"]
    elif verdict is BaselineVerdict.FALSE_ALARM:
        passing = results.passing_epsilons
        why = ("its gradient equals the exact one to rounding, so all of it is the finite "
               "difference's own error" if config.oracle else
               f"it passes at epsilon {', '.join(f'{e:g}' for e in passing)}, so the finite "
               "difference's own error is that large here, not the backward's")
        lines = [f"baseline: FALSE ALARM: the check fails the unmutated backward {at} "
                 f"(difference {format_float(baseline.difference)} > threshold {threshold}); "
                 f"{why}"]
    else:
        scanned = ", ".join(f"{m.epsilon:g}" for m in results.baseline_scan if m.seed ==
                            config.seeds[0])
        why = (f"its error against the exact gradient is "
               f"{format_float(_worst_exact(results))}" if config.oracle else
               f"and at epsilon {scanned} too")
        lines = [f"baseline: the unmutated backward FAILS the check {at} (difference "
                 f"{format_float(baseline.difference)} > threshold {threshold}) {why}: it looks "
                 "wrong. Every mutant is compared with it as the reference, so no score is "
                 f"reported; run 'gradmut diagnose {display_path(results.source_path)}' to "
                 "locate the bug"]
    if results.sentinel.outcome is not Outcome.CAUGHT:
        lines.append(f"sentinel NOT caught ({results.sentinel.verdict.reason}): even a doubled "
                     "gradient passes this check, so no score is reported; lower the threshold "
                     "or fix epsilon")
    if results.duplicates:
        lines.append(f"{len(results.duplicates)} mutants compute the same gradients as another "
                     "mutant, bit for bit, on every case (the same bug written twice); "
                     "'same bug as' names it")
    return lines


def _worst_exact(results) -> float | None:
    errors = [m.exact_error for m in results.baseline.measurements
              if not m.probe and m.exact_error is not None]
    return max(errors) if errors else None


def render(table: Table, fmt: str) -> str:
    """Render a table as tabulate's `fmt`, or 'csv' (stdlib csv) or 'json' (list of objects)."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.headers)
        writer.writerows(table.rows)
        return buffer.getvalue()
    if fmt == "json":
        return json.dumps([dict(zip(table.headers, row)) for row in table.rows], indent=2)
    from tabulate import tabulate

    rows = table.rows
    if fmt in ("github", "pipe"):  # a '|' in a cell (higher-order changes) would split it
        rows = tuple(tuple(cell.replace("|", "\\|") for cell in row) for row in rows)
    return tabulate(rows, headers=table.headers, tablefmt=fmt, disable_numparse=True)


def results_markdown(results) -> str:
    """Return the summary and mutant tables as Markdown (Jupyter's `_repr_markdown_`)."""
    parts = [f"**gradmut** on `{results.target}`"] + baseline_lines(results)
    for table in (summary_table(results), mutants_table(results)):
        parts += [f"### {table.title}", render(table, "github")]
    return "\n\n".join(parts)


def results_html(results) -> str:
    """Return the summary and mutant tables as HTML (Jupyter's `_repr_html_`)."""
    parts = [f"<p><b>gradmut</b> on <code>{html.escape(results.target)}</code></p>"]
    parts += [f"<p>{html.escape(line)}</p>" for line in baseline_lines(results)]
    for table in (summary_table(results), mutants_table(results)):
        parts += [f"<h4>{html.escape(table.title)}</h4>", render(table, "html")]
    return "\n".join(parts)
