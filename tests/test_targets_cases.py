"""Test cases: seed 1 is the course's case bit for bit; other seeds have the same shapes."""
import numpy as np

from targets import TARGETS, get_target
from targets.course_cases import gradient_check_n_test_case, make_case


def course_case_by_hand():
    """The course's draws, written out independently of targets.course_cases."""
    np.random.seed(1)
    draws = [np.random.randn(*shape) for shape in
             [(4, 3), (5, 4), (5, 1), (3, 5), (3, 1), (1, 3), (1, 1)]]
    return draws


def test_course_test_case_draws_in_the_course_order():
    x, y, parameters = gradient_check_n_test_case()
    expected = course_case_by_hand()
    assert np.array_equal(x, expected[0])
    for key, value in zip(["W1", "b1", "W2", "b2", "W3", "b3"], expected[1:]):
        assert np.array_equal(parameters[key], value)
    assert y.shape == (3,) and list(y) == [1, 1, 0]


def test_make_case_seed_1_is_the_course_case_and_leaves_global_state_alone():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    case = make_case(1)
    assert np.array_equal(np.random.get_state()[1], before)
    x, y, parameters = gradient_check_n_test_case()
    assert np.array_equal(case.inputs["X"], x) and np.array_equal(case.inputs["Y"], y)
    for key in parameters:
        assert np.array_equal(case.parameters[key], parameters[key])


def test_other_seeds_have_the_same_shapes_and_differ():
    one, two = make_case(1), make_case(2)
    for key in one.parameters:
        assert one.parameters[key].shape == two.parameters[key].shape
        assert not np.array_equal(one.parameters[key], two.parameters[key])
    assert set(np.unique(two.inputs["Y"])) <= {0, 1}


def test_registry_layouts_match_sizes():
    assert get_target("three-layer").size == 47
    assert get_target("one-dimensional").size == 1
    for target in TARGETS.values():
        assert target.source_path.is_file()
        case = target.make_case(1)
        assert set(case.parameters) == set(target.parameter_names)
