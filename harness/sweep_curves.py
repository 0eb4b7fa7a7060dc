"""A sweep's epsilon curves as report tables: the baseline's U-curve and its false alarms, the
curve against the exact gradient, every checker's baseline, and the outcome at every
(epsilon, threshold). Is the correct code safe at this epsilon, and which catches mean nothing?
"""
from __future__ import annotations

from harness.formatting import format_float
from harness.outcomes import Outcome
from harness.sweep_results import NO_BEST_EPSILON
from harness.tables import Table

GRID_OUTCOMES = tuple(Outcome)  # caught, missed, equivalent, crashed, invalid, timeout


def format_epsilon(value: float) -> str:
    """Return an epsilon as '1e-07' (steps are powers of ten, one digit says it all)."""
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
        marker = () if best is None else ("<- best" if epsilon == best else "",)
        rows.append((format_epsilon(epsilon), format_float(difference), format_float(worst),
                     *alarms, *marker))
    headers = ("epsilon", "course case", f"worst of {seeds} cases",
               *(f"false alarm @ {format_float(t, 1)}" for t in config.thresholds),
               *(() if best is None else ("best epsilon",)))
    return Table(f"Baseline: the correct backward's difference against epsilon "
                 f"({config.primary} check; false alarm: on the course's case, and on how many "
                 f"of the {seeds} cases)", headers, tuple(rows))


def _alarm(results, epsilon: float, threshold: float, seeds: int) -> str:
    """'yes 3/20': a false alarm on the course's case, and on how many of all the cases."""
    failing = results.false_alarm_seeds(epsilon, threshold)
    course = "yes" if results.config.course_seed in failing else "no"
    return f"{course} {len(failing)}/{seeds}"


def best_epsilon_line(results) -> str:
    """Say the best epsilon, or plainly why the primary checker has none."""
    primary = results.config.primary
    best = results.best_epsilon()
    if best is not None:
        difference = dict(results.baseline_curve())[best]
        return (f"best epsilon on the course's case: {format_epsilon(best)} (the {primary} "
                f"check's smallest baseline difference, {format_float(difference)})")
    if primary not in NO_BEST_EPSILON:
        return f"best epsilon: none (no baseline row of the {primary} check)"
    others = [(c, results.best_epsilon(c)) for c in results.config.checkers
              if results.best_epsilon(c) is not None]
    also = f"; the {others[0][0]} check's is {format_epsilon(others[0][1])}" if others else ""
    return f"best epsilon: n/a for {primary} ({NO_BEST_EPSILON[primary]}){also}"


def baseline_lines(results) -> list[str]:
    """The best epsilon, and for each threshold the epsilons at which correct code fails."""
    config = results.config
    curve = [e for e, d in results.baseline_curve() if d is not None]
    lines = [best_epsilon_line(results), *exact_lines(results)]
    for threshold in config.thresholds:
        bad = results.false_alarm_epsilons(threshold)
        good = [e for e in curve if e not in bad]
        head = f"threshold {format_float(threshold, 1)}: "
        if not bad:
            lines.append(head + f"the correct backward passes on the course's case at every "
                                f"epsilon swept ({_list(good)}): no false alarm")
        elif not good:
            lines.append(head + "the correct backward fails on the course's case at every "
                                "epsilon swept: a false alarm everywhere")
        else:
            lines.append(head + f"false alarm (the correct backward fails) on the course's "
                                f"case at epsilon {_list(bad)}; passes at {_list(good)}")
    return lines


def _list(epsilons) -> str:
    return ", ".join(format_epsilon(e) for e in epsilons) if epsilons else "none"


def exact_lines(results) -> list[str]:
    """With the oracle: the best epsilon from the error itself, and what the check's own
    error at the chosen epsilon is made of."""
    exact = results.exact
    if exact is None or not exact.points:
        return []
    best = exact.point(exact.best_epsilon)
    lines = [f"exact oracle (autograd): best epsilon from the numerical gradient's own error "
             f"against the exact gradient: {format_epsilon(best.epsilon)} (error "
             f"{format_float(best.numeric_error)}; the unmutated backward's error "
             f"{format_float(exact.backward_error)})"]
    chosen = exact.point(results.config.epsilon)
    if chosen is not None:
        split = "" if chosen.dominant is None else (
            f": truncation {format_float(chosen.truncation)}, rounding "
            f"{format_float(chosen.rounding)}, so {chosen.dominant}")
        baseline = results.difference("baseline", results.config.course_seed,
                                      results.config.primary, chosen.epsilon)
        lines.append(f"at the chosen epsilon {format_epsilon(chosen.epsilon)} the numerical "
                     f"gradient's error is {format_float(chosen.numeric_error)} (the baseline "
                     f"difference is {format_float(baseline)}){split}")
    return lines


def exact_table(results) -> Table:
    """The numerical gradient's error against the exact gradient per epsilon, and its parts."""
    exact = results.exact
    points = () if exact is None else exact.points
    best = None if exact is None else exact.best_epsilon
    rows = tuple((format_epsilon(p.epsilon),
                  format_float(results.difference("baseline", exact.seed, "course", p.epsilon)),
                  format_float(p.numeric_error), format_float(p.truncation),
                  format_float(p.rounding), p.dominant or "-",
                  "<- best" if p.epsilon == best else "") for p in points)
    split = ("truncation: the same central difference's error in extended precision; "
             "rounding: what float64 adds to it") if exact is not None and exact.method else \
        "no truncation/rounding split on this machine"
    return Table(f"The numerical gradient against the exact gradient (autograd), course case "
                 f"({split})", ("epsilon", "course difference", "numeric error",
                                     "truncation", "rounding", "dominant", "best epsilon"), rows)


def grid_table(results, cells=None) -> Table:
    """Per (epsilon, threshold): the mutants' verdicts over all cases, false alarms marked."""
    config, rows = results.config, []
    for cell in results.outcome_grid() if cells is None else cells:
        alarm = (f"FALSE ALARM on {len(cell.false_alarm_seeds)}/{len(config.seeds)} cases"
                 if cell.false_alarm else "passes")
        rows.append((format_epsilon(cell.epsilon), format_float(cell.threshold, 1),
                     *(str(cell.counts.get(o, 0)) for o in GRID_OUTCOMES), alarm))
    return Table(f"Outcomes at every (epsilon, threshold): mutants over all {len(config.seeds)} "
                 f"cases ({config.primary} check; correct backward: does it pass there?)",
                 ("epsilon", "threshold", *(o.value for o in GRID_OUTCOMES),
                  "correct backward"), tuple(rows))


def grid_notes(results, cells=None) -> tuple[str, ...]:
    """Say in words where the grid's catches mean nothing."""
    cells = results.outcome_grid() if cells is None else cells
    alarms = [c for c in cells if c.false_alarm]
    if not alarms:
        return ("The correct backward passes at every (epsilon, threshold) swept: every catch "
                "in this table is a real one.",)
    where = "; ".join(
        f"threshold {format_float(t, 1)} at epsilon "
        f"{_list([c.epsilon for c in alarms if c.threshold == t])}"
        for t in results.config.thresholds if any(c.threshold == t for c in alarms))
    return (f"FALSE ALARM at {len(alarms)} of {len(cells)} (epsilon, threshold) points "
            f"({where}): the correct backward itself fails the check there on some case, so a "
            "catch there means nothing (a check that fails correct code flags every mutant).",)


def checker_curves_table(results) -> Table:
    """Each checker's baseline against epsilon on the course's case (its own statistic), and
    on how many of all the cases the correct backward fails at the checker's threshold."""
    config = results.config
    curves = {c: dict(results.baseline_curve(c)) for c in config.checkers}
    epsilons = sorted({e for curve in curves.values() for e in curve}, reverse=True)
    rows = tuple((format_epsilon(e), *(_with_alarms(results, c, e, curves[c].get(e))
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
                 ("mutant", *(format_epsilon(e) for e in epsilons)), rows)
