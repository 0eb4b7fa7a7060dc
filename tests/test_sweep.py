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
    return sweep(operators=["drop-term"], seeds=[1, 2, ALL_ZERO_LABELS], jobs=0)


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
