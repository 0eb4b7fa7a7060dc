"""Golden before/after text per operator, on snippets and on the course's backward."""
import textwrap
from pathlib import Path

import pytest

from mutators import CATALOG, generate_mutants
from mutators.scale import Scale

COURSE = (Path(__file__).resolve().parent.parent / "targets" / "three_layer.py").read_text()


def changes(source, operator, function="f"):
    return sorted(m.functions[0].source for m in generate_mutants(
        textwrap.dedent(source), function, [operator]))


def course_line(mutant_id):
    mutant = next(m for m in generate_mutants(COURSE, "backward_propagation_n")
                  if m.id == mutant_id)
    return mutant.source.splitlines()[mutant.line - 1].strip()


@pytest.mark.parametrize("mutant_id, line", [
    ("scale-49-dW2-x2", "dW2 = 1./m * np.dot(dZ2, A1.T) * 2"),
    ("scale-55-db1-coef4", "db1 = 4./m * np.sum(dZ1, axis=1, keepdims=True)"),
    ("scale-43-dZ3-xm1", "dZ3 = (A3 - Y) * -1"),
    ("drop-term-48-dZ2-no-np.int64-A2-0", "dZ2 = dA2"),
    ("drop-term-43-dZ3-no-Y", "dZ3 = A3"),
    ("transpose-44-dW3-A2-noT", "dW3 = 1./m * np.dot(dZ3, A2)"),
    ("transpose-47-dA2-W3-noT", "dA2 = np.dot(W3, dZ3)"),
    ("swap-operands-47-dA2-np.dot", "dA2 = np.dot(dZ3, W3.T)"),
    ("swap-operands-43-dZ3-minus", "dZ3 = Y - A3"),
    ("sign-44-dW3-neg", "dW3 = -(1./m * np.dot(dZ3, A2.T))"),
    ("activation-derivative-48-dZ2-ge", "dZ2 = np.multiply(dA2, np.int64(A2 >= 0))"),
    ("activation-derivative-48-dZ2-Z2", "dZ2 = np.multiply(dA2, np.int64(Z2 > 0))"),
    ("reduction-55-db1-nokeepdims", "db1 = 1./m * np.sum(dZ1, axis=1)"),
    ("reduction-55-db1-axis0", "db1 = 1./m * np.sum(dZ1, axis=0, keepdims=True)"),
    ("wrong-variable-49-dW2-A1-A2", "dW2 = 1./m * np.dot(dZ2, A2.T)"),
    ("normalization-54-dW1-m-1", "dW1 = 1./(m - 1) * np.dot(dZ1, X.T)"),
    ("normalization-54-dW1-no-m", "dW1 = 1. * np.dot(dZ1, X.T)"),
])
def test_golden_sites_on_the_course_backward(mutant_id, line):
    assert course_line(mutant_id) == line


def test_scale_factors_are_options_and_parenthesize_sums():
    assert changes("def f(a, y):\n    d = a + y\n", Scale(factors=(1.001,))) == [
        "def f(a, y):\n    d = (a + y) * 1.001\n"]


def test_existing_parentheses_stay_where_they_are():
    assert "def f(a, y):\n    d = (a) * 2\n" in changes(
        "def f(a, y):\n    d = (a - y) * 2\n", CATALOG["drop-term"])


def test_reduction_keeps_the_call_tidy_when_dropping_the_last_argument():
    assert changes("def f(d):\n    b = np.sum(d, keepdims=True)\n", CATALOG["reduction"]) == [
        "def f(d):\n    b = np.sum(d)\n"]


def test_wrong_variable_needs_the_twin_to_exist():
    assert changes("def f(A1, d):\n    x = np.dot(d, A1)\n", CATALOG["wrong-variable"]) == []


def test_nothing_outside_assignments_of_the_function():
    source = "def f(a):\n    return a - 1\n"
    assert changes(source, CATALOG["scale"]) == []
