"""The notebook's shipped buggy backward is exactly a pair of gradmut's mutants, as text."""
from pathlib import Path

from mutators import MutationSpace, combine, higher_order, parse_bugset

TARGETS = Path(__file__).resolve().parent.parent / "targets"
CORRECT = (TARGETS / "three_layer.py").read_text()
BUGGY = (TARGETS / "three_layer_buggy.py").read_text()
COURSE_BUGS = "scale dW2 x2   # the notebook's dW2 * 2\nscale db1 coef4\n"


def function_text(source):
    return source[source.index("def backward_propagation_n"):]


def space():
    mutation_space = MutationSpace(CORRECT, "backward_propagation_n")
    return mutation_space, mutation_space.first_order(
        __import__("mutators").select_operators(None))


def test_the_pair_applied_in_one_pass_is_the_shipped_backward():
    mutation_space, first_order = space()
    mutant = combine(mutation_space, ["scale-49-dW2-x2", "scale-55-db1-coef4"])
    assert mutant.functions[0].source == function_text(BUGGY)
    assert mutant.parts == ("scale-49-dW2-x2", "scale-55-db1-coef4")
    assert mutant.operator == "scale+scale"


def test_the_bug_set_text_names_the_same_pair():
    mutation_space, first_order = space()
    mutant = parse_bugset(COURSE_BUGS, mutation_space, first_order)
    assert mutant.functions[0].source == function_text(BUGGY)


def test_overlapping_mutants_are_refused():
    import pytest

    from mutators import MutationInputError
    mutation_space, _ = space()
    with pytest.raises(MutationInputError, match="overlapping"):
        combine(mutation_space, ["scale-49-dW2-x2", "scale-49-dW2-coef4"])


def test_order_two_skips_overlaps_and_applies_both_changes():
    mutation_space, first_order = space()
    reductions = [m for m in first_order if m.operator == "reduction"]
    pairs = higher_order(mutation_space, reductions, order=2)
    assert pairs and all(len(p.parts) == 2 for p in pairs)
    for pair in pairs:
        lines = {pair.source.splitlines()[mutation_space.sites[i].where.start.line - 1]
                 for i in pair.parts}
        for part in pair.parts:
            snippet = next(m.mutated for m in first_order if m.id == part)
            assert any(snippet in line for line in lines)
