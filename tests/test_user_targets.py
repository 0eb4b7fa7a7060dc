"""User files and notebooks: a course-layout notebook and a `gc_utils` file run end to end, bad
input is one line and exit status 2, and nothing of the user's is written or left in sys.modules."""
import hashlib
import importlib
import pickle
import sys
from pathlib import Path

import nbformat
import pytest

from harness.cli import main
from harness.notebooks import assemble
from harness.targets_resolve import load_target, target_ref
from targets import get_target

run_module = importlib.import_module("harness.run")
COURSE = get_target("three-layer").source_path.read_text()
FORWARD = COURSE[COURSE.index("def forward_propagation_n"):COURSE.index("def backward_propagation_n")]
BACKWARD = COURSE[COURSE.index("def backward_propagation_n"):]
IMPORTS = ("# Packages\nimport numpy as np\nfrom testCases import *\n"
           "from gc_utils import sigmoid, relu, dictionary_to_vector, vector_to_dictionary, "
           "gradients_to_vector\n")
TEST_CALLS = ("X, Y, parameters = gradient_check_n_test_case()\n\n"
              "cost, cache = forward_propagation_n(X, Y, parameters)\n"
              "gradients = backward_propagation_n(X, Y, cache)\nprint(gradients['dW1'])\n")
GC_UTILS_FILE = """import numpy as np
import gc_utils


def forward_propagation_n(X, Y, parameters):
    m = X.shape[1]
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]
    Z1 = np.dot(W1, X) + b1
    A1 = gc_utils.relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = gc_utils.relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = gc_utils.sigmoid(Z3)
    logprobs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
    cost = 1. / m * np.sum(logprobs)
    return cost, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


""" + BACKWARD


def course_notebook(path: Path, cells=None) -> Path:
    """Write a notebook in the course's layout: imports, definitions, test calls later."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells or [
        nbformat.v4.new_markdown_cell("# Gradient Checking"),
        nbformat.v4.new_code_cell(IMPORTS),
        nbformat.v4.new_code_cell("%matplotlib inline\nx, theta = 2, 4\nprint(theta * x)"),
        nbformat.v4.new_code_cell(FORWARD.strip()),
        nbformat.v4.new_markdown_cell("Now, run backward propagation."),
        nbformat.v4.new_code_cell(BACKWARD.strip()),
        nbformat.v4.new_code_cell(TEST_CALLS),
    ]
    nbformat.write(notebook, str(path))
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_notebook_keeps_definitions_and_drops_test_calls(tmp_path):
    assembled = assemble(course_notebook(tmp_path / "course.ipynb"))
    assert "def backward_propagation_n" in assembled.source and "x, theta = 2, 4" in assembled.source
    assert "print(" not in assembled.source.replace("print (", "")
    assert "gradient_check_n_test_case()" not in assembled.source
    assert assembled.dropped == ("cell 3, line 3", "cell 7, line 1", "cell 7, line 3",
                                 "cell 7, line 4", "cell 7, line 5")


def test_a_later_definition_wins(tmp_path):
    cells = [nbformat.v4.new_code_cell(IMPORTS), nbformat.v4.new_code_cell(FORWARD),
             nbformat.v4.new_code_cell("def backward_propagation_n(X, Y, cache):\n    return {}\n"),
             nbformat.v4.new_code_cell(BACKWARD)]
    assembled = assemble(course_notebook(tmp_path / "redefined.ipynb", cells))
    assert assembled.source.count("def backward_propagation_n") == 1
    assert "return {}" not in assembled.source


def test_course_notebook_runs_end_to_end_with_cell_positions(tmp_path):
    path = course_notebook(tmp_path / "course.ipynb")
    before = sha(path)
    results = run_module.run(str(path), operators=["scale"], jobs=0)
    notebook = nbformat.read(str(path), as_version=4)
    assert results.baseline.verdict.difference == pytest.approx(1.189e-7, rel=1e-2)
    for result in results.mutants:
        where = result.mutant.description.rsplit("(", 1)[1].rstrip(")")
        cell, line = (int(part.split()[1]) for part in where.split(", "))
        first_line = result.mutant.original.splitlines()[0]
        assert first_line in notebook.cells[cell - 1].source.splitlines()[line - 1]
    caught = {r.mutant.id.split("-", 2)[2] for r in results.mutants
              if r.outcome.value == "caught"}
    assert {"dW2-x2", "db1-coef4"} <= caught
    assert sha(path) == before
    assert "gc_utils" not in sys.modules and "testCases" not in sys.modules


def test_cli_shows_notebook_lines_as_cell_and_line(tmp_path, capsys):
    path = course_notebook(tmp_path / "course.ipynb")
    assert main(["run", str(path), "--operators", "scale", "--all", "--jobs", "0"]) == 0
    out = capsys.readouterr().out
    assert "target course.ipynb" in out and "cell 6, line 12" in out


def test_gc_utils_file_runs_like_the_built_in_target(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(GC_UTILS_FILE)
    before = sha(path)
    mine = run_module.run(str(path), operators=["scale", "transpose"], jobs=2)
    builtin = run_module.run("three-layer", operators=["scale", "transpose"], jobs=0)
    assert mine.baseline.verdict.difference == builtin.baseline.verdict.difference
    assert mine.summary.counts == builtin.summary.counts and mine.trusted
    assert sha(path) == before
    assert not {"gc_utils", "testCases", "student"} & set(sys.modules)


def test_sibling_imports_work_and_are_forgotten(tmp_path):
    (tmp_path / "my_helpers_for_gradmut.py").write_text(
        "import numpy as np\n\ndef relu(x):\n    return np.maximum(0, x)\n")
    path = tmp_path / "student.py"
    path.write_text(GC_UTILS_FILE.replace("import gc_utils\n", "import gc_utils\n"
                                          "from my_helpers_for_gradmut import relu\n"))
    loaded = load_target(target_ref(str(path)))
    assert loaded.namespace["relu"] is not None
    assert "my_helpers_for_gradmut" not in sys.modules
    assert str(tmp_path) not in sys.path


def test_a_user_ref_is_small_and_resolves_again_in_a_worker(tmp_path):
    path = course_notebook(tmp_path / "course.ipynb")
    ref = target_ref(str(path), backward="backward_propagation_n")
    again = load_target(pickle.loads(pickle.dumps(ref)))
    assert again.source == load_target(ref).source and again.line_map


NOTEBOOK_WITHOUT_BACKWARD = [nbformat.v4.new_code_cell(IMPORTS),
                             nbformat.v4.new_code_cell(FORWARD),
                             nbformat.v4.new_code_cell(TEST_CALLS)]


def bad_inputs(tmp_path):
    course_notebook(tmp_path / "no_backward.ipynb", NOTEBOOK_WITHOUT_BACKWARD)
    (tmp_path / "signature.py").write_text(GC_UTILS_FILE.replace(
        "def backward_propagation_n(X, Y, cache):", "def backward_propagation_n(X, cache):"))
    (tmp_path / "broken.py").write_text("import numpy as np\nimport no_such_module_xyz\n")
    (tmp_path / "cell_error.ipynb").write_text("")
    course_notebook(tmp_path / "syntax.ipynb", [nbformat.v4.new_code_cell("def f(:\n  pass")])
    (tmp_path / "notes.txt").write_text("hello")
    return [
        (["run", "no_backward.ipynb"], "no function 'backward_propagation_n'"),
        (["run", "signature.py"], "backward_propagation_n(X, cache) cannot be called as "
                                  "backward_propagation_n(X, Y, cache)"),
        (["run", "broken.py"], "ModuleNotFoundError: No module named 'no_such_module_xyz'"),
        (["run", "cell_error.ipynb"], "cannot read the notebook"),
        (["run", "syntax.ipynb"], "cell 1, line 1: syntax error"),
        (["run", "notes.txt"], "not a .py file or a notebook"),
        (["run", "missing.py"], "no such file"),
        (["run", "signature.py", "--backward", "nope"], "no function 'nope'"),
        (["run", "signature.py", "--target", "three-layer"], "not both"),
        (["run", "--target", "l-layer", "--forward", "f"], "name functions of a file target"),
        (["harden", "no_backward.ipynb"], "no function 'backward_propagation_n'"),
    ]


def test_bad_user_input_is_one_line_and_status_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for argv, words in bad_inputs(tmp_path):
        status = main(argv)
        captured = capsys.readouterr()
        lines = captured.err.splitlines()
        assert status == 2, argv
        assert len(lines) == 1 and lines[0].startswith("gradmut: error: "), captured.err
        assert words in lines[0], (argv, lines[0])
        assert captured.out == ""
    assert "gc_utils" not in sys.modules and "testCases" not in sys.modules
