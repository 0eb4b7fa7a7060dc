"""Golden text for `wrong-variable`: a layer-indexed name read as its neighbour."""
from textwrap import dedent

from golden_operators import COURSE, course_lines_for, mutated_by
from mutators import CATALOG, generate_mutants
from mutators.wrong_variable import twins

OPERATOR = CATALOG["wrong-variable"]

mutated = mutated_by(OPERATOR)
course_lines = course_lines_for(OPERATOR)


def test_twins_one_layer_down_and_up_with_X_as_layer_zero():
    assert twins("A2") == ["A1", "A3"]
    assert twins("dW10") == ["dW9", "dW11"]
    assert twins("A1") == ["A0", "X", "A2"]
    assert twins("X") == ["A1"]
    assert twins("m") == [] and twins("np") == []


def test_a_read_name_becomes_a_twin_that_exists():
    assert mutated("def f(dZ2, A1, A2):\n    dW2 = np.dot(dZ2, A1.T)\n") == [
        "def f(dZ2, A1, A2):\n    dW2 = np.dot(dZ2, A2.T)\n"]


def test_assigned_unpacked_and_looped_names_are_twins_but_not_sites():
    source = """\
        def f(cache):
            (A1, A2) = cache
            for W1 in A1:
                W2 = W1
            return A2
        """
    assert mutated(source) == sorted([
        dedent(source).replace("return A2", "return A1"),
        dedent(source).replace("in A1", "in A2"),
        dedent(source).replace("W2 = W1", "W2 = W2")])


def test_attributes_keywords_and_missing_twins_are_left_alone():
    assert mutated("def f(W1, x, axis1):\n    W3 = x.W2 + np.sum(x, axis2=W1)\n") == []


def test_sites_on_the_course_backward():
    lines = course_lines()
    assert lines["wrong-variable-49-dW2-A1-A2"] == "dW2 = 1./m * np.dot(dZ2, A2.T)"
    assert lines["wrong-variable-54-dW1-X-A1"] == "dW1 = 1./m * np.dot(dZ1, A1.T)"
    assert lines["wrong-variable-49-dW2-A1-X"] == "dW2 = 1./m * np.dot(dZ2, X.T)"
    assert lines["wrong-variable-47-dA2-W3-W2"] == "dA2 = np.dot(W2.T, dZ3)"
    assert lines["wrong-variable-57-gradients-dZ3-dZ2"].startswith('gradients = {"dZ3": dZ2,')
    assert not any(i.startswith("wrong-variable-41-") for i in lines)  # the unpacking


def test_no_twin_is_read_before_it_exists():
    """A twin computed later in the function would only raise UnboundLocalError."""
    from targets import get_target

    target = get_target("three-layer")
    case = target.make_case(1)
    mutants = generate_mutants(COURSE, "backward_propagation_n", [OPERATOR])
    assert mutants
    for mutant in mutants:
        namespace = {"__name__": "course"}
        exec(compile(mutant.source, "mutant", "exec"), namespace)
        try:
            target.gradients(namespace, case, case.parameters)
        except (UnboundLocalError, NameError) as error:
            raise AssertionError(f"{mutant.id}: {error}") from None
        except ValueError:  # a shape clash is a real crash of a real bug
            pass
