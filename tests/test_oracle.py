"""The exact oracle: autograd on the unchanged forward pass (needs gradmut[oracle])."""
import sys

import pytest

from harness.check import check
from harness.cli import main
from harness.diagnose import load_file_as
from harness.oracle import Oracle, OracleUnavailable
from harness.outcomes import Outcome
from harness.records import Status
from harness.run import run
from targets import get_target

pytestmark = pytest.mark.oracle

CORRECT = get_target("three-layer").source_path.read_text()
IN_PLACE = CORRECT.replace("    A1 = relu(Z1)\n", "    A1 = relu(Z1)\n    A1[0, 0] = A1[0, 0]\n")


def test_correct_backward_is_exact_and_the_baseline_is_all_finite_difference_error():
    report = check(oracle="autograd")
    assert report.exact["backward_error"] < 1e-12
    assert report.exact["numeric_error"] == pytest.approx(1.189e-7, rel=1e-2)
    assert report.exact["numeric_error"] == pytest.approx(report.difference, rel=1e-3)


def test_buggy_backwards_error_is_about_its_difference():
    report = check(variant="buggy", oracle="autograd")
    assert report.exact["backward_error"] == pytest.approx(report.difference, rel=1e-6)
    assert report.exact["per_parameter"]["dW2"] == pytest.approx(1 / 3, rel=1e-12)


def test_oracle_and_reference_backward_agree_on_every_default_mutant():
    with_oracle = {r.mutant.id: r for r in run("three-layer", oracle="autograd").mutants}
    without = {r.mutant.id: r for r in run("three-layer").mutants}
    assert with_oracle.keys() == without.keys()
    compared = 0
    for mutant_id, result in with_oracle.items():
        for a, b in zip(result.measurements, without[mutant_id].measurements):
            if a.status is Status.OK:
                assert a.matches_reference == b.matches_reference, (mutant_id, a.seed)
                compared += 1
        assert result.outcome is without[mutant_id].outcome
    assert compared > 400


def test_each_difference_splits_into_the_mutants_error_and_the_checks(capsys):
    results = run("three-layer", operators=["scale"], oracle="autograd")
    row = next(m for m in results.mutants[0].measurements if not m.probe)
    assert row.numeric_error == pytest.approx(1.189e-7, rel=1e-2)
    assert row.exact_error > 1e-3


def test_the_swap_leaves_no_trace():
    Oracle(load_file_as(get_target("three-layer").source_path)).gradient(
        get_target("three-layer").make_case(1))
    assert "gc_utils" not in sys.modules and "testCases" not in sys.modules
    import numpy
    assert sys.modules["numpy"] is numpy and "autograd" not in numpy.__name__


def test_a_forward_autograd_cannot_handle_gives_a_notice_and_a_finished_run(tmp_path, capsys):
    path = tmp_path / "in_place.py"
    path.write_text(IN_PLACE)
    loaded = load_file_as(path)
    with pytest.raises(OracleUnavailable) as error:
        Oracle(loaded).gradient(loaded.target.make_case(1))
    line = IN_PLACE.splitlines().index("    A1[0, 0] = A1[0, 0]") + 1
    assert error.value.where == f"{path}:{line}"
    assert "item assignment" in error.value.what
    results = run(loaded, operators=["scale"], oracle="autograd")
    assert len(results.notices) == 1 and f"in_place.py:{line}" in results.notices[0]
    assert results.config.oracle == ""
    assert {r.outcome for r in results.mutants} == {Outcome.CAUGHT}
    assert path.read_text() == IN_PLACE


def test_diagnose_confirms_the_course_repair(capsys):
    assert main(["diagnose", "--variant", "buggy", "--oracle", "autograd"]) == 0
    assert "exact" in capsys.readouterr().out


def test_the_correct_backward_agrees_with_the_exact_gradient_where_the_sigmoid_saturates():
    """Rounding grows where A3 - Y cancels (input scale 2); agreement must still hold there."""
    from harness.check import analytic_gradient
    from harness.oracle import agrees_exactly, norm_ratio
    from harness.targets_resolve import builtin_ref, load_target, scaled

    loaded = scaled(load_target(builtin_ref("three-layer")), 2.0)
    oracle, worst = Oracle(loaded), 0.0
    for seed in range(1, 41):
        case = loaded.target.make_case(seed)
        grad, exact = analytic_gradient(loaded.target, loaded.namespace, case), \
            oracle.gradient(case)
        worst = max(worst, norm_ratio(grad, exact))
        assert agrees_exactly(grad, exact), (seed, norm_ratio(grad, exact))
    assert worst > 1e-10  # the case that made 1e-10 too strict is among them
    doubled = analytic_gradient(loaded.target, loaded.namespace, loaded.target.make_case(35))
    doubled[:20] *= 1.001  # the smallest bug the operators write, on dW1
    assert not agrees_exactly(doubled, oracle.gradient(loaded.target.make_case(35)))


def test_the_l_layer_network_is_differentiable_too():
    """Its cost is returned as numpy's, not cast with float(), which autograd cannot trace."""
    report = check("l-layer", oracle="autograd")
    assert report.notice is None and report.exact["backward_error"] < 1e-12
