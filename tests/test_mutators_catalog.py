"""Every operator documents itself, and every documented example holds (cosmic-ray style)."""
import dataclasses

import pytest

from mutators import CATALOG, MutationInputError, generate_mutants, select_operators

OPERATORS = list(CATALOG.values())


def test_catalog_order_and_names_match_module_and_class():
    assert list(CATALOG) == ["scale", "drop-term", "transpose", "swap-operands", "sign",
                             "activation-derivative", "reduction", "wrong-variable",
                             "normalization"]
    for name, operator in CATALOG.items():
        assert operator.name == name
        assert type(operator).__module__ == "mutators." + name.replace("-", "_")
        assert type(operator).__name__ == "".join(p.capitalize() for p in name.split("-"))


@pytest.mark.parametrize("operator", OPERATORS, ids=lambda op: op.name)
def test_operator_is_a_frozen_dataclass_with_a_summary_and_examples(operator):
    assert dataclasses.is_dataclass(operator)
    assert type(operator).__dataclass_params__.frozen
    assert operator.summary and "\n" not in operator.summary
    assert len(operator.examples) >= 1
    assert any(example.after == () for example in operator.examples), "a do-nothing example"
    assert any(example.after for example in operator.examples), "an example that mutates"


@pytest.mark.parametrize("operator, example",
                         [(op, ex) for op in OPERATORS for ex in op.examples],
                         ids=lambda value: getattr(value, "name", ""))
def test_every_example_holds_exactly(operator, example):
    mutants = generate_mutants(example.before, example.function, [operator])
    assert sorted(m.functions[0].source for m in mutants) == sorted(example.after)
    assert len(set(example.after)) == len(example.after)


def test_select_operators_keeps_catalog_order_and_explains_unknown_names():
    assert select_operators(None) == OPERATORS == select_operators("all")
    assert [op.name for op in select_operators("sign, scale")] == ["scale", "sign"]
    assert [op.name for op in select_operators(["reduction"])] == ["reduction"]
    with pytest.raises(MutationInputError) as error:
        select_operators("scale,transpos")
    assert "transpos" in error.value.what
    assert "did you mean transpose" in error.value.fix and "normalization" in error.value.fix
