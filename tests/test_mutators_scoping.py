"""Mutants change only the named function; every mutant compiles; ids are unique and safe."""
import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import libcst as cst
import libcst.matchers as m
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutators import MutationInputError, MutationSpace, Operator, Replacement, generate_mutants
from mutators.apply import replace_nodes

COURSE_PATH = Path(__file__).resolve().parent.parent / "targets" / "three_layer.py"
COURSE = COURSE_PATH.read_text()
FUNCTION = "backward_propagation_n"
SAFE_ID = re.compile(r"[A-Za-z0-9._-]+")


def outside(source, name):
    """Return the text before and after top-level function `name`, found by `ast`."""
    node = next(n for n in ast.parse(source).body if getattr(n, "name", None) == name)
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    lines = source.splitlines(True)
    return "".join(lines[:first - 1]), "".join(lines[node.end_lineno:]), first


def assert_scoped(source, name, mutants):
    """Every law of a first-order mutant set of one function of `source`."""
    before, after, first = outside(source, name)
    ids = [m.id for m in mutants]
    assert len(set(ids)) == len(ids) and all(SAFE_ID.fullmatch(i) for i in ids)
    texts = {m.functions[0].source for m in mutants}
    assert len(texts) == len(mutants)
    for mutant in mutants:
        (function,) = mutant.functions
        assert (function.name, function.first_line) == (name, first)
        assert mutant.source == before + function.source + after, mutant.id
        assert function.source != source[len(before):len(source) - len(after)]
        compile(mutant.source, "mutant.py", "exec")
        assert 1 <= first <= mutant.line <= mutant.end_line and mutant.column >= 1


@pytest.fixture(scope="module")
def space():
    return MutationSpace(COURSE, FUNCTION, str(COURSE_PATH))


@pytest.fixture(scope="module")
def mutants(space):
    return space.first_order()


def test_every_default_mutant_changes_only_the_backward(mutants):
    assert len(mutants) > 150
    assert_scoped(COURSE, FUNCTION, mutants)


def test_positions_are_one_based_and_point_at_the_original_snippet(mutants):
    lines = COURSE.splitlines()
    for mutant in mutants:
        assert mutant.line == mutant.end_line  # every course statement is one line
        snippet = lines[mutant.line - 1][mutant.column - 1:mutant.end_column - 1]
        assert snippet == mutant.original, mutant.id


def test_the_function_text_keeps_its_line_numbers_when_executed_alone(mutants):
    for mutant in mutants[::10]:
        function = mutant.functions[0]
        tree = ast.parse("\n" * (function.first_line - 1) + function.source)
        changed = [n for n in ast.walk(tree) if getattr(n, "lineno", None) == mutant.line]
        assert changed and tree.body[0].lineno == 38


DECORATED = '''\
import numpy as np


# the function below is decorated and has a block
@staticmethod

@cache(1)
def backward(X, A1, A2, W2, m):  # a comment
    if m > 1:
        dW2 = 1./m * np.dot(A2, A1.T)
    return W2 - A1


def other(A1, A2):
    return A1 - A2
'''


@pytest.mark.parametrize("source, name", [(COURSE, FUNCTION), (DECORATED, "backward")],
                         ids=["course", "decorated"])
def test_re_rendering_one_statement_equals_rendering_the_whole_function(source, name):
    space = MutationSpace(source, name)
    function = space.functions[name]
    for mutant in space.first_order():
        replacement = space.sites[mutant.id].replacement
        whole = replace_nodes(function, {replacement.node: replacement.new_node})
        assert space.function_text(whole) == mutant.functions[0].source, mutant.id


def test_a_decorated_function_with_a_block_is_scoped_from_its_first_decorator():
    mutants = generate_mutants(DECORATED, "backward")
    assert_scoped(DECORATED, "backward", mutants)
    assert {m.functions[0].first_line for m in mutants} == {5}
    assert all(m.functions[0].source.startswith("@staticmethod\n\n@cache(1)\ndef")
               for m in mutants)


def test_a_missing_function_names_the_file_and_the_functions_it_has():
    with pytest.raises(MutationInputError) as missing:
        MutationSpace(COURSE, "backward_propagation", "three_layer.py")
    assert missing.value.where == "three_layer.py"
    assert "did you mean backward_propagation_n" in missing.value.fix
    assert "forward_propagation_n" in missing.value.fix


def test_a_syntax_error_is_reported_at_pythons_own_line_and_offset():
    with pytest.raises(MutationInputError) as broken:
        MutationSpace("def f(a):\n    x = (a +\n", "f", "broken.py")
    assert broken.value.what.startswith("syntax error: ")
    assert broken.value.where == "broken.py:2:9"


layer = st.integers(min_value=1, max_value=3)
coefficient = st.sampled_from(["1.", "1", "1.0", "2.", "0.5"])
divide = st.sampled_from(["/", " / "])
LINES = st.one_of(
    st.builds("dZ{0} = A{0} - Y".format, layer),
    st.builds(lambda k, c, d: f"dW{k} = {c}{d}m * np.dot(dZ{k}, {f'A{k - 1}' if k > 1 else 'X'}.T)",
              layer, coefficient, divide),
    st.builds(lambda k, c, a: f"db{k} = {c}/m * np.sum(dZ{k}, axis={a}, keepdims=True)",
              layer, coefficient, st.sampled_from(["0", "1"])),
    st.builds("dA{0} = np.dot(W{1}.T, dZ{1})".format, layer, layer),
    st.builds("dZ{0} = np.multiply(dA{0}, np.int64(A{0} > 0))".format, layer),
    st.builds("dZ{0} = dA{0} * (Z{0} <= 0)".format, layer),
    st.builds("(Z{0}, A{0}, W{0}) = cache".format, layer),
    st.just("m = X.shape[1]"),
    st.just("if m > 1:\n        dW1 = (dW1 - 1) @ W1 * 2"),
    st.builds("x = W{0} @ A{0} - (b{0} - 1)  # note".format, layer),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=8))
def test_every_mutant_of_any_backward_like_function_compiles_and_stays_inside(lines):
    body = "".join(f"    {line}\n" for line in lines)
    source = (f"import numpy as np\n\n\ndef helper(x):\n    return x - 1\n\n\n"
              f"def backward(X, Y, cache):\n{body}    return dW1\n\n\n"
              f"def after(A1, A2):\n    return A1 - A2\n")
    assert_scoped(source, "backward", generate_mutants(source, "backward"))


@dataclass(frozen=True)
class Careless(Operator):
    """A test operator with a bug: it writes a keyword where a name goes, or a new node."""

    outside_the_tree: bool = False
    name: ClassVar[str] = "careless"
    summary: ClassVar[str] = "a broken operator"
    examples: ClassVar[tuple] = ()

    def replacements(self, function):
        for name in m.findall(function.body, m.Name("a")):
            node = cst.Name("a") if self.outside_the_tree else name
            yield Replacement(node, cst.Name("return"), "kw", "a keyword")


def test_an_operator_bug_raises_instead_of_dropping_the_mutant():
    with pytest.raises(RuntimeError, match="does not compile"):
        generate_mutants("def f(a):\n    d = a\n", "f", [Careless()])
    with pytest.raises(RuntimeError, match="not in f"):
        generate_mutants("def f(a):\n    d = a\n", "f", [Careless(outside_the_tree=True)])
