"""Every operator documents itself, and every documented example holds (cosmic-ray style)."""
import pytest

from mutators import CATALOG, generate_mutants

OPERATORS = list(CATALOG.values())


def test_catalog_order_and_names_match_module_and_class():
    assert list(CATALOG) == ["scale", "drop-term", "transpose", "swap-operands", "sign",
                             "activation-derivative", "reduction", "wrong-variable",
                             "normalization"]
    for name, operator in CATALOG.items():
        module = type(operator).__module__.rsplit(".", 1)[-1]
        assert module == name.replace("-", "_")
        assert type(operator).__name__ == "".join(p.capitalize() for p in name.split("-"))


@pytest.mark.parametrize("operator", OPERATORS, ids=lambda op: op.name)
def test_operator_has_a_summary_and_examples_including_a_no_op(operator):
    assert operator.summary and "\n" not in operator.summary
    assert operator.examples
    assert any(example.after == () for example in operator.examples)


@pytest.mark.parametrize("operator, example",
                         [(op, ex) for op in OPERATORS for ex in op.examples],
                         ids=lambda value: getattr(value, "name", ""))
def test_every_example_holds(operator, example):
    mutants = generate_mutants(example.before, example.function, [operator])
    assert sorted(m.functions[0].source for m in mutants) == sorted(example.after)
