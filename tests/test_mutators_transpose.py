"""Golden text for `transpose`: `.T` removed from, or added to, a matrix-product operand."""
from golden_operators import course_lines_for, mutated_by
from mutators import CATALOG

OPERATOR = CATALOG["transpose"]

mutated = mutated_by(OPERATOR)
course_lines = course_lines_for(OPERATOR)


def test_np_dot_operands():
    assert mutated("def f(d, a):\n    dW = np.dot(d, a.T)\n") == [
        "def f(d, a):\n    dW = np.dot(d, a)\n", "def f(d, a):\n    dW = np.dot(d.T, a.T)\n"]


def test_matmul_call_and_operator():
    assert mutated("def f(w, d):\n    x = np.matmul(w, d)\n    return w.T @ d\n") == [
        "def f(w, d):\n    x = np.matmul(w, d)\n    return w @ d\n",
        "def f(w, d):\n    x = np.matmul(w, d)\n    return w.T @ d.T\n",
        "def f(w, d):\n    x = np.matmul(w, d.T)\n    return w.T @ d\n",
        "def f(w, d):\n    x = np.matmul(w.T, d)\n    return w.T @ d\n"]


def test_a_parenthesized_operand_loses_only_its_T():
    assert "def f(a, b):\n    return np.dot((a + b), b.T)\n" in mutated(
        "def f(a, b):\n    return np.dot((a + b).T, b.T)\n")


def test_nothing_outside_matrix_products():
    assert mutated("""\
        def f(a, b):
            c = a.T + b
            d = np.dot(a[0], b())
            return np.sum(a.T)
        """) == []


def test_sites_on_the_course_backward():
    lines = course_lines()
    assert lines["transpose-44-dW3-A2-noT"] == "dW3 = 1./m * np.dot(dZ3, A2)"
    assert lines["transpose-47-dA2-W3-noT"] == "dA2 = np.dot(W3, dZ3)"
    assert lines["transpose-47-dA2-dZ3T"] == "dA2 = np.dot(W3.T, dZ3.T)"
    assert len(lines) == 10  # two operands in each of the five products
