"""Golden text for `activation-derivative`: the mask's comparison, or Z for A."""
from pathlib import Path
from textwrap import dedent

from mutators import CATALOG, generate_mutants

COURSE = (Path(__file__).resolve().parent.parent / "targets" / "three_layer.py").read_text()
OPERATOR = CATALOG["activation-derivative"]


def mutated(source, function="f"):
    return sorted(m.functions[0].source
                  for m in generate_mutants(dedent(source), function, [OPERATOR]))


def course_lines():
    return {m.id: m.source.splitlines()[m.line - 1].strip()
            for m in generate_mutants(COURSE, "backward_propagation_n", [OPERATOR])}


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
