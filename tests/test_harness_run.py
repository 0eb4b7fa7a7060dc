"""`run()` on the course's network: the acceptance outcomes, bit-identical reuse, the JSON."""
import hashlib
import importlib
import json

import pytest

from harness.check import analytic_gradient, initial_theta, loss_of_theta
from harness.checkers import CHECKERS
from harness.cli import main
from harness.loading import with_function
from harness.outcomes import Outcome
from harness.results_io import results_from_json, results_to_json
from harness.targets_resolve import builtin_ref, load_target
from targets import get_target, three_layer
from test_checkers import course_gradient_check

run_module = importlib.import_module("harness.run")  # `harness.run` is the function


def doubled_dW2(X, Y, cache):
    """The correct backward with dW2 times 2, written by hand."""
    gradients = three_layer.backward_propagation_n(X, Y, cache)
    return {**gradients, "dW2": gradients["dW2"] * 2}


@pytest.fixture(scope="module")
def results():
    return run_module.run("three-layer")


def by_id(results):
    return {r.mutant.id: r for r in results.mutants}


@pytest.mark.parametrize("mutant_id, outcome", [
    ("scale-49-dW2-x2", Outcome.CAUGHT),
    ("scale-55-db1-coef4", Outcome.CAUGHT),
    ("reduction-50-db2-nokeepdims", Outcome.EQUIVALENT),
    ("reduction-55-db1-nokeepdims", Outcome.EQUIVALENT),
    ("activation-derivative-48-dZ2-ge", Outcome.CAUGHT),
    ("swap-operands-49-dW2-np.dot", Outcome.CRASHED),
])
def test_acceptance_outcomes(results, mutant_id, outcome):
    assert by_id(results)[mutant_id].outcome is outcome


def test_the_course_bugs_are_caught_with_their_differences_and_blame(results):
    dW2, db1 = by_id(results)["scale-49-dW2-x2"], by_id(results)["scale-55-db1-coef4"]
    assert dW2.verdict.blamed == "dW2" and db1.verdict.blamed == "db1"
    assert dW2.verdict.difference == course_gradient_check(doubled_dW2)
    assert dW2.per_parameter["dW2"] == pytest.approx(1 / 3, rel=1e-6)
    assert "ValueError" in by_id(results)["swap-operands-49-dW2-np.dot"].error


def test_baseline_and_sentinel(results):
    assert results.baseline.verdict.difference == pytest.approx(1.189e-7, rel=1e-2)
    assert not results.false_alarm and results.trusted
    assert results.at_threshold(1e-7).false_alarm


def test_rethresholding_reruns_nothing_and_changes_verdicts(results):
    loose = results.at_threshold(0.5)
    assert by_id(loose)["scale-49-dW2-x2"].outcome is Outcome.MISSED
    assert not loose.trusted  # a doubled gradient (difference 1/3) passes a 0.5 threshold


def test_reuse_is_bit_identical_to_the_whole_course_check_per_mutant(results):
    loaded = load_target(builtin_ref("three-layer"))
    target, case = loaded.target, get_target("three-layer").make_case(1)
    course = CHECKERS["course"]
    checked = 0
    for result in results.mutants:
        if result.outcome not in (Outcome.CAUGHT, Outcome.MISSED, Outcome.EQUIVALENT):
            continue
        namespace = loaded.namespace
        for function in result.mutant.functions:
            namespace = with_function(namespace, function.source, "<t>", function.first_line)
        approx = course.prepare(loss_of_theta(target, namespace, case),
                                initial_theta(target, case), 1e-7)
        naive = course.compare(analytic_gradient(target, namespace, case), approx,
                               target.layout)
        assert naive.difference == result.verdict.difference, result.mutant.id
        checked += 1
    assert checked > 100


def test_the_source_file_is_byte_identical_afterwards():
    path = get_target("three-layer").source_path
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    run_module.run("three-layer", operators=["scale", "transpose"], jobs=0)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_json_round_trip_and_documented_keys(results):
    data = json.loads(json.dumps(results_to_json(results)))
    assert {"target", "config", "environment", "baseline", "mutants", "summary"} <= set(data)
    entry = data["mutants"][0]
    for key in ("id", "operator", "line", "original", "mutated", "outcome", "difference",
                "per_parameter", "error", "seconds", "cases", "margin", "blamed"):
        assert key in entry
    again = results_from_json(data)
    assert [(r.mutant.id, r.outcome) for r in again.mutants] == \
        [(r.mutant.id, r.outcome) for r in results.mutants]


def test_cli_json_to_stdout_is_only_json(capsys):
    assert main(["run", "--operators", "scale", "--json", "-"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["summary"]["counts"]["caught"] > 0


def test_fail_under_exit_status(capsys):
    assert main(["run", "--operators", "scale", "--fail-under", "50"]) == 0
    assert main(["run", "--operators", "scale", "--threshold", "0.3", "--fail-under", "90"]) == 1
    capsys.readouterr()


def test_several_cases_record_per_case_detail():
    results = run_module.run("three-layer", operators=["activation-derivative"], seeds=[1, 2])
    result = next(iter(results.mutants))
    assert {m.seed for m in result.measurements if not m.probe} == {1, 2}
    assert result.verdict.checked_cases == 2


def test_each_row_says_which_blocks_the_mutant_really_changed(results):
    """dW2 x2 touches dW2 only; a scaled dZ3 reaches every block upstream of it."""
    first = lambda mutant_id: next(m for m in by_id(results)[mutant_id].measurements
                                   if not m.probe)
    assert first("scale-49-dW2-x2").changed == ("dW2",)
    assert first("scale-55-db1-coef4").changed == ("db1",)
    assert set(first("scale-43-dZ3-x2").changed) == {"dW1", "db1", "dW2", "db2", "dW3", "db3"}
    assert first("reduction-55-db1-nokeepdims").changed == ()


def test_the_same_bug_written_twice_is_named_a_duplicate(results):
    """`-(A3 - Y)` and `(A3 - Y) * -1` compute the same gradients, bit for bit."""
    assert results.duplicates["sign-43-dZ3-neg"] == "scale-43-dZ3-xm1"
    assert results.duplicates["scale-55-db1-x4"] == "scale-55-db1-coef4"
    # `1./m * np.dot(dZ2, A1.T) * 2` is `2./m * np.dot(dZ2, A1.T)`, to the last bit
    assert results.duplicates["scale-49-dW2-x2"] == "scale-49-dW2-coef2"
    assert "scale-49-dW2-coef2" not in results.duplicates and \
        "scale-47-dA2-x2" not in results.duplicates
    assert all(by_id(results)[i].outcome in (Outcome.CAUGHT, Outcome.MISSED)
               for i in results.duplicates)


def test_per_block_table_counts_the_bugs_that_change_each_block(results):
    from harness.tables import blocks_table

    rows = {row[0]: row for row in blocks_table(results).rows}
    changing_dW3 = [r for r in results.mutants if r.outcome in (Outcome.CAUGHT, Outcome.MISSED)
                    and any("dW3" in (m.changed or ()) for m in r.measurements)]
    assert rows["dW3"][1] == str(len(changing_dW3)) and len(changing_dW3) > 0
    assert set(rows) == {"dW1", "db1", "dW2", "db2", "dW3", "db3"}


def test_a_wrong_backward_is_not_called_a_false_alarm_and_gets_no_score(tmp_path, capsys):
    from harness.results import BaselineVerdict

    student = tmp_path / "student.py"
    student.write_text(get_target("three-layer").variant_path("buggy").read_text())
    wrong = run_module.run(str(student), operators=["normalization"])
    assert wrong.baseline_verdict is BaselineVerdict.WRONG and not wrong.trusted
    assert len(wrong.baseline_scan) == 3  # checked at 1e-6, 1e-5, 1e-4 as well
    assert main(["run", str(student), "--operators", "normalization", "--fail-under", "0"]) == 1
    out = capsys.readouterr().out
    assert "FAILS the check" in out and "gradmut diagnose" in out and "FALSE ALARM" not in out
    noisy = run_module.run("three-layer", operators=["normalization"], threshold=1e-7)
    assert noisy.baseline_verdict is BaselineVerdict.FALSE_ALARM and noisy.trusted
    assert noisy.passing_epsilons == (1e-6, 1e-5, 1e-4)
