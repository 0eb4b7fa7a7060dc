"""`gradmut mutants` and `gradmut show`, and their bad inputs (one stderr line, status 2)."""
import json

import pytest

from harness.cli import main
from harness.errors import UsageError
from harness.mutants import mutants_for
from targets import get_target


def test_listing_as_a_table_ends_with_the_count_and_the_time(capsys):
    assert main(["mutants", "--operators", "reduction"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["id", "operator", "line", "original", "->", "mutated",
                              "description"]
    assert any(line.startswith("reduction-55-db1-nokeepdims ") for line in out)
    assert out[-1].startswith("9 mutants generated in ") and out[-1].endswith(" ms")


def test_listing_as_json_has_the_record_fields_but_not_the_texts(capsys):
    assert main(["mutants", "--json", "--operators", "scale,reduction"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["operator"] for r in records} == {"scale", "reduction"}
    first = next(r for r in records if r["id"] == "scale-49-dW2-x2")
    assert first == {"id": "scale-49-dW2-x2", "operator": "scale",
                     "function": "backward_propagation_n", "line": 49, "column": 11,
                     "end_line": 49, "end_column": 35, "original": "1./m * np.dot(dZ2, A1.T)",
                     "mutated": "1./m * np.dot(dZ2, A1.T) * 2", "description": "dW2: scale by 2",
                     "parts": []}


def test_show_prints_a_unified_diff(capsys):
    assert main(["show", "reduction-55-db1-nokeepdims"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("reduction-55-db1-nokeepdims: db1: drop keepdims in np.sum\n")
    assert "--- a/three_layer.py\n+++ b/three_layer.py (reduction-55-db1-nokeepdims)\n" in out
    assert "-    db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True)\n" in out
    assert "+    db1 = 1./m * np.sum(dZ1, axis=1)\n" in out


def test_show_accepts_a_pair_of_ids(capsys):
    assert main(["show", "scale-49-dW2-x2__scale-55-db1-coef4"]) == 0
    out = capsys.readouterr().out
    assert "+    dW2 = 1./m * np.dot(dZ2, A1.T) * 2\n" in out
    assert "+    db1 = 4./m * np.sum(dZ1, axis=1, keepdims=True)\n" in out


BAD = [
    (["mutants", "--operators", "scal"],
     "--operators: unknown operator 'scal'; did you mean scale?"),
    (["mutants", "--function", "backward_propagation"], "no function 'backward_propagation'"),
    (["show", "scale-49-dW2-x3"], "show: no mutant 'scale-49-dW2-x3'"),
    (["show", "scale-49-dW2-x2__nothing"], "did you mean"),
    (["mutants", "--operators", ","], "--operators: needs at least one name"),
]


@pytest.mark.parametrize("argv, words", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_and_status_2(argv, words, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith("gradmut: error: ")
    assert words in captured.err and captured.out == ""


def test_a_syntax_error_in_a_file_names_file_line_and_offset(tmp_path, capsys):
    path = tmp_path / "student.py"
    path.write_text("import numpy as np\n\ndef f(x:\n    return x\n")
    assert main(["mutants", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gradmut: error: {path}:3:") and "syntax error" in err
    assert err.count("\n") == 1


def test_a_missing_function_lists_the_ones_the_file_has(tmp_path, capsys):
    path = tmp_path / "student.py"
    path.write_text("def forward_propagation_n(X, Y, parameters):\n    return 0, ()\n\n\n"
                    "def backwards(X, Y, cache):\n    return {}\n")
    assert main(["mutants", str(path)]) == 2
    err = capsys.readouterr().err
    assert "no function 'backward_propagation_n'" in err and "backwards" in err
    assert err.count("\n") == 1


def test_a_file_lists_its_mutants_and_scale_takes_the_users_factors(capsys):
    assert main(["mutants", "targets/three_layer_buggy.py", "--operators", "scale",
                 "--factors", "1.001", "--json"]) == 0
    mutants = json.loads(capsys.readouterr().out)
    tags = {m["id"].rsplit("-", 1)[1] for m in mutants}
    assert tags == {"x1.001", "coef1.001"}
    assert main(["show", "scale-49-dW2-x1.001", "--factors", "1.001"]) == 0
    assert "np.dot(dZ2, A1.T) * 1.001\n" in capsys.readouterr().out


@pytest.mark.parametrize("argv, words", [
    (["mutants", "--factors", "1"], "other than 1"),
    (["mutants", "--factors", "two"], "needs a number, got 'two'; pass e.g. --factors 2,0.5"),
    (["mutants", "--operators", "sign", "--factors", "2"], "scale is not chosen"),
    (["mutants", "targets/three_layer.py", "--target", "l-layer"], "not both"),
])
def test_bad_factors_and_targets_are_one_line(argv, words, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_the_library_door_raises_usage_errors_for_source_text():
    target = get_target("three-layer")
    with pytest.raises(UsageError) as error:
        mutants_for(target, source="def backward_propagation_n(X, Y, cache):\n    x = (\n")
    assert "three_layer.py:2:" in error.value.line()
    with pytest.raises(UsageError, match="did you mean scale"):
        mutants_for(target, operators="scal")
