"""A sweep's figures as report tables (harness.tables.Table), one builder per question.

Is the correct code safe at this epsilon (baseline U-curve)? Which bugs does the check catch on
how many cases, and which does the course's own case hide or show differently? How small a
scale error can it see? What does each checker catch, at what cost? Which units are dead?
"""
from __future__ import annotations

from harness.formatting import format_float
from harness.outcomes import Outcome
from harness.tables import Table

ABBREVIATIONS = {Outcome.EQUIVALENT: "equivalent", Outcome.CRASHED: "crashed",
                 Outcome.INVALID: "invalid", Outcome.TIMEOUT: "timeout"}


def _eps(value: float) -> str:
    return format_float(value, 0)


def baseline_table(results) -> Table:
    """The correct backward's difference against epsilon, and where each threshold cries wolf."""
    config, best = results.config, results.best_epsilon()
    seeds = len(config.seeds)
    rows = []
    for epsilon, difference in results.baseline_curve():
        worst = max((results.difference("baseline", s, config.primary, epsilon) or 0.0)
                    for s in config.seeds)
        alarms = [_alarm(results, epsilon, t, seeds) for t in config.thresholds]
        rows.append((_eps(epsilon), format_float(difference), format_float(worst), *alarms,
                     "<- best" if epsilon == best else ""))
    headers = ("epsilon", "course case", f"worst of {seeds} cases",
               *(f"false alarm @ {format_float(t, 1)}" for t in config.thresholds), "")
    return Table(f"Baseline: the correct backward's difference against epsilon "
                 f"({config.primary} check)", headers, tuple(rows))


def _alarm(results, epsilon: float, threshold: float, seeds: int) -> str:
    """'yes 3/20': a false alarm on the course's case, and on how many of all the cases."""
    failing = results.false_alarm_seeds(epsilon, threshold)
    course = "yes" if results.config.course_seed in failing else "no"
    return f"{course} {len(failing)}/{seeds}"


def baseline_lines(results) -> list[str]:
    """The best epsilon, and for each threshold the epsilons at which correct code fails."""
    config = results.config
    lines = [f"best epsilon on the course's case: {_eps(results.best_epsilon())} "
             f"(difference {format_float(dict(results.baseline_curve())[results.best_epsilon()])})"]
    for threshold in config.thresholds:
        curve = results.baseline_curve()
        bad = [e for e, d in curve if d is not None and d > threshold]
        good = [e for e, d in curve if d is not None and d <= threshold]
        lines.append(f"threshold {format_float(threshold, 1)}: false alarm on the course's case "
                     f"at epsilon {_list(bad)}; passes at {_list(good)}")
    return lines


def _list(epsilons) -> str:
    return ", ".join(_eps(e) for e in epsilons) if epsilons else "none"


def checker_curves_table(results) -> Table:
    """Each checker's baseline against epsilon on the course's case (its own statistic), and
    on how many of all the cases the correct backward fails at the checker's threshold."""
    config = results.config
    curves = {c: dict(results.baseline_curve(c)) for c in config.checkers}
    epsilons = sorted({e for curve in curves.values() for e in curve}, reverse=True)
    rows = tuple((_eps(e), *(_with_alarms(results, c, e, curves[c].get(e))
                             for c in config.checkers)) for e in epsilons)
    thresholds = ("threshold", *(format_float(config.operating_point(c)[1], 1)
                                 for c in config.checkers))
    return Table(f"Every checker's correct-backward statistic against epsilon (course case; "
                 f"in brackets the cases of {len(config.seeds)} it fails at the checker's "
                 f"threshold)", ("epsilon", *config.checkers), rows + (thresholds,))


def _with_alarms(results, checker: str, epsilon: float, difference) -> str:
    if difference is None:
        return "-"
    threshold = results.config.operating_point(checker)[1]
    failing = results.false_alarm_seeds(epsilon, threshold, checker)
    return f"{format_float(difference)} ({len(failing)})"


def _outcome_text(outcome) -> str:
    return "-" if outcome is None else outcome.value


def detection_table(results, everything: bool = False) -> Table:
    """Per mutant: the fraction of cases caught; by default only those not caught everywhere."""
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
                     _counts(results.other_outcomes(mutant.id)),
                     "DIFFERS" if results.course_differs(mutant.id) else ""))
    title = (f"Detection over {len(config.seeds)} cases at epsilon {_eps(config.epsilon)}, "
             f"threshold {format_float(config.threshold, 1)}" +
             ("" if everything else ": mutants not caught on every case"))
    return Table(title, ("mutant", "change", "outcome", "caught on", "course case",
                         "other cases", "course vs others"), tuple(rows))


def _counts(counter) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counter.items())) or "-"


def differs_table(results) -> Table:
    """Every mutant whose outcome on the course's case differs from some random case."""
    config = results.config
    rows = tuple((m.id, m.description,
                  _outcome_text(results.case_outcome(m.id, config.course_seed)),
                  _counts(results.other_outcomes(m.id)))
                 for m in results.mutants if results.course_differs(m.id))
    return Table(f"Outcome on the course's case (seed {config.course_seed}) differs from the "
                 f"random cases", ("mutant", "change", "course case", "other cases"), rows)


def epsilon_dependent_table(results) -> Table:
    """Mutants whose course-case outcome at the chosen threshold changes with epsilon."""
    config = results.config
    rows = []
    for mutant in results.mutants:
        by = {e: results.case_outcome(mutant.id, config.course_seed, epsilon=e)
              for e in config.primary_epsilons()}
        if len(set(by.values())) > 1:
            rows.append((mutant.id, _list([e for e, o in by.items() if o is Outcome.CAUGHT]),
                         _list([e for e, o in by.items() if o is not Outcome.CAUGHT])))
    return Table(f"Mutants whose outcome depends on epsilon (course case, threshold "
                 f"{format_float(config.threshold, 1)})",
                 ("mutant", "caught at epsilon", "not caught at epsilon"), tuple(rows))


def by_epsilon_table(results) -> Table:
    """Every mutant's difference on the course's case at every epsilon (reports only)."""
    epsilons = results.config.primary_epsilons()
    rows = tuple((m.id, *(format_float(d) for _, d in results.by_epsilon(m.id)))
                 for m in (results.baseline, *results.mutants))
    return Table(f"Difference against epsilon, course case ({results.config.primary} check)",
                 ("mutant", *(_eps(e) for e in epsilons)), rows)


def detectable_table(results) -> Table:
    """Per block, the smallest |k - 1| of a scale each checker flags (course case)."""
    checkers = results.config.checkers
    blocks = next((list(b) for b in results.smallest_detectable.values() if b), [])
    rows = tuple((block, *(_detectable(results.smallest_detectable.get(c, {}).get(block))
                           for c in checkers)) for block in blocks)
    points = tuple(f"{c} (eps {_eps(results.config.operating_point(c)[0])}, "
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
        rows.append((name, _eps(epsilon), format_float(threshold, 1),
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


def screen_tables(results, everything: bool = False) -> list[Table]:
    """The tables `gradmut sweep` prints, in reading order."""
    return [baseline_table(results), checker_curves_table(results),
            detection_table(results, everything), differs_table(results),
            epsilon_dependent_table(results), detectable_table(results),
            checkers_table(results), kill_matrix_table(results, everything),
            dead_units_table(results)]


def report_tables(results) -> dict[str, Table]:
    """Every table by file stem, for --report DIR (complete, not filtered for the screen)."""
    return {"baseline": baseline_table(results), "checker_curves": checker_curves_table(results),
            "detection": detection_table(results, True), "differs": differs_table(results),
            "by_epsilon": by_epsilon_table(results),
            "epsilon_dependent": epsilon_dependent_table(results),
            "smallest_detectable": detectable_table(results), "checkers": checkers_table(results),
            "kill_matrix": kill_matrix_table(results, True),
            "dead_units": dead_units_table(results)}
