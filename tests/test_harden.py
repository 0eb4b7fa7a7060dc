"""`gradmut harden`: the course's two bugs are caught with their margins, the course case's dead
units are named with a better case recommended, fragile bugs are flagged, variants exported."""
import hashlib
import json

import nbformat
import numpy as np
import pytest

from harness.cli import main
from harness.harden import harden
from harness.harden_cases import dead_units
from harness.targets_resolve import builtin_ref, load_target
from targets.course_cases import make_case
from test_user_targets import course_notebook

COURSE_BUGS = "scale dW2 x2\nscale db1 coef4  # the notebook's shipped pair\n"


@pytest.fixture(scope="module")
def course():
    hardening, _, _ = harden("three-layer", bugs=COURSE_BUGS, jobs=2)
    return hardening


def by_id(hardening):
    return {bug.id: bug for bug in hardening.bugs}


def test_both_course_bugs_are_caught_robustly_with_their_margins(course):
    bugs = by_id(course)
    assert set(bugs) == {"scale-49-dW2-x2", "scale-55-db1-coef4"}
    for bug in bugs.values():
        assert bug.verdict == "robust" and bug.caught == bug.checked == 20 * 3 * 3
        assert bug.smallest_margin > 1e4 and bug.course_margin > bug.smallest_margin
    assert bugs["scale-49-dW2-x2"].blocks == ("dW2",) and bugs["scale-55-db1-coef4"].blocks == ("db1",)
    assert bugs["scale-49-dW2-x2"].lines == (49,) and bugs["scale-55-db1-coef4"].lines == (55,)
    # the margin on the course's case is the run's difference over the threshold 2e-7
    assert bugs["scale-49-dW2-x2"].course_margin * 2e-7 == pytest.approx(0.1734, rel=1e-3)


def test_dead_units_are_the_all_zero_activations():
    case = make_case(1)
    X, parameters = case.inputs["X"], case.parameters
    A1 = np.maximum(0, parameters["W1"] @ X + parameters["b1"])
    A2 = np.maximum(0, parameters["W2"] @ A1 + parameters["b2"])
    expected = [f"layer 1 unit {i + 1}" for i in range(5) if not A1[i].any()]
    expected += [f"layer 2 unit {i + 1}" for i in range(3) if not A2[i].any()]
    assert dead_units(load_target(builtin_ref("three-layer")), (1, 1.0)) == tuple(expected)
    assert expected == ["layer 1 unit 5", "layer 2 unit 1", "layer 2 unit 2"]
    assert dead_units(load_target(builtin_ref("l-layer")), (1, 1.0)) == tuple(expected)
    assert dead_units(load_target(builtin_ref("one-dimensional")), (1, 1.0)) is None


def test_the_course_case_is_named_weak_and_a_better_case_recommended(course):
    assert course.course.dead_units == ("layer 1 unit 5", "layer 2 unit 1", "layer 2 unit 2")
    assert any("dead units (layer 1 unit 5" in text for text in course.weaknesses)
    best = course.recommended
    assert (best.seed, best.scale) != (1, 1.0) and best.dead_units == ()
    assert best.smallest_margin > course.course.smallest_margin and best.quiet
    assert course.cases[0] == best


def test_fragile_bugs_are_flagged():
    bugs = ("swap-operands-49-dW2-np.dot\nreduction-50-db2-nokeepdims\n"
            "drop-term-43-dZ3-no-Y\nscale dW2 x2 + scale db1 coef4\n")
    hardening, _, _ = harden("three-layer", bugs=bugs, cases=12, scales=(1,), jobs=0)
    verdicts = {bug.id: bug.verdict for bug in hardening.bugs}
    assert verdicts == {"swap-operands-49-dW2-np.dot": "crash-only",
                        "reduction-50-db2-nokeepdims": "invisible",
                        "drop-term-43-dZ3-no-Y": "not robust",  # seeds 11, 12: labels all 0
                        "scale-49-dW2-x2__scale-55-db1-coef4": "robust"}
    hidden = by_id(hardening)["drop-term-43-dZ3-no-Y"]
    assert "seed 11" in hidden.reason and hidden.caught == 10 * 3


def test_the_cli_reports_and_exports_variants(tmp_path, capsys):
    (tmp_path / "bugs.txt").write_text(COURSE_BUGS)
    out = tmp_path / "variants"
    assert main(["harden", "--bugs", str(tmp_path / "bugs.txt"), "--cases", "6",
                 "--out", str(out), "--jobs", "0"]) == 0
    screen = capsys.readouterr().out
    assert "robust 2" in screen and "dead units (layer 1 unit 5" in screen
    key = json.loads((out / "answer_key.json").read_text())
    looks = {v["id"]: (v["lines"], v["look_at"]) for v in key["variants"]}
    assert looks == {"scale-49-dW2-x2": ([49], ["dW2"]), "scale-55-db1-coef4": ([55], ["db1"])}
    function = (out / "scale-49-dW2-x2" / "backward_propagation_n.py").read_text()
    assert "dW2 = 1./m * np.dot(dZ2, A1.T) * 2" in function and function.startswith("def ")
    assert "| scale-55-db1-coef4 | line 55 | `1./m -> 4./m` | db1 |" in (
        out / "answer_key.md").read_text()


def test_a_notebook_variant_has_that_cell_replaced(tmp_path):
    path = course_notebook(tmp_path / "course.ipynb")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    out = tmp_path / "variants"
    assert main(["harden", str(path), "--bugs", str(_bugs(tmp_path)), "--cases", "3",
                 "--out", str(out), "--jobs", "0", "--json", str(tmp_path / "h.json")]) == 0
    key = json.loads((out / "answer_key.json").read_text())
    variant = next(v for v in key["variants"] if v["look_at"] == ["dW2"])
    assert variant["where"] == "cell 6, line 12"
    original = nbformat.read(str(path), as_version=4)
    copy = nbformat.read(str(out / variant["id"] / "course.ipynb"), as_version=4)
    changed = [i for i, (a, b) in enumerate(zip(original.cells, copy.cells)) if a.source != b.source]
    assert changed == [5]
    assert copy.cells[5].source.splitlines()[11].strip() == "dW2 = 1./m * np.dot(dZ2, A1.T) * 2"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def _bugs(tmp_path):
    (tmp_path / "bugs.txt").write_text(COURSE_BUGS)
    return tmp_path / "bugs.txt"


def test_a_bad_bug_line_names_the_file_and_line(tmp_path, capsys):
    (tmp_path / "bugs.txt").write_text("scale dW2 x2\nscale dW9 x2\n")
    assert main(["harden", "--bugs", str(tmp_path / "bugs.txt")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bugs.txt:2: no mutant matches 'scale dW9 x2'" in err
