"""The built-in targets beyond the course's network: each passes its own check, and mutations
land (and are seen) in every function a target mutates, helpers included."""
import importlib

import numpy as np
import pytest

from harness.check import analytic_gradient, check
from harness.cli import main
from harness.loading import load_module
from harness.mutants import mutants_for
from targets import get_target
from targets.course_adapters import KEEP_PROB

run_module = importlib.import_module("harness.run")
NEW_TARGETS = ["one-dimensional", "l-layer", "regularization", "dropout"]


@pytest.mark.parametrize("name", NEW_TARGETS)
def test_the_correct_backward_passes_its_check(name):
    report = check(name, epsilon=1e-7)
    assert report.difference < 1e-6 and not report.caught


@pytest.mark.parametrize("name", NEW_TARGETS)
def test_gradmut_check_exits_0(name, capsys):
    assert main(["check", "--target", name]) == 0
    assert "passed" in capsys.readouterr().out


def namespace_of(name):
    target = get_target(name)
    return target, load_module(target.source_path.read_text(), str(target.source_path))


def test_l_layer_mutants_lie_in_all_three_functions():
    _, mutants = mutants_for(get_target("l-layer"))
    assert {m.function for m in mutants} == {"L_model_backward", "linear_activation_backward",
                                             "linear_backward"}


def test_l_layer_gradients_equal_the_three_layer_network_on_the_course_case():
    case = get_target("three-layer").make_case(1)
    mine = analytic_gradient(get_target("l-layer"), namespace_of("l-layer")[1], case)
    course = analytic_gradient(get_target("three-layer"), namespace_of("three-layer")[1], case)
    assert np.allclose(mine, course, rtol=1e-12, atol=1e-15)


def test_a_bug_in_a_helper_is_seen_through_its_unmutated_callers():
    results = run_module.run("l-layer", operators=["scale"], jobs=0)
    by_function = {}
    for result in results.mutants:
        by_function.setdefault(result.mutant.function, set()).add(result.outcome.value)
    assert set(by_function) == {"L_model_backward", "linear_activation_backward",
                                "linear_backward"}
    for function, outcomes in by_function.items():
        assert "caught" in outcomes, function
    assert results.summary.counts["missed"] == 0 and results.trusted


def test_forgetting_the_l2_term_is_caught():
    results = run_module.run("regularization", operators=["drop-term"], jobs=0)
    dropped = [r for r in results.mutants if r.mutant.mutated == "1./m * np.dot(dZ3, A2.T)"]
    assert dropped and all(r.outcome.value == "caught" for r in dropped)


def test_dropout_masks_are_fixed_and_leave_global_state_alone():
    target, namespace = namespace_of("dropout")
    case = target.make_case(2)
    np.random.seed(7)
    state = np.random.get_state()[1].copy()
    first = target.loss(namespace, case, case.parameters)
    assert target.loss(namespace, case, case.parameters) == first
    assert np.array_equal(np.random.get_state()[1], state)
    _, cache = namespace["forward_propagation_with_dropout"](case.inputs["X"], case.parameters,
                                                             KEEP_PROB)
    assert not cache[1].all()  # some units are dropped: the masks matter


def test_forgetting_the_dropout_mask_in_backward_is_equivalent_here():
    """The ReLU mask `A2 > 0` reads the dropped-out A2, so it already zeroes the shut units."""
    results = run_module.run("dropout", operators=["drop-term"], jobs=0, cases=3)
    outcomes = {(r.mutant.original, r.mutant.mutated): r.outcome.value for r in results.mutants}
    assert outcomes[("dA2 * D2", "dA2")] == "equivalent"
    assert outcomes[("dA1 * D1", "dA1")] == "equivalent"
    assert outcomes[("dA2 * D2", "D2")] == "caught"
