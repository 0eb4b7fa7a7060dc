"""Golden text for `sign`: a gradient negated, or a difference reversed."""
import pytest

from golden_operators import COURSE, mutated_by
from mutators import CATALOG, generate_mutants

OPERATOR = CATALOG["sign"]

mutated = mutated_by(OPERATOR)


@pytest.mark.parametrize("value, negated", [
    ("a", "-a"),
    ("np.dot(w, a)", "-np.dot(w, a)"),
    ("1./m * a", "-(1./m * a)"),
    ("-a", "-(-a)"),
    ("(a * 2)", "-(a * 2)"),
])
def test_negation_parenthesizes_only_where_needed(value, negated):
    assert mutated(f"def f(a, w, m):\n    d = {value}\n") == [
        f"def f(a, w, m):\n    d = {negated}\n"]


def test_a_difference_is_negated_and_reversed():
    assert mutated("def f(a, y):\n    dZ = a - y\n") == [
        "def f(a, y):\n    dZ = -(a - y)\n", "def f(a, y):\n    dZ = y - a\n"]


def test_nothing_but_gradient_assignments():
    assert mutated("""\
        def f(x, cache):
            m = x.shape[1]
            (a, b) = cache
            g = {"a": a - b}
            return x - m
        """) == []


def test_on_the_course_backward_a_reversed_difference_belongs_to_swap_operands():
    own = {m.id for m in generate_mutants(COURSE, "backward_propagation_n", [OPERATOR])}
    assert "sign-43-dZ3-flip" in own and "sign-44-dW3-neg" in own
    everything = {m.id for m in generate_mutants(COURSE, "backward_propagation_n")}
    assert "swap-operands-43-dZ3-minus" in everything and "sign-43-dZ3-flip" not in everything
    mutant = next(m for m in generate_mutants(COURSE, "backward_propagation_n", [OPERATOR])
                  if m.id == "sign-44-dW3-neg")
    assert mutant.source.splitlines()[43].strip() == "dW3 = -(1./m * np.dot(dZ3, A2.T))"
