"""Diagnose: the course's two bugs repaired by one pair, one bug by one mutant, a silent transpose;
files and notebooks load as in `run`; the repairs table; the exact oracle decides with no
threshold; pairs left out are counted; where a bug has one fix location and where it has two."""
import hashlib
import importlib
import json

import nbformat
import pytest

import harness
from harness.cli import main
from harness.diagnose import diagnose, load_file_as, load_variant
from harness.diagnose_tables import repairs_table, uniqueness
from harness.errors import UsageError
from harness.mutants import mutation_space
from targets import get_target
from test_user_targets import course_notebook

module = importlib.import_module("harness.diagnose")  # harness.diagnose is the function
CORRECT = get_target("three-layer").source_path.read_text()
BUGGY = get_target("three-layer").variant_path("buggy").read_text()
DW2_X2 = ("dW2 = 1./m * np.dot(dZ2, A1.T)", "dW2 = 1./m * np.dot(dZ2, A1.T) * 2")
DB1_X4 = ("db1 = 1./m * np.sum(dZ1", "db1 = 4./m * np.sum(dZ1")


def write_variant(tmp_path, old, new, name="student.py", text=CORRECT):
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return path


@pytest.fixture(scope="module")
def buggy():
    return diagnose(load_variant("three-layer", "buggy"))


def test_the_shipped_buggy_backward_is_repaired_by_the_pair(buggy):
    assert not buggy.passes
    assert buggy.difference == pytest.approx(0.2850931567761623, rel=1e-9)
    assert set(buggy.blamed) == {"dW2", "db1"}
    best = buggy.repairs[0]
    assert best.mutants == ("drop-term-22-dW2-no-2", "normalization-28-db1-1-m")
    assert best.lines == (22, 28) and best.where == "lines 22, 28"
    assert "-    dW2 = 1./m * np.dot(dZ2, A1.T) * 2" in best.diff
    assert "+    db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True)" in best.diff
    assert best.difference_after < 2e-7 and best.worst_difference_after < 2e-7
    single = mutation_space(get_target("three-layer"), source=BUGGY).first_order()
    assert buggy.tried == len(single) + buggy.tried_pairs and buggy.tried_pairs > 100


def test_one_fix_location_is_said_in_words(buggy):
    # three repairs (drop `* 2`, `0.5/m ... * 2`, `... * 2 * 0.5`), one place to fix
    assert len(buggy.repairs) == 3 and buggy.unique
    assert buggy.locations == ((22, 28),)
    assert uniqueness(buggy) == "3 repairs, all on lines 22 and 28: one fix location"


def test_a_bug_with_two_fix_locations_is_not_unique(tmp_path):
    # doubling dA2 is undone on its own line, or by halving dZ2 on the next one
    path = write_variant(tmp_path, "dA2 = np.dot(W3.T, dZ3)", "dA2 = np.dot(W3.T, dZ3) * 2")
    diagnosis = diagnose(str(path), jobs=0)
    assert not diagnosis.unique and diagnosis.locations == ((47,), (48,))
    assert uniqueness(diagnosis) == ("3 repairs at 2 locations (line 47; line 48): "
                                     "not a unique fix")


def test_pairs_left_out_are_counted_with_their_reason(buggy, monkeypatch):
    assert buggy.skipped == {"two edits of one statement (pruned)": 326}
    monkeypatch.setattr(module, "MAX_PAIRS", 10)
    limited = diagnose(load_variant("three-layer", "buggy"), jobs=0)
    assert limited.tried_pairs == 10 and not limited.repairs
    assert limited.skipped["over the limit of 10 pairs"] > 0
    # every candidate pair is either tried or counted with a reason
    assert 10 + sum(limited.skipped.values()) == buggy.tried_pairs + 326


def test_the_screen_shows_blocks_before_and_after_and_every_diff(capsys):
    assert main(["diagnose", "--variant", "buggy"]) == 0
    screen = capsys.readouterr().out
    assert "3 repairs, all on lines 22 and 28: one fix location" in screen
    assert "pairs not tried (326): 326 two edits of one statement (pruned)" in screen
    assert screen.count("--- a/three_layer_buggy.py") == 3  # every repair's diff
    table = screen[screen.index("Per-block differences"):]
    given = next(line for line in table.splitlines() if line.startswith("as given"))
    after = next(line for line in table.splitlines() if line.startswith("repair 1"))
    assert given.split()[3:5] == ["3.333e-01", "6.000e-01"]  # dW2, db1 as given
    assert float(after.split()[4]) < 1e-6 and float(after.split()[5]) < 1e-6


def test_format_and_the_notebook_reprs(buggy, capsys):
    assert main(["diagnose", "--variant", "buggy", "--format", "github", "--diffs", "1"]) == 0
    screen = capsys.readouterr().out
    assert "| rank" in screen and "|--" in screen
    assert screen.count("--- a/") == 1 and "2 more repair diff(s)" in screen
    markdown = buggy._repr_markdown_()
    assert "### Repairs" in markdown and "```diff" in markdown and "| 1 " in markdown
    assert "<table>" in buggy._repr_html_()
    assert repairs_table(buggy).rows[0][1] == "drop-term-22-dW2-no-2 + normalization-28-db1-1-m"


def test_one_bug_gets_an_order_one_repair(tmp_path):
    path = write_variant(tmp_path, *DW2_X2)
    diagnosis = diagnose(load_file_as(path))
    assert diagnosis.repairs[0].mutants == ("drop-term-49-dW2-no-2",)
    assert all(len(r.mutants) == 1 for r in diagnosis.repairs)
    assert diagnosis.tried_pairs == 0 and diagnosis.skipped == {}


def test_a_silent_transpose_is_found_and_repaired(tmp_path):
    # m = 3 examples and 3 layer-2 units: A2 and A2.T have the same shape, nothing crashes.
    path = write_variant(tmp_path, "dW3 = 1./m * np.dot(dZ3, A2.T)",
                         "dW3 = 1./m * np.dot(dZ3, A2)")
    diagnosis = diagnose(load_file_as(path))
    assert diagnosis.blamed == ("dW3",)
    assert diagnosis.repairs[0].mutants == ("transpose-44-dW3-A2T",)
    assert diagnosis.repairs[0].lines == (44,)


def test_a_notebook_is_read_as_run_reads_it_and_repairs_name_the_cell(tmp_path, capsys):
    path = course_notebook(tmp_path / "course.ipynb")
    notebook = nbformat.read(str(path), as_version=4)
    cell = notebook.cells[5]
    cell.source = cell.source.replace(*DW2_X2).replace(*DB1_X4)
    nbformat.write(notebook, str(path))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["diagnose", str(path), "--json", str(tmp_path / "d.json")]) == 0
    screen = capsys.readouterr().out
    assert "all on cell 6, line 12 and cell 6, line 18: one fix location" in screen
    assert "--- a/course.ipynb cell 6" in screen and "@@ -9,13 +9,13 @@" in screen
    repair = json.loads((tmp_path / "d.json").read_text())["repairs"][0]
    assert repair["cells"] == [[6, 12], [6, 18]]
    assert repair["where"] == "cell 6, line 12; cell 6, line 18"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # never written


def test_a_py_file_has_no_cells_in_its_json(tmp_path, capsys):
    path = write_variant(tmp_path, *DW2_X2)
    assert main(["diagnose", str(path), "--json", "-"]) == 0
    assert "cells" not in json.loads(capsys.readouterr().out)["repairs"][0]


def test_backward_names_the_function_the_adapter_calls_and_mutates(tmp_path, capsys):
    # backward_propagation_n is correct; my_backward (the one named) has the bug
    body = CORRECT[CORRECT.index("def backward_propagation_n"):]
    mine = body.replace("def backward_propagation_n", "def my_backward").replace(*DW2_X2)
    path = tmp_path / "two.py"
    path.write_text(CORRECT + "\n\n" + mine)
    assert main(["diagnose", str(path)]) == 0
    assert "nothing to repair" in capsys.readouterr().out
    diagnosis = diagnose(str(path), backward="my_backward", jobs=0)
    assert diagnosis.function == "my_backward" and not diagnosis.passes
    line = path.read_text().splitlines().index("    dW2 = 1./m * np.dot(dZ2, A1.T) * 2") + 1
    assert diagnosis.repairs[0].lines == (line,)


def test_the_python_api_takes_names_paths_and_variants(tmp_path):
    assert harness.diagnose("three-layer").passes
    assert harness.diagnose("three-layer", variant="buggy", max_order=1, jobs=0).repairs == ()
    assert not harness.diagnose(str(write_variant(tmp_path, *DW2_X2)), jobs=0).passes
    for bad in [dict(target=42), dict(target="nope"), dict(target="three-layer", variant="x"),
                dict(target="three-layer", backward="f"), dict(target="three-layer", cases=0),
                dict(target=str(tmp_path / "student.py"), variant="buggy")]:
        with pytest.raises(UsageError):
            harness.diagnose(**bad)


def test_correct_code_has_nothing_to_repair(capsys):
    assert main(["diagnose"]) == 0
    assert "nothing to repair" in capsys.readouterr().out


def test_json_has_the_documented_keys(capsys):
    assert main(["diagnose", "--variant", "buggy", "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("difference", "per_parameter", "tried", "unique", "locations", "skipped",
                "repairs"):
        assert key in data
    for key in ("mutants", "lines", "diff", "difference_after", "per_parameter_after"):
        assert key in data["repairs"][0]
    assert data["locations"] == [[22, 28]]


def test_bad_inputs(tmp_path, capsys):
    broken = tmp_path / "broken.py"
    broken.write_text("import numpy as np\nraise RuntimeError('boom')\n")
    missing = tmp_path / "missing.py"
    missing.write_text("def forward_propagation_n(X, Y, p):\n    return 0, ()\n")
    badsig = write_variant(tmp_path, "def backward_propagation_n(X, Y, cache)",
                           "def backward_propagation_n(X, cache)", "badsig.py")
    crashes = write_variant(tmp_path, "m = X.shape[1]\n    (Z1", "m = X.shape[7]\n    (Z1",
                            "crashes.py")
    for argv, words in [([str(broken)], "boom"), ([str(missing)], "backward_propagation_n"),
                        ([str(badsig)], "cannot be called as backward_propagation_n(X, Y, "),
                        ([str(crashes)], "does not run on the test cases (IndexError"),
                        (["--variant", "nope"], "no variant"),
                        ([str(badsig), "--variant", "buggy"], "not both"),
                        (["--backward", "f"], "--forward/--backward name functions of a file"),
                        ([str(tmp_path / "absent.py")], "no such file"),
                        (["--diffs", "-1"], "--diffs")]:
        assert main(["diagnose", *argv]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, (argv, err)


@pytest.mark.oracle
def test_the_oracle_decides_with_no_threshold(capsys):
    # at epsilon 1e-10 the finite difference's own error is far above the threshold ...
    assert not diagnose("three-layer", epsilon=1e-10, jobs=0).passes
    # ... the exact oracle does not care: correct code passes, and blames nothing
    exact = diagnose("three-layer", epsilon=1e-10, oracle="autograd", jobs=0)
    assert exact.passes and exact.blamed == () and exact.exact_error < 1e-12
    buggy = diagnose("three-layer", variant="buggy", epsilon=1e-10, oracle="autograd")
    assert buggy.oracle == "autograd" and set(buggy.blamed) == {"dW2", "db1"}
    assert [r.mutants for r in buggy.repairs][0] == ("drop-term-22-dW2-no-2",
                                                     "normalization-28-db1-1-m")
    assert all(r.exact_error < 1e-10 for r in buggy.repairs) and len(buggy.repairs) == 3
    assert all(r.difference_after > 2e-7 for r in buggy.repairs)  # the check alone would not


@pytest.mark.oracle
def test_the_oracle_is_checked_before_the_search(tmp_path, capsys, monkeypatch):
    text = CORRECT.replace("    A1 = relu(Z1)\n", "    A1 = relu(Z1)\n    A1[0, 0] = A1[0, 0]\n")
    path = write_variant(tmp_path, *DW2_X2, text=text)
    searches = []
    original = module._Search.run
    monkeypatch.setattr(module._Search, "run",
                        lambda self, mutants: searches.append(1) or original(self, mutants))
    assert main(["diagnose", str(path), "--oracle", "autograd", "--jobs", "0"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "using the finite-difference reference" in \
        captured.err
    assert len(searches) == 1  # the first-order search, once
    assert "one fix location" in captured.out and "oracle (autograd)" not in captured.out
