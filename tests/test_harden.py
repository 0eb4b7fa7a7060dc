"""`gradmut harden`: the course's two bugs are caught with their margins, the course case's dead
units are named with a better case recommended, fragile bugs are flagged, each bug's answer key
is marked unique or not, a wrong backward as given is said to be wrong, variants exported."""
import hashlib
import json

import nbformat
import numpy as np
import pytest

from harness.check import check
from harness.cli import main
from harness.harden import baseline_warning, harden
from harness.harden_cases import CaseVerdict, dead_units, judge_bug
from harness.records import BASELINE_ID, Measurement, Status
from harness.targets_resolve import builtin_ref, load_target
from targets.course_cases import make_case
from test_user_targets import course_notebook

COURSE_BUGS = "scale dW2 x2\nscale db1 coef4  # the notebook's shipped pair\n"
EPSILONS = (1e-7, 1e-6, 1e-5)


@pytest.fixture(scope="module")
def course():
    hardening, _, _ = harden("three-layer", bugs=COURSE_BUGS + "scale dW2 x2 + scale db1 coef4\n",
                             jobs=2)
    return hardening


def by_id(hardening):
    return {bug.id: bug for bug in hardening.bugs}


def failing_pairs(seeds, epsilons=EPSILONS) -> dict:
    """(seed, epsilon) pairs where the correct backward fails the check, at input scale 1,
    found independently of harden by the plain `check`."""
    return {(seed, e) for seed in seeds for e in epsilons
            if check(seed=seed, epsilon=e).difference > 2e-7}


def test_both_course_bugs_are_caught_robustly_with_their_margins(course):
    bugs = by_id(course)
    assert set(bugs) == {"scale-49-dW2-x2", "scale-55-db1-coef4",
                         "scale-49-dW2-x2__scale-55-db1-coef4"}
    for bug in bugs.values():
        assert bug.verdict == "robust" and bug.caught == bug.checked
        # pairs where the correct backward itself fails the check are left out, not counted
        assert bug.checked + bug.excluded == 20 * 3 * 3 and bug.excluded > 0
        assert bug.smallest_margin > 1e4 and bug.course_margin > bug.smallest_margin
    single = [bug for bug in bugs.values() if "__" not in bug.id]
    assert single[0].blocks == ("dW2",) and single[1].blocks == ("db1",)
    assert single[0].lines == (49,) and single[1].lines == (55,)
    # the margin on the course's case is the run's difference over the threshold 2e-7
    assert bugs["scale-49-dW2-x2"].course_margin * 2e-7 == pytest.approx(0.1734, rel=1e-3)


def test_excluded_pairs_are_the_correct_backwards_own_failures():
    hardening, _, _ = harden("three-layer", bugs="scale dW2 x2\n", cases=20, scales=(1,),
                             jobs=0, repairs=False)
    assert hardening.bugs[0].excluded == len(failing_pairs(range(1, 21)))


def test_each_bug_is_marked_unique_or_not(course):
    bugs = by_id(course)
    assert course.repairs_searched and course.repair_seconds > 0
    assert bugs["scale-49-dW2-x2"].unique_repair and \
        bugs["scale-49-dW2-x2"].repair_locations == ((49,),)
    assert bugs["scale-55-db1-coef4"].repair_locations == ((55,),)
    combined = bugs["scale-49-dW2-x2__scale-55-db1-coef4"]
    assert combined.unique_repair and combined.repair_locations == ((49, 55),)
    assert combined.repairs == 3  # drop `* 2`, `0.5/m`, `* 0.5`: three repairs, one place
    # doubling dA2 is undone on its own line or by halving dZ2 on the next: ambiguous key
    ambiguous, _, _ = harden("three-layer", bugs="scale dA2 x2\n", cases=2, scales=(1,),
                             jobs=0)
    assert ambiguous.bugs[0].unique_repair is False
    assert ambiguous.bugs[0].repair_locations == ((47,), (48,))


def test_every_mutant_mode_does_not_search_repairs_unless_asked():
    hardening, _, _ = harden("three-layer", cases=1, scales=(1,), jobs=0)
    assert not hardening.repairs_searched and hardening.repair_seconds is None
    assert all(bug.repairs is None for bug in hardening.bugs) and len(hardening.bugs) > 100


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
    assert course.trusted and course.warning is None
    assert course.course.dead_units == ("layer 1 unit 5", "layer 2 unit 1", "layer 2 unit 2")
    assert any("dead units (layer 1 unit 5" in text for text in course.weaknesses)
    best = course.recommended
    assert (best.seed, best.scale) != (1, 1.0) and best.dead_units == ()
    assert best.smallest_margin > course.course.smallest_margin and best.quiet
    assert course.cases[0] == best
    assert any(text.startswith("recommended: ") for text in course.weaknesses)


def test_fewer_dead_units_rank_first_then_the_margin():
    def case(seed, dead, margin):
        return CaseVerdict(seed, 1.0, margin, "bug", (), dead, 1e-9, False, 2e-7)

    cases = [case(1, ("a", "b"), 1e6), case(2, ("a",), 10.0), case(3, ("a",), 100.0)]
    assert [c.seed for c in sorted(cases, key=lambda c: c.rank_key)] == [3, 2, 1]


def test_when_the_course_case_is_the_best_it_is_said():
    hardening, _, _ = harden("three-layer", bugs=COURSE_BUGS, cases=1, scales=(1,), jobs=0,
                             repairs=False)
    assert hardening.recommended == hardening.course
    assert "the course's case is already the best of those tried" in hardening.weaknesses


def test_fragile_bugs_are_flagged():
    bugs = ("swap-operands-49-dW2-np.dot\nreduction-50-db2-nokeepdims\n"
            "drop-term-43-dZ3-no-Y\nscale dW2 x2 + scale db1 coef4\n")
    hardening, _, _ = harden("three-layer", bugs=bugs, cases=12, scales=(1,), jobs=0,
                             repairs=False)
    verdicts = {bug.id: bug.verdict for bug in hardening.bugs}
    assert verdicts == {"swap-operands-49-dW2-np.dot": "crash-only",
                        "reduction-50-db2-nokeepdims": "invisible",
                        "drop-term-43-dZ3-no-Y": "not robust",  # seeds 11, 12: labels all 0
                        "scale-49-dW2-x2__scale-55-db1-coef4": "robust"}
    hidden = by_id(hardening)["drop-term-43-dZ3-no-Y"]
    failing = failing_pairs(range(1, 13))
    assert "seed 11" in hidden.reason
    assert hidden.caught == 10 * 3 - sum(1 for seed, _ in failing if seed <= 10)
    invisible = by_id(hardening)["reduction-50-db2-nokeepdims"]
    assert invisible.caught == 0 and invisible.excluded == len(failing)  # not "caught 1/36"


def row(bug, seed, status=Status.OK, difference=0.0, matches=False, epsilon=1e-7):
    return Measurement(bug, seed, "course", epsilon, status, difference=difference,
                       matches_reference=matches, error=None if status is Status.OK else
                       "ValueError: shapes")


def rows_of(bug_rows, baseline=1e-9):
    return {(seed, 1.0): {"bug": [r], BASELINE_ID: [row(BASELINE_ID, seed, difference=baseline)]}
            for seed, r in bug_rows.items()}


class Bug:
    id = "bug"


def test_crash_only_means_every_case_and_a_partial_crasher_is_judged_on_the_rest():
    caught = {1: row("bug", 1, difference=0.3), 2: row("bug", 2, difference=0.2),
              3: row("bug", 3, Status.CRASHED), 4: row("bug", 4, Status.CRASHED)}
    verdict, reason = judge_bug(Bug, rows_of(caught), 2e-7)
    assert verdict == "robust" and "crashes on 2 of 4 cases (ValueError: shapes)" in reason
    crashed = {seed: row("bug", seed, Status.CRASHED) for seed in (1, 2)}
    assert judge_bug(Bug, rows_of(crashed), 2e-7)[0] == "crash-only"
    missed = {1: row("bug", 1, difference=1e-8), 2: row("bug", 2, Status.CRASHED)}
    assert judge_bug(Bug, rows_of(missed), 2e-7)[0] == "missed"
    # where the backward as given fails the check, nothing about the bug can be said
    assert judge_bug(Bug, rows_of({1: row("bug", 1, difference=0.3)}, baseline=0.3),
                     2e-7)[0] == "unjudged"


def test_a_wrong_backward_is_told_from_finite_difference_noise():
    loaded = load_target(builtin_ref("three-layer"))

    def baseline(*differences):
        return {(1, 1.0): {BASELINE_ID: [row(BASELINE_ID, 1, difference=d, epsilon=e)
                                         for d, e in zip(differences, EPSILONS)]}}

    noisy = baseline(2.8e-5, 2.8e-6, 2.8e-7)  # above the threshold, but falling with epsilon
    assert baseline_warning(loaded, noisy, 2e-7, EPSILONS, exact=False) is None
    wrong = baseline(0.285, 0.285, 0.285)
    warning = baseline_warning(loaded, wrong, 2e-7, EPSILONS, exact=False)
    assert "fails the check at every epsilon" in warning and "looks wrong" in warning
    assert baseline_warning(loaded, wrong, 2e-7, EPSILONS[:1], exact=False) is None


def buggy_notebook(path):
    course_notebook(path)
    notebook = nbformat.read(str(path), as_version=4)
    notebook.cells[5].source = notebook.cells[5].source.replace(
        "dW2 = 1./m * np.dot(dZ2, A1.T)", "dW2 = 1./m * np.dot(dZ2, A1.T) * 2").replace(
        "db1 = 1./m * np.sum(dZ1", "db1 = 4./m * np.sum(dZ1")
    nbformat.write(notebook, str(path))
    return path


def test_a_notebook_with_the_shipped_bug_is_not_hardened_as_if_it_were_right(tmp_path, capsys):
    path = buggy_notebook(tmp_path / "course.ipynb")
    (tmp_path / "bugs.txt").write_text("scale dW2 x2\nscale dW3 x2\n")
    out = tmp_path / "variants"
    assert main(["harden", str(path), "--bugs", str(tmp_path / "bugs.txt"), "--cases", "3",
                 "--jobs", "0", "--out", str(out)]) == 0
    screen = capsys.readouterr().out
    assert "WARNING: your backward fails the check at every epsilon" in screen
    assert f"run `gradmut diagnose {path}`" in screen
    assert "the correct backward fails" not in screen and "robust 0" in screen
    key = json.loads((out / "answer_key.json").read_text())
    assert key["trusted"] is False and key["variants"] == [] and key["recommended_case"] is None
    assert {v["verdict"] for v in key["not_exported"]} == {"unjudged"}
    correct, _, _ = harden(str(course_notebook(tmp_path / "right.ipynb")),
                           bugs="scale dW2 x2\n", cases=3, jobs=0, repairs=False)
    assert correct.trusted and correct.bugs[0].verdict == "robust"


def test_the_cli_reports_and_exports_variants(tmp_path, capsys):
    (tmp_path / "bugs.txt").write_text(COURSE_BUGS)
    out = tmp_path / "variants"
    assert main(["harden", "--bugs", str(tmp_path / "bugs.txt"), "--cases", "6",
                 "--out", str(out), "--jobs", "0"]) == 0
    screen = capsys.readouterr().out
    assert "robust 2" in screen and "dead units (layer 1 unit 5" in screen
    assert "answer key" in screen and "unique" in screen
    key = json.loads((out / "answer_key.json").read_text())
    looks = {v["id"]: (v["lines"], v["look_at"], v["unique_repair"]) for v in key["variants"]}
    assert looks == {"scale-49-dW2-x2": ([49], ["dW2"], True),
                     "scale-55-db1-coef4": ([55], ["db1"], True)}
    function = (out / "scale-49-dW2-x2" / "backward_propagation_n.py").read_text()
    assert "dW2 = 1./m * np.dot(dZ2, A1.T) * 2" in function and function.startswith("def ")
    assert "| scale-55-db1-coef4 | line 55 | `1./m -> 4./m` | db1 |" in (
        out / "answer_key.md").read_text()
    assert "| unique (line 55) |" in (out / "answer_key.md").read_text()


def test_exporting_again_removes_the_previous_variants(tmp_path, capsys):
    out = tmp_path / "variants"
    for bugs in (COURSE_BUGS, "scale dW3 x2\n"):
        (tmp_path / "bugs.txt").write_text(bugs)
        assert main(["harden", "--bugs", str(tmp_path / "bugs.txt"), "--cases", "2",
                     "--scales", "1", "--out", str(out), "--jobs", "0", "--no-repairs"]) == 0
    capsys.readouterr()
    key = json.loads((out / "answer_key.json").read_text())
    assert [v["id"] for v in key["variants"]] == ["scale-44-dW3-x2"]
    assert sorted(p.name for p in out.iterdir()) == ["answer_key.json", "answer_key.md",
                                                     "scale-44-dW3-x2"]


def test_a_foreign_directory_is_refused_and_left_alone(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    (tmp_path / "bugs.txt").write_text(COURSE_BUGS)
    assert main(["harden", "--bugs", str(tmp_path / "bugs.txt"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a previous 'gradmut harden --out' directory" in err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_notebook_variant_has_that_cell_replaced(tmp_path):
    path = course_notebook(tmp_path / "course.ipynb")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    out = tmp_path / "variants"
    assert main(["harden", str(path), "--bugs", str(_bugs(tmp_path)), "--cases", "3",
                 "--out", str(out), "--jobs", "0", "--json", str(tmp_path / "h.json")]) == 0
    key = json.loads((out / "answer_key.json").read_text())
    variant = next(v for v in key["variants"] if v["look_at"] == ["dW2"])
    assert variant["where"] == "cell 6, line 12" and variant["repair_where"] == [
        "cell 6, line 12"]
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


@pytest.mark.oracle
def test_the_oracle_judges_invisible_by_the_exact_gradient_and_splits_the_errors(tmp_path):
    bugs = "scale dW2 x2\nreduction-50-db2-nokeepdims\n"
    # seed 1 at input scale 2 saturates the sigmoid: rounding puts even the correct backward
    # 2e-10 off the exact gradient, within EXACT_AGREEMENT (1e-8), so nothing is noted
    hardening, _, _ = harden("three-layer", bugs=bugs, cases=2, jobs=0, oracle="autograd",
                             repairs=False)
    assert hardening.oracle == "autograd" and hardening.trusted
    assert not any("off the exact gradient by up to" in text for text in hardening.weaknesses)
    found = by_id(hardening)
    assert found["reduction-50-db2-nokeepdims"].verdict == "invisible"
    assert "the exact gradient" in found["reduction-50-db2-nokeepdims"].reason
    assert found["reduction-50-db2-nokeepdims"].own_error < 1e-12
    doubled = found["scale-49-dW2-x2"]
    assert doubled.own_error == pytest.approx(0.1734, rel=1e-3)  # the bug's own error
    assert doubled.check_error == pytest.approx(1.189e-7, rel=1e-2)  # the check's own error
    wrong, _, _ = harden(str(buggy_notebook(tmp_path / "nb.ipynb")), bugs="scale dW3 x2\n",
                         cases=2, scales=(1,), jobs=0, oracle="autograd")
    assert not wrong.trusted and "disagrees with the exact gradient" in wrong.warning


@pytest.mark.oracle
def test_a_forward_autograd_cannot_handle_gives_a_notice_and_a_finished_hardening(tmp_path):
    from test_oracle import IN_PLACE

    path = tmp_path / "in_place.py"
    path.write_text(IN_PLACE)
    hardening, _, _ = harden(str(path), bugs="scale dW2 x2\n", cases=1, scales=(1,), jobs=0,
                             oracle="autograd", repairs=False)
    assert hardening.oracle == "" and hardening.bugs[0].verdict == "robust"
    assert len(hardening.notices) == 1 and "in_place.py:" in hardening.notices[0]
    assert hardening.notices[0].endswith("judging equivalence against your backward instead")
