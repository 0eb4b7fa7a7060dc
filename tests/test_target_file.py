"""Target files: the README's worked example (a CS231n affine layer) runs as shown, a
Nielsen-style `backprop` returning lists works too, and a wrong declaration is one clear line."""
import importlib
import re
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import UsageError
from harness.targets_resolve import load_target, target_ref

run_module = importlib.import_module("harness.run")
ROOT = Path(__file__).resolve().parent.parent
AFFINE = ROOT / "tests" / "data" / "affine_layer_target.py"
NIELSEN = ROOT / "tests" / "data" / "nielsen_backprop_target.py"


def readme_example() -> str:
    """The python block that follows the README's marker for the worked example."""
    readme = (ROOT / "README.md").read_text()
    found = re.search(r"<!-- worked example: tests/data/affine_layer_target.py -->\s*"
                      r"```python\n(.*?)```", readme, re.S)
    assert found, "the README lost its worked example"
    return found.group(1)


def test_the_readme_shows_the_tested_file():
    assert readme_example() == AFFINE.read_text()


def test_the_affine_layer_runs_end_to_end():
    results = run_module.run(str(AFFINE), jobs=0)
    assert results.target == "affine_layer_target.py" and results.trusted
    assert results.baseline.verdict.difference < 1e-8
    outcomes = {r.mutant.id: r.outcome.value for r in results.mutants}
    assert {r.mutant.function for r in results.mutants} == {"affine_backward"}
    assert outcomes["scale-14-dw-x2"] == "caught"
    assert outcomes["transpose-13-dx-w-noT"] == "crashed"  # distinct sizes make shapes clash
    assert outcomes["reduction-15-db-axis1"] == "invalid"
    assert results.summary.counts["missed"] == 0
    blamed = {r.mutant.id: r.verdict.blamed for r in results.mutants}
    assert blamed["scale-15-db-x2"] == "db"


def test_the_cli_runs_the_worked_example(capsys):
    assert main(["run", str(AFFINE), "--jobs", "0"]) == 0
    out = capsys.readouterr().out
    assert "target affine_layer_target.py, function affine_backward" in out


def test_a_nielsen_style_backprop_returning_lists():
    results = run_module.run(str(NIELSEN), jobs=0)
    assert results.target == "nielsen-backprop" and results.trusted
    assert results.summary.counts["caught"] > 20 and results.summary.counts["missed"] == 0


def test_loading_a_target_file_leaves_sys_modules_alone():
    before = set(sys.modules)
    loaded = load_target(target_ref(str(AFFINE)))
    assert loaded.target.layout == (("x", (2, 4)), ("w", (4, 3)), ("b", (3,)))
    assert set(sys.modules) - before <= {"harness.target_files"}


DECLARATION = AFFINE.read_text().split("GRADMUT_TARGET = {")[0]


@pytest.mark.parametrize("declaration, words", [
    ('GRADMUT_TARGET = {"function": "affine_backward", "loss": loss}', "missing keys"),
    ('GRADMUT_TARGET = {"function": "affine_backward", "make_case": make_case, "loss": loss, '
     '"gradients": gradients, "colour": 1}', "unknown keys colour"),
    ('GRADMUT_TARGET = {"function": "affine_bwd", "make_case": make_case, "loss": loss, '
     '"gradients": gradients}', "'affine_bwd', which the file does not define"),
    ('def other(n, c, p):\n    return {"x": 0 * p["x"], "w": 0 * p["w"], "b": 0 * p["b"]}\n'
     'GRADMUT_TARGET = {"function": "affine_backward", "make_case": make_case, "loss": loss, '
     '"gradients": other}', "gradients never reaches affine_backward"),
    ('GRADMUT_TARGET = {"function": "affine_backward", "make_case": make_case, "loss": loss, '
     '"gradients": gradients, "layout": [("w", (3, 4))]}', "'layout' says w has shape (3, 4)"),
    ('def bad_loss(n, c, p):\n    return float("nan")\n'
     'GRADMUT_TARGET = {"function": "affine_backward", "make_case": make_case, '
     '"loss": bad_loss, "gradients": gradients}', "not a finite number"),
])
def test_a_wrong_declaration_is_one_usage_error(tmp_path, declaration, words, capsys):
    path = tmp_path / "layer.py"
    path.write_text(DECLARATION + declaration + "\n")
    with pytest.raises(UsageError, match=re.escape(words)):
        load_target(target_ref(str(path)))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "GRADMUT_TARGET" in err


def test_forward_and_backward_options_do_not_apply_to_a_target_file(capsys):
    assert main(["run", str(AFFINE), "--backward", "affine_backward"]) == 2
    assert "declares its own functions" in capsys.readouterr().err
