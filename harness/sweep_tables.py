"""A sweep's figures as report tables (harness.tables.Table), one builder per question, and
the order the screen and the report show them in (the epsilon curves are in sweep_curves).

Which bugs does the check catch on how many cases, on which seeds is a bug invisible, and which
does the course's own case hide or show differently? How small a scale error can it see? What
does each checker catch, at what cost? Which units are dead?
"""
from __future__ import annotations

from harness.formatting import format_float, format_seeds
from harness.outcomes import Outcome
from harness.sweep_curves import (format_epsilon, baseline_lines, baseline_table,  # noqa: F401
                                  by_epsilon_table, checker_curves_table,
                                  epsilon_dependent_table, exact_table, grid_notes, grid_table)
from harness.tables import Table

ABBREVIATIONS = {Outcome.EQUIVALENT: "equivalent", Outcome.CRASHED: "crashed",
                 Outcome.INVALID: "invalid", Outcome.TIMEOUT: "timeout"}


def _outcome_text(outcome) -> str:
    return "-" if outcome is None else outcome.value


def detection_table(results, everything: bool = False) -> Table:
    """Per mutant: the fraction of cases caught, and on which seeds each outcome came out;
    by default only the mutants not caught on every case (and not equivalent on all)."""
    config = results.config
    rows = []
    for mutant in results.mutants:
        rate = results.detection_rate(mutant.id)
        verdict = results.verdict(mutant.id)
        if not everything and (rate is None or rate == 1.0 or
                               verdict.outcome is Outcome.EQUIVALENT):
            continue
        rows.append((mutant.id, mutant.description, _outcome_text(verdict and verdict.outcome),
                     "-" if rate is None else f"{100 * rate:.0f}%",
                     _outcome_text(results.case_outcome(mutant.id, config.course_seed)),
                     seeds_text(results, mutant.id),
                     "DIFFERS" if results.course_differs(mutant.id) else ""))
    title = (f"Detection over {len(config.seeds)} cases at epsilon "
             f"{format_epsilon(config.epsilon)}, threshold {format_float(config.threshold, 1)} "
             f"(caught on = caught cases / all cases)" +
             ("" if everything else ": mutants not caught on every case"))
    return Table(title, ("mutant", "change", "outcome", "caught on", "course case",
                         "seeds by outcome", "course vs others"), tuple(rows))


def seeds_text(results, mutant_id: str) -> str:
    """'caught 1-10,12; equivalent 11': each outcome with the seeds it came out on."""
    return "; ".join(f"{outcome.value} {format_seeds(seeds)}" for outcome, seeds in
                     results.seeds_by_outcome(mutant_id).items()) or "-"


def seeds_notes(results) -> tuple[str, ...]:
    """Say what a case outcome other than caught means for the detection rate."""
    return ("equivalent on a seed: the mutant's parameter gradients equal the correct ones on "
            "that case (e.g. dZ3 = A3 - Y without Y, on a case whose labels are all 0), so no "
            "check can see the bug there: the case's weakness, counted against the rate; "
            "missed on a seed: the gradients differ there but the check's difference stays "
            "within the threshold.",)


def differs_table(results) -> Table:
    """Every mutant whose outcome on the course's case differs from some random case."""
    config = results.config
    rows = tuple((m.id, m.description,
                  _outcome_text(results.case_outcome(m.id, config.course_seed)),
                  _counts(results.other_outcomes(m.id)), seeds_text(results, m.id))
                 for m in results.mutants if results.course_differs(m.id))
    return Table(f"Outcome on the course's case (seed {config.course_seed}) differs from the "
                 f"random cases (epsilon {format_epsilon(config.epsilon)}, threshold "
                 f"{format_float(config.threshold, 1)})",
                 ("mutant", "change", "course case", "other cases", "seeds by outcome"), rows)


def _counts(counter) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counter.items())) or "-"


def detectable_table(results) -> Table:
    """Per block, the smallest |k - 1| of a scale each checker flags (course case)."""
    checkers = results.config.checkers
    blocks = next((list(b) for b in results.smallest_detectable.values() if b), [])
    rows = tuple((block, *(_detectable(results.smallest_detectable.get(c, {}).get(block))
                           for c in checkers)) for block in blocks)
    points = tuple(f"{c} (eps {format_epsilon(results.config.operating_point(c)[0])}, "
                   f"t {format_float(results.config.operating_point(c)[1], 1)})" for c in checkers)
    return Table("Smallest detectable scale |k - 1| per gradient block (course case, by "
                 "bisection)", ("block", *points), rows)


def _detectable(found) -> str:
    if found is None or found.smallest is None:
        return "not seen"
    return "false alarm" if found.smallest == 0.0 else format_float(found.smallest, 2)


def checkers_table(results) -> Table:
    """Each checker at its operating point: cost, kills, false alarms, sentinel."""
    config, rows = results.config, []
    for name in config.checkers:
        epsilon, threshold = config.operating_point(name)
        verdicts = [results.verdict(m.id, name) for m in results.mutants]
        counts = {o: sum(1 for v in verdicts if v and v.outcome is o) for o in Outcome}
        sentinel = results.verdict("sentinel", name)
        passes = results.forward_passes.get(name)
        rows.append((name, format_epsilon(epsilon), format_float(threshold, 1),
                     "-" if passes is None else str(passes), str(counts[Outcome.CAUGHT]),
                     str(counts[Outcome.MISSED]),
                     f"{len(results.false_alarm_seeds(epsilon, threshold, name))}"
                     f"/{len(config.seeds)}",
                     "caught" if sentinel and sentinel.outcome is Outcome.CAUGHT else "NOT caught"))
    return Table("Checkers side by side", ("checker", "epsilon", "threshold",
                                           "forward passes", "caught", "missed",
                                           "false alarms", "sentinel"), tuple(rows))


def kill_matrix_table(results, everything: bool = False) -> Table:
    """Mutant x checker: cases caught; by default only rows where the checkers disagree."""
    checkers, rows = results.config.checkers, []
    for mutant in results.mutants:
        cells = tuple(_cell(results, mutant.id, c) for c in checkers)
        if everything or len(set(cells)) > 1:
            rows.append((mutant.id, *cells))
    title = "Kill matrix: cases caught per checker" + ("" if everything else
                                                       " (rows where checkers disagree)")
    return Table(title, ("mutant", *checkers), tuple(rows))


def _cell(results, mutant_id: str, checker: str) -> str:
    verdict = results.verdict(mutant_id, checker)
    if verdict is None:
        return "-"
    if verdict.outcome in ABBREVIATIONS:
        return ABBREVIATIONS[verdict.outcome]
    return f"{verdict.caught_cases}/{verdict.checked_cases}"


def dead_units_table(results) -> Table:
    """Per case, the ReLU units inactive on every example (0-based rows)."""
    depth = max((len(case.layers) for case in results.dead_units), default=0)
    rows = tuple((str(case.seed), *(_dead(layer) for layer in case.layers),
                  *("-",) * (depth - len(case.layers))) for case in results.dead_units)
    return Table("Dead ReLU units per case (inactive on every example; 0-based rows)",
                 ("seed", *(f"layer {n}" for n in range(1, depth + 1))), rows)


def _dead(layer) -> str:
    listed = f": {', '.join(map(str, layer.dead))}" if layer.dead else ""
    return f"{len(layer.dead)} of {layer.units}{listed}"


def screen_sections(results, everything: bool = False) -> list[tuple[Table, tuple[str, ...]]]:
    """The tables `gradmut sweep` prints, in reading order, each with its notes in words."""
    exact = [(exact_table(results), ())] if results.exact is not None else []
    return [(baseline_table(results), ()), *exact, (checker_curves_table(results), ()),
            _grid_section(results), (detection_table(results, everything), seeds_notes(results)),
            (differs_table(results), ()), (epsilon_dependent_table(results), ()),
            (detectable_table(results), ()), (checkers_table(results), ()),
            (kill_matrix_table(results, everything), ()), (dead_units_table(results), ())]


def _grid_section(results) -> tuple[Table, tuple[str, ...]]:
    cells = results.outcome_grid()  # a few thousand verdicts: computed once for both
    return grid_table(results, cells), grid_notes(results, cells)


def screen_tables(results, everything: bool = False) -> list[Table]:
    """The tables `gradmut sweep` prints, in reading order."""
    return [table for table, _ in screen_sections(results, everything)]


def report_sections(results) -> dict[str, tuple[Table, tuple[str, ...]]]:
    """Every table by file stem with its notes, for --report DIR (complete, not filtered)."""
    exact = {"exact": (exact_table(results), ())} if results.exact is not None else {}
    return {"baseline": (baseline_table(results), ()), **exact,
            "checker_curves": (checker_curves_table(results), ()),
            "outcome_grid": _grid_section(results),
            "detection": (detection_table(results, True), seeds_notes(results)),
            "differs": (differs_table(results), ()), "by_epsilon": (by_epsilon_table(results), ()),
            "epsilon_dependent": (epsilon_dependent_table(results), ()),
            "smallest_detectable": (detectable_table(results), ()),
            "checkers": (checkers_table(results), ()),
            "kill_matrix": (kill_matrix_table(results, True), ()),
            "dead_units": (dead_units_table(results), ())}


def report_tables(results) -> dict[str, Table]:
    """Every table by file stem, for --report DIR (complete, not filtered for the screen)."""
    return {stem: table for stem, (table, _) in report_sections(results).items()}
