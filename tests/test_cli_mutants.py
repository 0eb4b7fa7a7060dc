"""`gradmut mutants` and `gradmut show`, and their bad inputs."""
import json

import pytest

from harness.cli import main
from harness.errors import UsageError
from harness.mutants import mutants_for
from targets import get_target


def test_listing_as_json_has_the_record_fields(capsys):
    assert main(["mutants", "--json", "--operators", "scale,reduction"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["operator"] for r in records} == {"scale", "reduction"}
    assert {"id", "line", "column", "original", "mutated", "description"} <= set(records[0])
    assert "source" not in records[0]


def test_listing_as_a_table_says_how_long_generation_took(capsys):
    assert main(["mutants"]) == 0
    out = capsys.readouterr().out
    assert "scale-49-dW2-x2" in out and "mutants generated in" in out


def test_show_prints_a_unified_diff(capsys):
    assert main(["show", "scale-55-db1-coef4"]) == 0
    out = capsys.readouterr().out
    assert "-    db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True)" in out
    assert "+    db1 = 4./m * np.sum(dZ1, axis=1, keepdims=True)" in out


@pytest.mark.parametrize("argv, words", [
    (["mutants", "--operators", "scal"], "did you mean scale"),
    (["mutants", "--function", "backward_propagation"], "no function"),
    (["show", "scale-49-dW2-x3"], "did you mean"),
])
def test_bad_input_is_one_line_and_status_2(argv, words, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gradmut: error: ") and words in err


def test_syntax_error_names_the_file_and_line(tmp_path):
    target = get_target("three-layer")
    with pytest.raises(UsageError) as error:
        mutants_for(target, source="def backward_propagation_n(X, Y, cache):\n    x = (\n")
    assert "three_layer.py:2:" in error.value.line()
