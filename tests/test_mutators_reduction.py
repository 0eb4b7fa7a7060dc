"""Golden text for `reduction`: the wrong axis, no axis, or keepdims dropped."""
from pathlib import Path
from textwrap import dedent

from mutators import CATALOG, generate_mutants

COURSE = (Path(__file__).resolve().parent.parent / "targets" / "three_layer.py").read_text()
OPERATOR = CATALOG["reduction"]


def mutated(source, function="f"):
    return sorted(m.functions[0].source
                  for m in generate_mutants(dedent(source), function, [OPERATOR]))


def course_lines():
    return {m.id: m.source.splitlines()[m.line - 1].strip()
            for m in generate_mutants(COURSE, "backward_propagation_n", [OPERATOR])}


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
