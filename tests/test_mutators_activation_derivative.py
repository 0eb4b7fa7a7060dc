"""Golden text for `activation-derivative`: the mask's comparison, or Z for A."""
from golden_operators import course_lines_for, mutated_by
from mutators import CATALOG

OPERATOR = CATALOG["activation-derivative"]

mutated = mutated_by(OPERATOR)
course_lines = course_lines_for(OPERATOR)


def test_the_comparison_and_the_other_side_of_the_unit():
    assert mutated("def f(d, A2, Z2):\n    return d * (A2 > 0)\n") == [
        "def f(d, A2, Z2):\n    return d * (A2 < 0)\n",
        "def f(d, A2, Z2):\n    return d * (A2 >= 0)\n",
        "def f(d, A2, Z2):\n    return d * (Z2 > 0)\n"]


def test_Z_becomes_A_only_if_the_function_has_it():
    assert mutated("def f(d, Z1):\n    dZ = d * (Z1<=0)\n") == [
        "def f(d, Z1):\n    dZ = d * (Z1<0)\n", "def f(d, Z1):\n    dZ = d * (Z1>=0)\n"]
    assert "def f(d, Z1, A1):\n    dZ = d * (A1 <= 0)\n" in mutated(
        "def f(d, Z1, A1):\n    dZ = d * (Z1 <= 0)\n")


def test_nothing_without_an_ordering_comparison():
    assert mutated("def f(d, a):\n    dZ = d * (a == 0) + (0 < a < 1)\n    return d is a\n") == []


def test_sites_on_the_course_backward():
    lines = course_lines()
    assert lines["activation-derivative-48-dZ2-ge"] == "dZ2 = np.multiply(dA2, np.int64(A2 >= 0))"
    assert lines["activation-derivative-48-dZ2-lt"] == "dZ2 = np.multiply(dA2, np.int64(A2 < 0))"
    assert lines["activation-derivative-48-dZ2-Z2"] == "dZ2 = np.multiply(dA2, np.int64(Z2 > 0))"
    assert lines["activation-derivative-53-dZ1-Z1"] == "dZ1 = np.multiply(dA1, np.int64(Z1 > 0))"
    assert len(lines) == 6
