"""The notebook's shipped buggy backward is exactly a pair of gradmut's mutants, as text."""
from pathlib import Path

import pytest

from mutators import MutationInputError, MutationSpace, combine, parse_bugset

TARGETS = Path(__file__).resolve().parent.parent / "targets"
CORRECT = (TARGETS / "three_layer.py").read_text()
BUGGY = (TARGETS / "three_layer_buggy.py").read_text()
FUNCTION = "backward_propagation_n"
COURSE_BUGS = """\
# the notebook's two planted bugs
scale dW2 x2      # dW2 = 1./m * np.dot(dZ2, A1.T) * 2

scale db1 coef4   # db1 = 4./m * np.sum(...)
"""


def shipped_backward() -> str:
    """The buggy file's backward_propagation_n, from `def` to its last line."""
    return MutationSpace(BUGGY, FUNCTION).sources[FUNCTION].text


def test_the_pair_applied_in_one_pass_is_the_shipped_backward():
    space = MutationSpace(CORRECT, FUNCTION)
    space.first_order()
    mutant = combine(space, ["scale-55-db1-coef4", "scale-49-dW2-x2"])
    assert mutant.functions[0].source == shipped_backward()
    assert mutant.id == "scale-49-dW2-x2__scale-55-db1-coef4"
    assert mutant.parts == ("scale-49-dW2-x2", "scale-55-db1-coef4")
    assert mutant.operator == "scale+scale" and mutant.order == 2


def test_the_bug_set_text_names_the_same_pair():
    mutant = parse_bugset(COURSE_BUGS, CORRECT, FUNCTION)
    assert mutant.functions[0].source == shipped_backward()
    assert mutant.parts == ("scale-49-dW2-x2", "scale-55-db1-coef4")


def test_a_bare_number_is_the_scale_factor_of_the_whole_gradient():
    assert parse_bugset("scale dW2 2\nscale db1 coef4\n", CORRECT, FUNCTION).parts == (
        "scale-49-dW2-x2", "scale-55-db1-coef4")
    assert parse_bugset("scale dZ3 -1", CORRECT, FUNCTION).id == "scale-43-dZ3-xm1"


def test_of_two_definitions_the_last_one_is_mutated():
    """Python binds the last `def`: a draft above the fixed function is dead code."""
    draft = BUGGY[BUGGY.index("def backward_propagation_n"):]
    space = MutationSpace(CORRECT.replace("def backward_propagation_n",
                                          draft + "\n\ndef backward_propagation_n", 1), FUNCTION)
    assert space.sources[FUNCTION].text == MutationSpace(CORRECT, FUNCTION).sources[FUNCTION].text


def test_a_bug_set_may_name_ids_and_a_single_line_is_that_mutant():
    by_ids = parse_bugset("scale-49-dW2-x2\nscale-55-db1-coef4\n", CORRECT, FUNCTION)
    assert by_ids.functions[0].source == shipped_backward()
    single = parse_bugset("scale dW2 x2\n", CORRECT, FUNCTION)
    assert single.id == "scale-49-dW2-x2" and single.parts == () and single.order == 1


@pytest.mark.parametrize("text, where, words", [
    ("scale dW2 x2\nscale dW2 x3\n", "bug set line 2", "did you mean"),
    ("scale dW2 x2\n\nwrong-variable dW2 A1-A2\nbogus\n", "bug set line 4", "no mutant"),
    ("# nothing\n\n", None, "names no bug"),
])
def test_a_bad_bug_set_line_is_named(text, where, words):
    with pytest.raises(MutationInputError) as error:
        parse_bugset(text, CORRECT, FUNCTION)
    assert error.value.where == where
    assert words in f"{error.value.what}; {error.value.fix}"


def test_an_ambiguous_bug_set_line_lists_the_candidates():
    source = "def f(A1, A2):\n    return A1 @ A1\n"
    with pytest.raises(MutationInputError) as error:
        parse_bugset("wrong-variable return A1-A2", source, "f")
    assert "ambiguous" in error.value.what and error.value.where == "bug set line 1"
    assert "wrong-variable-2-return-A1-A2-2" in error.value.what
