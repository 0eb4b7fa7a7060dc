"""Golden text for `normalization`: the average over m dropped, doubled or made m - 1."""
from golden_operators import COURSE, mutated_by
from mutators import CATALOG, generate_mutants

OPERATOR = CATALOG["normalization"]

mutated = mutated_by(OPERATOR)


def test_each_literal_keeps_its_style():
    assert mutated("def f(a, n):\n    return 1 / n * a\n") == [
        "def f(a, n):\n    return 1 * a\n", "def f(a, n):\n    return 1 / (n - 1) * a\n",
        "def f(a, n):\n    return 2 / n * a\n"]
    assert "def f(a, n):\n    return 2.0/n * a\n" in mutated("def f(a, n):\n    return 1.0/n * a\n")


def test_a_coefficient_other_than_one_is_offered_the_plain_average():
    assert "def f(a, m):\n    db = 1./m * a\n" in mutated("def f(a, m):\n    db = 4./m * a\n")


def test_nothing_but_a_number_over_a_name():
    assert mutated("def f(a, m):\n    dW = a / 2 + m / a + 1 / m.n + 1 / (m + 1)\n") == []


def test_sites_on_the_course_backward():
    everything = generate_mutants(COURSE, "backward_propagation_n")
    lines = {m.id: m.source.splitlines()[m.line - 1].strip() for m in everything}
    assert lines["normalization-54-dW1-m-1"] == "dW1 = 1./(m - 1) * np.dot(dZ1, X.T)"
    assert lines["normalization-54-dW1-no-m"] == "dW1 = 1. * np.dot(dZ1, X.T)"
    # 2./m is also scale's coefficient x2, which comes first in the catalog and keeps it
    assert lines["scale-54-dW1-coef2"] == "dW1 = 2./m * np.dot(dZ1, X.T)"
    assert "normalization-54-dW1-2-m" not in lines
    alone = {m.id for m in generate_mutants(COURSE, "backward_propagation_n", [OPERATOR])}
    assert "normalization-54-dW1-2-m" in alone and len(alone) == 18
