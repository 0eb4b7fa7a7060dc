"""Golden text for `drop-term`: a factor of a product, a term of a sum, the subtracted term."""
from golden_operators import course_lines_for, mutated_by
from mutators import CATALOG

OPERATOR = CATALOG["drop-term"]

mutated = mutated_by(OPERATOR)
course_lines = course_lines_for(OPERATOR)


def test_either_factor_of_a_product():
    assert mutated("def f(X, m):\n    dW = 1./m * X\n") == [
        "def f(X, m):\n    dW = 1./m\n", "def f(X, m):\n    dW = X\n"]


def test_the_mask_of_np_multiply():
    assert "def f(dA2, A2):\n    dZ2 = dA2\n" in mutated(
        "def f(dA2, A2):\n    dZ2 = np.multiply(dA2, A2 > 0)\n")


def test_a_difference_loses_only_its_subtracted_term():
    assert mutated("def f(A3, Y):\n    dZ3 = A3 - Y\n") == ["def f(A3, Y):\n    dZ3 = A3\n"]


def test_either_term_of_a_sum_anywhere_in_the_function():
    assert mutated("def f(a, b):\n    return a + b\n") == [
        "def f(a, b):\n    return a\n", "def f(a, b):\n    return b\n"]


def test_the_surviving_operand_keeps_the_parentheses():
    assert "def f(a, y):\n    d = (a) * 2\n" in mutated("def f(a, y):\n    d = (a - y) * 2\n")


def test_nothing_to_drop():
    assert mutated("""\
        def f(a, m):
            dZ = 1. / m
            db = np.sum(a, axis=1)
            return np.dot(a, -m)
        """) == []


def test_a_divisor_is_dropped_but_a_coefficient_is_left_to_normalization():
    assert mutated("def f(dA, D, keep_prob):\n    dA = dA * D / keep_prob\n") == sorted([
        "def f(dA, D, keep_prob):\n    dA = dA * D\n",
        "def f(dA, D, keep_prob):\n    dA = D / keep_prob\n",
        "def f(dA, D, keep_prob):\n    dA = dA / keep_prob\n"])


def test_sites_on_the_course_backward():
    lines = course_lines()
    assert lines["drop-term-43-dZ3-no-Y"] == "dZ3 = A3"
    assert lines["drop-term-48-dZ2-no-np.int64-A2-0"] == "dZ2 = dA2"
    assert lines["drop-term-44-dW3-no-1.-m"] == "dW3 = np.dot(dZ3, A2.T)"
    assert "drop-term-40-m-no-X" not in lines and len(lines) == 17
