"""Golden text for `reduction`: the wrong axis, no axis, or keepdims dropped."""
from golden_operators import course_lines_for, mutated_by
from mutators import CATALOG

OPERATOR = CATALOG["reduction"]

mutated = mutated_by(OPERATOR)
course_lines = course_lines_for(OPERATOR)


def test_axis_zero_becomes_one_and_a_method_call_counts():
    assert mutated("def f(d):\n    return d.mean(axis=0)\n") == [
        "def f(d):\n    return d.mean()\n", "def f(d):\n    return d.mean(axis=1)\n"]


def test_dropping_the_last_argument_leaves_a_tidy_call():
    assert mutated("def f(d):\n    b = np.sum(d, keepdims=True,)\n") == [
        "def f(d):\n    b = np.sum(d)\n"]


def test_nothing_without_an_integer_axis_or_keepdims():
    assert mutated("def f(d):\n    return np.sum(d) + np.sum(d, 1) + np.sum(d, axis=-1)\n") == []


def test_sites_on_the_course_backward():
    lines = course_lines()
    assert lines["reduction-55-db1-nokeepdims"] == "db1 = 1./m * np.sum(dZ1, axis=1)"
    assert lines["reduction-55-db1-axis0"] == "db1 = 1./m * np.sum(dZ1, axis=0, keepdims=True)"
    assert lines["reduction-55-db1-axisNone"] == "db1 = 1./m * np.sum(dZ1, keepdims=True)"
    assert len(lines) == 9  # three sums, three changes each
