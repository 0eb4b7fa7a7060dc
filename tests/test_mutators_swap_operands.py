"""Golden text for `swap-operands`: np.dot/np.matmul/@ arguments and a subtraction's sides."""
from golden_operators import course_lines_for, mutated_by
from mutators import CATALOG

OPERATOR = CATALOG["swap-operands"]

mutated = mutated_by(OPERATOR)
course_lines = course_lines_for(OPERATOR)


def test_products_swap_their_arguments_and_keep_their_spacing():
    assert mutated("def f(w, d):\n    a = np.dot(w.T,d)\n    return np.matmul(w, d)\n") == [
        "def f(w, d):\n    a = np.dot(d,w.T)\n    return np.matmul(w, d)\n",
        "def f(w, d):\n    a = np.dot(w.T,d)\n    return np.matmul(d, w)\n"]


def test_a_nested_difference_gets_parentheses_where_it_needs_them():
    assert mutated("def f(a, b, c):\n    return a @ b - c\n") == [
        "def f(a, b, c):\n    return b @ a - c\n",
        "def f(a, b, c):\n    return c - (a @ b)\n"]
    assert "def f(a, b, c):\n    return c - (a - b)\n" in mutated(
        "def f(a, b, c):\n    return a - b - c\n")


def test_nothing_to_swap():
    assert mutated("""\
        def f(a, y):
            dZ = a + y
            e = np.dot(a, b=y)
            return np.dot(a, y, out)
        """) == []


def test_sites_on_the_course_backward():
    lines = course_lines()
    assert lines["swap-operands-47-dA2-np.dot"] == "dA2 = np.dot(dZ3, W3.T)"
    assert lines["swap-operands-43-dZ3-minus"] == "dZ3 = Y - A3"
    assert lines["swap-operands-49-dW2-np.dot"] == "dW2 = 1./m * np.dot(A1.T, dZ2)"
    assert len(lines) == 6
