"""Golden text for `scale`: the whole right-hand side times k, or a coefficient times k."""
from pathlib import Path
from textwrap import dedent

import pytest

from mutators import generate_mutants
from mutators.scale import Scale

COURSE = (Path(__file__).resolve().parent.parent / "targets" / "three_layer.py").read_text()


def mutated(source, operator=Scale(), function="f"):
    return sorted(m.functions[0].source
                  for m in generate_mutants(dedent(source), function, [operator]))


def course_lines(operator=Scale()):
    return {m.id: m.source.splitlines()[m.line - 1].strip()
            for m in generate_mutants(COURSE, "backward_propagation_n", [operator])}


def test_factors_are_options_shown_by_repr():
    operator = Scale(factors=(1.001,))
    assert "1.001" in repr(operator)
    assert mutated("def f(a, m):\n    dW = 1./m * a\n", operator) == [
        "def f(a, m):\n    dW = 1./m * a * 1.001\n",
        "def f(a, m):\n    dW = 1.001/m * a\n"]


def test_a_sum_is_parenthesized_before_it_is_scaled():
    assert mutated("def f(a, y):\n    d = a + y\n", Scale(factors=(2, -1))) == [
        "def f(a, y):\n    d = (a + y) * -1\n", "def f(a, y):\n    d = (a + y) * 2\n"]


@pytest.mark.parametrize("before, after", [
    ("1./m * a", "4./m * a"),  # the course's spelling
    ("1.0 / m * a", "4.0 / m * a"),
    ("1 / m * a", "4 / m * a"),
    ("2 * a", "8 * a"),
])
def test_a_coefficient_keeps_its_own_style(before, after):
    assert f"def f(a, m):\n    d = {after}\n" in mutated(f"def f(a, m):\n    d = {before}\n",
                                                          Scale(factors=(4,)))


def test_only_simple_gradient_assignments_are_scaled():
    source = """\
        def f(X, cache, a):
            m = X.shape[1]
            (Z1, A1) = cache
            grads = {"dA1": a}
            a += 1
            self.x = a * 2
            return a * 2
        """
    assert mutated(source) == []


@pytest.mark.parametrize("mutant_id, line", [
    ("scale-49-dW2-x2", "dW2 = 1./m * np.dot(dZ2, A1.T) * 2"),
    ("scale-55-db1-coef4", "db1 = 4./m * np.sum(dZ1, axis=1, keepdims=True)"),
    ("scale-43-dZ3-xm1", "dZ3 = (A3 - Y) * -1"),
    ("scale-47-dA2-x0.5", "dA2 = np.dot(W3.T, dZ3) * 0.5"),
    ("scale-44-dW3-coef0.5", "dW3 = 0.5/m * np.dot(dZ3, A2.T)"),
])
def test_sites_on_the_course_backward(mutant_id, line):
    assert course_lines()[mutant_id] == line


def test_nothing_scaled_outside_the_gradient_lines_of_the_course_backward():
    lines = {int(i.split("-")[1]) for i in course_lines()}
    assert lines == {43, 44, 45, 47, 48, 49, 50, 52, 53, 54, 55}
