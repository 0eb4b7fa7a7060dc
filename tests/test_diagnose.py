"""Diagnose: the course's two bugs repaired by one pair, one bug by one mutant, a silent transpose."""
import json

import pytest

from harness.cli import main
from harness.diagnose import diagnose, load_file_as, load_variant
from targets import get_target

CORRECT = get_target("three-layer").source_path.read_text()


def write_variant(tmp_path, old, new, name="student.py"):
    assert old in CORRECT
    path = tmp_path / name
    path.write_text(CORRECT.replace(old, new))
    return path


def test_the_shipped_buggy_backward_is_repaired_by_the_pair(capsys):
    diagnosis = diagnose(load_variant("three-layer", "buggy"))
    assert not diagnosis.passes
    assert diagnosis.difference == pytest.approx(0.2850931567761623, rel=1e-9)
    assert set(diagnosis.blamed) == {"dW2", "db1"}
    best = diagnosis.repairs[0]
    assert best.mutants == ("drop-term-22-dW2-no-2", "normalization-28-db1-1-m")
    assert best.lines == (22, 28)
    assert "-    dW2 = 1./m * np.dot(dZ2, A1.T) * 2" in best.diff
    assert "+    db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True)" in best.diff
    assert best.difference_after < 2e-7 and diagnosis.unique and diagnosis.tried > 100


def test_one_bug_gets_an_order_one_repair(tmp_path):
    path = write_variant(tmp_path, "dW2 = 1./m * np.dot(dZ2, A1.T)",
                         "dW2 = 1./m * np.dot(dZ2, A1.T) * 2")
    diagnosis = diagnose(load_file_as("three-layer", path))
    assert diagnosis.repairs[0].mutants == ("drop-term-49-dW2-no-2",)
    assert all(len(r.mutants) == 1 for r in diagnosis.repairs)


def test_a_silent_transpose_is_found_and_repaired(tmp_path):
    # m = 3 examples and 3 layer-2 units: A2 and A2.T have the same shape, nothing crashes.
    path = write_variant(tmp_path, "dW3 = 1./m * np.dot(dZ3, A2.T)",
                         "dW3 = 1./m * np.dot(dZ3, A2)")
    diagnosis = diagnose(load_file_as("three-layer", path))
    assert diagnosis.blamed == ("dW3",)
    assert diagnosis.repairs[0].mutants == ("transpose-44-dW3-A2T",)
    assert diagnosis.repairs[0].lines == (44,)


def test_correct_code_has_nothing_to_repair(capsys):
    assert main(["diagnose"]) == 0
    assert "nothing to repair" in capsys.readouterr().out


def test_json_has_the_documented_keys(capsys):
    assert main(["diagnose", "--variant", "buggy", "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("difference", "per_parameter", "tried", "unique", "repairs"):
        assert key in data
    for key in ("mutants", "lines", "diff", "difference_after", "per_parameter_after"):
        assert key in data["repairs"][0]


def test_bad_inputs(tmp_path, capsys):
    broken = tmp_path / "broken.py"
    broken.write_text("import numpy as np\nraise RuntimeError('boom')\n")
    missing = tmp_path / "missing.py"
    missing.write_text("def forward_propagation_n(X, Y, p):\n    return 0, ()\n")
    for argv, words in [([str(broken)], "boom"), ([str(missing)], "backward_propagation_n"),
                        (["--variant", "nope"], "no variant"),
                        ([str(tmp_path / "absent.py")], "cannot read")]:
        assert main(["diagnose", *argv]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err
