"""Higher-order mutants: several changes applied in one pass, never at overlapping places."""
from pathlib import Path

import libcst as cst
import libcst.matchers as m
import pytest

from mutators import (MutationInputError, MutationSpace, combinations, generate_mutants,
                      higher_order, select_operators)
from mutators.apply import replace_nodes

COURSE = (Path(__file__).resolve().parent.parent / "targets" / "three_layer.py").read_text()
FUNCTION = "backward_propagation_n"


@pytest.fixture(scope="module")
def reductions():
    return generate_mutants(COURSE, FUNCTION, select_operators("reduction"))


def changed_lines(source):
    original = COURSE.splitlines()
    return {n + 1: line for n, line in enumerate(source.splitlines()) if line != original[n]}


def test_order_two_applies_both_changes_in_one_pass(reductions):
    pairs = higher_order(COURSE, FUNCTION, reductions, order=2)
    # three sums with three changes each: pairs only across different sums
    assert len(pairs) == 3 * 3 * 3
    by_id = {mutant.id: mutant for mutant in reductions}
    for pair in pairs:
        first, second = (by_id[part] for part in pair.parts)
        assert changed_lines(pair.source) == {**changed_lines(first.source),
                                              **changed_lines(second.source)}
        assert pair.id == "__".join(pair.parts) and pair.operator == "reduction+reduction"
        assert (pair.line, pair.column) == (first.line, first.column)
        compile(pair.source, "pair.py", "exec")


def test_overlapping_changes_are_refused_and_skipped():
    space = MutationSpace(COURSE, FUNCTION)
    first = space.first_order(select_operators("scale"))
    with pytest.raises(MutationInputError, match="overlapping") as error:
        space.combine(["scale-49-dW2-x2", "scale-49-dW2-coef4"])  # 1./m lies inside the RHS
    assert "scale-49-dW2-x2" in error.value.what
    same_line = [mutant for mutant in first if mutant.line == 49]
    assert combinations(space, same_line) == []


def test_order_three_and_functions_across_the_file():
    source = ("def f(a, m):\n    d = 1./m * a\n    return 1./m * d\n\n\n"
              "def g(A1, A2):\n    return A1 - A2\n")
    first = generate_mutants(source, ["f", "g"], select_operators("normalization,swap-operands"))
    assert len(first) == 3 + 3 + 1
    pairs = higher_order(source, ["f", "g"], first)
    assert len(pairs) == 3 * 3 + 3 + 3
    assert any({f.name for f in p.functions} == {"f", "g"} for p in pairs)
    triples = higher_order(source, ["f", "g"], first, order=3)
    assert len(triples) == 9 and all(len(t.parts) == 3 and len(t.functions) == 2 for t in triples)
    assert triples[0].source.count("(m - 1)") + triples[0].source.count("2./m") + \
        triples[0].source.count("1. *") == 2 and "return A2 - A1" in triples[0].source


def test_source_level_combination_needs_the_operators_that_made_the_parts():
    from mutators.scale import Scale

    custom = generate_mutants(COURSE, FUNCTION, [Scale(factors=(3,))])
    with pytest.raises(MutationInputError, match="no first-order mutant"):
        higher_order(COURSE, FUNCTION, custom[:2])
    assert higher_order(COURSE, FUNCTION, custom[:3], operators=[Scale(factors=(3,))])
    with pytest.raises(MutationInputError, match="not higher order"):
        higher_order(COURSE, FUNCTION, custom, order=1)


def test_a_second_pass_cannot_find_the_first_trees_nodes():
    # the pitfall one pass avoids: after a pass every node is new
    tree = cst.parse_module("x = a - b\ny = c - d\n")
    first, second = m.findall(tree, m.BinaryOperation())
    once = replace_nodes(tree, {first: cst.Name("a")})
    with pytest.raises(ValueError, match="not in the tree"):
        replace_nodes(once, {second: cst.Name("c")})
    both = replace_nodes(tree, {first: cst.Name("a"), second: cst.Name("c")})
    assert both.code == "x = a\ny = c\n"
    with pytest.raises(ValueError):
        replace_nodes(tree, {first: cst.Name("a"), first.left: cst.Name("z")})
