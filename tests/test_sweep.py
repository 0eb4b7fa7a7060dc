"""The sweep's figures on the default target: the U-curve, dead units, the course case against
random cases, and the bisection checked against real scale mutants run through the harness."""
import numpy as np
import pytest

from harness.bisection import bisect_log, scaled_block, smallest_detectable
from harness.checkers import CHECKERS
from harness.evaluate import Evaluator
from harness.gradients import block_slices, numerical_gradient
from harness.mutants import mutants_for
from harness.outcomes import Outcome, classify
from harness.records import CheckConfig, FunctionText, WorkItem
from harness.sweep import plan_sweep, sweep
from harness.sweep_tables import differs_table, screen_tables
from harness.check import loss_of_theta, initial_theta
from harness.targets_resolve import builtin_ref, load_target
from mutators.scale import Scale

ALL_ZERO_LABELS = 11  # a random case whose labels are [0, 0, 0]: dZ3 = A3 - Y equals A3 there


@pytest.fixture(scope="module")
def results():
    return sweep(operators=["drop-term", "activation-derivative"], seeds=[1, 2, ALL_ZERO_LABELS],
                 jobs=0)


def test_baseline_curve_is_a_u_with_the_course_figure_at_1e_7(results):
    curve = dict(results.baseline_curve())
    assert len(curve) == 10
    assert 1e-6 <= results.best_epsilon() <= 1e-3
    assert curve[1e-7] == pytest.approx(1.1890913024229996e-07, rel=1e-2)
    # Truncation error falls with epsilon, rounding error rises below the best one.
    assert curve[1e-1] > curve[1e-3] > curve[results.best_epsilon()] < curve[1e-7] < curve[1e-10]


def test_false_alarms_at_the_first_notebooks_threshold(results):
    assert results.false_alarm_seeds(1e-7, 1e-7) == [1]  # 1.19e-7 > 1e-7: correct code fails
    assert results.false_alarm_seeds(1e-7, 2e-7) == []


def test_dead_units_of_the_course_case(results):
    course = results.dead_units[0]
    assert course.seed == 1
    layer1, layer2 = course.layers
    assert (layer1.units, len(layer1.dead)) == (5, 1)
    assert (layer2.units, len(layer2.dead)) == (3, 2)


def test_a_mutant_whose_course_outcome_differs_from_a_random_case_is_listed(results):
    mutant = "drop-term-43-dZ3-no-Y"
    assert results.case_outcome(mutant, 1) is Outcome.CAUGHT
    assert results.case_outcome(mutant, ALL_ZERO_LABELS) is Outcome.EQUIVALENT
    assert results.course_differs(mutant)
    assert results.detection_rate(mutant) == pytest.approx(2 / 3)
    listed = [row[0] for row in differs_table(results).rows]
    assert mutant in listed
    assert all(results.course_differs(m) for m in listed)
    assert len(listed) == sum(results.course_differs(m.id) for m in results.mutants)


def test_json_and_every_table_render(results):
    data = results.to_json()
    entry = next(m for m in data["mutants"] if m["id"] == "drop-term-43-dZ3-no-Y")
    assert entry["differs_from_course"] and entry["detection_rate"] == pytest.approx(2 / 3)
    assert [point["epsilon"] for point in entry["by_epsilon"]] == [e for e, _ in
                                                                   results.baseline_curve()]
    assert set(data["checkers"]) == set(CHECKERS)
    assert data["checkers"]["directional"]["forward_passes"] == 6
    assert data["checkers"]["course"]["forward_passes"] == 94
    assert all(table.rows for table in screen_tables(results, True)[:3])


def test_a_stored_sweep_has_nothing_left_to_plan(results):
    records = [results.baseline, results.sentinel, *results.mutants]
    assert plan_sweep(records, results.config, set(results.rows)) == []
    missing = set(results.rows) - {key for key in results.rows if key[1] == 2}
    items = plan_sweep(records, results.config, missing)
    assert items and all(item.seeds == (2,) for item in items)


def test_bisect_log_finds_the_edge_to_its_precision():
    edge = 3.7e-5
    found = bisect_log(lambda d: d > edge)
    assert edge < found <= edge * (1 + 1e-3)
    assert bisect_log(lambda d: True) == 0.0  # flagged unperturbed: a false alarm
    assert bisect_log(lambda d: False) is None


def test_scaled_block_touches_only_its_block():
    grad = np.arange(1.0, 8.0)[:, None]
    layout = (("a", (2, 2)), ("b", (3,)))
    scaled = scaled_block(grad, block_slices(layout)["b"], 3.0)
    assert np.array_equal(scaled[:4], grad[:4]) and np.array_equal(scaled[4:], 3 * grad[4:])


@pytest.fixture(scope="module")
def course_bisection():
    loaded = load_target(builtin_ref("three-layer"))
    evaluator = Evaluator(loaded)
    config = CheckConfig("course", 1e-7)
    found = smallest_detectable(CHECKERS["course"], evaluator.reference(1),
                                evaluator.prepared(1, config), loaded.target.layout, 2e-7)
    return loaded, evaluator, config, found


def test_smallest_detectable_agrees_with_an_independent_course_check(course_bisection):
    loaded, evaluator, _, found = course_bisection
    case = loaded.target.make_case(1)
    approx = numerical_gradient(loss_of_theta(loaded.target, loaded.namespace, case),
                                initial_theta(loaded.target, case), 1e-7)
    reference = evaluator.reference(1)

    def difference(grad):
        return np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))

    for block, part in block_slices(loaded.target.layout).items():
        d = found[f"d{block}"].smallest
        sign = 1.0 if found[f"d{block}"].up == d else -1.0
        assert difference(scaled_block(reference, part, 1 + sign * d * 1.01)) > 2e-7, block
        for either in (1.0, -1.0):
            assert difference(scaled_block(reference, part, 1 + either * d * 0.99)) <= 2e-7


def _scale_mutant_verdict(loaded, evaluator, config, block: str, k: float) -> Outcome:
    """Generate `dX = ... * k` in the source and run it through the worker's evaluation."""
    _, mutants = mutants_for(loaded.target, operators=[Scale(factors=(k,))])
    mutant = next(m for m in mutants if f"-{block}-x" in m.id)
    item = WorkItem(mutant.id, tuple(FunctionText(f.name, f.first_line, f.source)
                                     for f in mutant.functions), (1,), (config,))
    return classify(evaluator.evaluate(item), 2e-7).outcome


@pytest.mark.parametrize("block", ["dW1", "db1", "dW2", "db2", "dW3", "db3"])
def test_a_scale_mutant_just_above_the_bisection_is_caught_and_just_below_is_not(
        course_bisection, block):
    loaded, evaluator, config, found = course_bisection
    d = found[block].smallest
    sign = 1.0 if found[block].up == d else -1.0
    assert _scale_mutant_verdict(loaded, evaluator, config, block,
                                 1 + sign * d * 1.01) is Outcome.CAUGHT
    assert _scale_mutant_verdict(loaded, evaluator, config, block,
                                 1 + sign * d * 0.99) is Outcome.MISSED


def test_outcome_grid_counts_every_mutant_and_marks_false_alarms(results):
    cells = results.outcome_grid()
    config = results.config
    assert [(c.epsilon, c.threshold) for c in cells] == [
        (e, t) for e in config.primary_epsilons() for t in config.thresholds]
    for cell in cells:
        assert sum(cell.counts.values()) == len(results.mutants)
        # Independently: classify each mutant's rows over all cases at this point.
        caught = sum(1 for m in results.mutants if classify(
            [results.rows[(m.id, s, "course", cell.epsilon)] for s in config.seeds],
            cell.threshold).outcome is Outcome.CAUGHT)
        assert cell.counts.get(Outcome.CAUGHT, 0) == caught
        failing = [s for s in config.seeds
                   if results.rows[("baseline", s, "course", cell.epsilon)].difference
                   > cell.threshold]
        assert list(cell.false_alarm_seeds) == failing and cell.false_alarm == bool(failing)
    by_point = {(c.epsilon, c.threshold): c for c in cells}
    assert by_point[(1e-7, 1e-7)].false_alarm_seeds == (1,)  # 1.19e-7 > the first 1e-7
    assert not by_point[(1e-7, 2e-7)].false_alarm and by_point[(1e-1, 2e-7)].false_alarm


def test_grid_table_and_notes_say_where_catches_mean_nothing(results):
    from harness.sweep_curves import grid_notes, grid_table

    table = grid_table(results)
    assert len(table.rows) == len(results.config.primary_epsilons()) * 2
    assert all(len(row) == len(table.headers) for row in table.rows)
    alarms = [row for row in table.rows if row[-1].startswith("FALSE ALARM")]
    assert len(alarms) == sum(c.false_alarm for c in results.outcome_grid())
    assert ("1e-07", "1.0e-07") in {row[:2] for row in alarms}
    assert "means nothing" in grid_notes(results)[0]


def test_seeds_by_outcome_names_the_cases_where_a_bug_is_invisible(results):
    from harness.sweep_tables import detection_table

    found = results.seeds_by_outcome("drop-term-43-dZ3-no-Y")
    assert found == {Outcome.CAUGHT: (1, 2), Outcome.EQUIVALENT: (ALL_ZERO_LABELS,)}
    loaded = load_target(builtin_ref("three-layer"))
    for seed in found[Outcome.EQUIVALENT]:  # the reason: Y is all zero, so A3 - Y == A3
        assert not np.any(loaded.target.make_case(seed).inputs["Y"])
    for seed in found[Outcome.CAUGHT]:
        assert np.any(loaded.target.make_case(seed).inputs["Y"])
    row = next(r for r in detection_table(results).rows if r[0] == "drop-term-43-dZ3-no-Y")
    assert "equivalent 11" in row[5] and "caught 1-2" in row[5]
    entry = next(m for m in results.to_json()["mutants"] if m["id"] == "drop-term-43-dZ3-no-Y")
    assert entry["seeds_by_outcome"] == {"caught": [1, 2], "equivalent": [ALL_ZERO_LABELS]}


def test_baseline_table_names_every_column(results):
    from harness.sweep_curves import baseline_table

    table = baseline_table(results)
    assert all(table.headers) and all(len(row) == len(table.headers) for row in table.rows)
    best = [row[0] for row in table.rows if row[-1]]
    assert table.headers[-1] == "best epsilon" and best == ["1e-04"]


def test_equivalent_mutants_get_a_visible_bar_in_the_detection_plot(results):
    from harness.sweep_plots import CASE_SLICES, _case_fractions

    equivalent = next(m.id for m in results.mutants
                      if results.verdict(m.id).outcome is Outcome.EQUIVALENT)
    fractions = _case_fractions(results, equivalent, len(results.config.seeds))
    slices = [outcome for outcome, *_ in CASE_SLICES]
    assert fractions[slices.index(Outcome.EQUIVALENT)] == 1.0
    mixed = _case_fractions(results, "drop-term-43-dZ3-no-Y", 3)
    assert mixed[slices.index(Outcome.CAUGHT)] == pytest.approx(
        results.detection_rate("drop-term-43-dZ3-no-Y"))
    assert sum(mixed) == pytest.approx(1.0)


def test_taylor_as_primary_has_no_best_epsilon_and_says_so():
    from harness.sweep_curves import baseline_lines, baseline_table

    taylor = sweep(operators=["sign"], seeds=[1], checkers="taylor,course", jobs=0)
    assert taylor.best_epsilon() is None and taylor.best_epsilon("course") == 1e-4
    lines = baseline_lines(taylor)
    assert lines[0].startswith("best epsilon: n/a for taylor") and "1e-04" in lines[0]
    assert not any("at epsilon none" in line for line in lines)
    assert "best epsilon" not in baseline_table(taylor).headers
    data = taylor.to_json()
    assert data["best_epsilon"] is None
    assert data["best_epsilon_by_checker"] == {"taylor": None, "course": 1e-4}


def test_work_is_shared_one_numerical_gradient_per_case_and_epsilon(monkeypatch):
    """In process (jobs=0) the sweep's checks, the bisection and the forward-pass counts all
    use one evaluator: each central difference once per (case, epsilon), each mutant's
    backward once per case."""
    import harness.checkers as checkers
    import harness.evaluate as evaluate

    differences, backwards = {}, []
    real_difference, real_backward = checkers.numerical_gradient, evaluate.analytic_gradient

    def counted_difference(loss, theta, epsilon):
        key = (theta.tobytes(), epsilon)
        differences[key] = differences.get(key, 0) + 1
        return real_difference(loss, theta, epsilon)

    def counted_backward(target, namespace, case):
        backwards.append(case.seed)
        return real_backward(target, namespace, case)

    monkeypatch.setattr(checkers, "numerical_gradient", counted_difference)
    monkeypatch.setattr(evaluate, "analytic_gradient", counted_backward)
    shared = sweep(operators=["sign"], seeds=[1, 2], epsilons=[1e-4, 1e-7],
                   checkers="course,cs231n", jobs=0)
    # central differences at 1e-4 and 1e-7 (the sweep) and 1e-5 (cs231n's point), per case
    assert sorted(differences.values()) == [1] * 6
    assert {epsilon for _, epsilon in differences} == {1e-4, 1e-5, 1e-7}
    # every mutant and the baseline once per case, plus the reference backward once per case
    assert len(backwards) == 2 * (len(shared.mutants) + 2)
    assert sorted(set(backwards)) == [1, 2]


@pytest.fixture(scope="module")
def exact_sweep():
    return sweep(operators=["sign"], seeds=[1], checkers="course", oracle="autograd", jobs=0)


@pytest.mark.oracle
def test_exact_curve_is_the_numerical_gradients_error_against_autograd(exact_sweep):
    from harness.checkers import norm_ratio
    from harness.oracle import Oracle

    loaded = load_target(builtin_ref("three-layer"))
    case = loaded.target.make_case(1)
    exact = Oracle(loaded).gradient(case)
    loss, theta = loss_of_theta(loaded.target, loaded.namespace, case), \
        initial_theta(loaded.target, case)
    curve = exact_sweep.exact
    assert [p.epsilon for p in curve.points] == [e for e, _ in exact_sweep.baseline_curve()]
    for point in curve.points:
        assert point.numeric_error == pytest.approx(
            norm_ratio(numerical_gradient(loss, theta, point.epsilon), exact), rel=1e-12)
    assert curve.backward_error < 1e-12
    at = {p.epsilon: p for p in curve.points}
    baseline = dict(exact_sweep.baseline_curve())
    assert at[1e-7].numeric_error == pytest.approx(baseline[1e-7], rel=1e-3)
    assert at[1e-7].numeric_error == pytest.approx(1.189e-7, rel=1e-2)
    assert 1e-6 <= curve.best_epsilon <= 1e-3
    assert curve.best_epsilon == min(at, key=lambda e: at[e].numeric_error)


@pytest.mark.oracle
def test_exact_curve_splits_into_truncation_falling_like_h2_and_rounding_rising(exact_sweep):
    at = {p.epsilon: p for p in exact_sweep.exact.points}
    assert exact_sweep.exact.method == "extended precision"
    for point in at.values():  # the parts are the whole error's vector split
        assert abs(point.truncation - point.rounding) <= point.numeric_error * (1 + 1e-9)
        assert point.numeric_error <= (point.truncation + point.rounding) * (1 + 1e-9)
    for big, small in ((1e-2, 1e-3), (1e-3, 1e-4), (1e-4, 1e-5)):
        assert at[big].truncation / at[small].truncation == pytest.approx(100, rel=0.1)
    assert at[1e-7].rounding == pytest.approx(at[1e-7].numeric_error, rel=1e-3)
    assert at[1e-7].truncation < 1e-3 * at[1e-7].rounding  # all of 1.19e-7 is rounding
    assert at[1e-2].rounding < 1e-3 * at[1e-2].truncation  # all of 1.68e-6 is truncation
    assert 1e4 < at[1e-10].rounding / at[1e-5].rounding < 1e6  # about 1/h over five decades
    assert [at[e].dominant for e in (1e-3, 1e-5)] == ["truncation", "rounding"]


@pytest.mark.oracle
def test_exact_curve_is_in_the_json_and_on_the_screen(exact_sweep):
    from harness.sweep_tables import baseline_lines, screen_tables

    data = exact_sweep.to_json()["exact"]
    assert data["best_epsilon"] == exact_sweep.exact.best_epsilon
    assert all(set(p) == {"epsilon", "numeric_error", "truncation", "rounding"}
               for p in data["by_epsilon"])
    assert any(line.startswith("exact oracle (autograd): best epsilon") for line in
               baseline_lines(exact_sweep))
    assert any("exact gradient" in table.title for table in screen_tables(exact_sweep))


@pytest.mark.oracle
def test_a_forward_autograd_cannot_handle_gives_one_notice_and_a_finished_sweep(tmp_path):
    from harness.diagnose import load_file_as

    source = load_target(builtin_ref("three-layer")).source
    in_place = source.replace("    A1 = relu(Z1)\n", "    A1 = relu(Z1)\n    A1[0, 0] = A1[0, 0]\n")
    path = tmp_path / "in_place.py"
    path.write_text(in_place)
    finished = sweep(load_file_as(path), operators=["sign"], seeds=[1],
                     checkers="course", oracle="autograd", jobs=0)
    line = in_place.splitlines().index("    A1[0, 0] = A1[0, 0]") + 1
    assert finished.exact is None and len(finished.notices) == 1
    assert f"in_place.py:{line}" in finished.notices[0]
    assert finished.to_json()["exact"] is None
    assert {finished.verdict(m.id).outcome for m in finished.mutants} == {Outcome.CAUGHT}


def test_an_unknown_oracle_is_bad_input():
    from harness.errors import UsageError

    with pytest.raises(UsageError, match="unknown oracle"):
        sweep(operators=["sign"], seeds=[1], oracle="jax", jobs=0)


def test_extended_precision_is_refused_when_the_forward_pass_casts_to_float64():
    from harness.sweep_exact import extended_precision

    theta = np.ones((3, 1))
    usable, why = extended_precision(lambda t: float(np.sum(t ** 2)), theta)
    assert not usable and "float64" in why
    usable, why = extended_precision(lambda t: np.sum(t ** 2), theta)
    assert usable == (np.finfo(np.longdouble).eps < np.finfo(np.float64).eps / 16)


@pytest.mark.oracle
def test_without_finer_precision_the_exact_curve_keeps_the_whole_error_and_says_so(monkeypatch):
    import harness.sweep_exact as sweep_exact

    monkeypatch.setattr(sweep_exact, "extended_precision", lambda loss, theta: (False, "no"))
    plain = sweep(operators=["sign"], seeds=[1], epsilons=[1e-4, 1e-7], checkers="course",
                  oracle="autograd", jobs=0)
    assert plain.exact.method is None and len(plain.notices) == 1
    assert all(p.truncation is None and p.rounding is None for p in plain.exact.points)
    assert plain.exact.point(1e-7).numeric_error == pytest.approx(1.189e-7, rel=1e-2)
    assert plain.exact.best_epsilon == 1e-4
