"""`gradmut check`: the figures on screen and in JSON, with the environment recorded."""
import json
from pathlib import Path

import pytest

from harness.cli import main


def run_json(argv, capsys):
    assert main(argv + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_buggy_variant_is_caught_with_the_course_figure(capsys):
    report = run_json(["check", "--variant", "buggy"], capsys)
    assert report["difference"] == pytest.approx(0.2850931567761623, rel=1e-9)
    assert report["caught"] is True
    assert set(report["per_parameter"]) == {"dW1", "db1", "dW2", "db2", "dW3", "db3"}
    for key in ("target", "variant", "epsilon", "threshold", "environment"):
        assert key in report
    assert report["environment"]["numpy"]
    assert isinstance(report["environment"]["cpu_baseline"], list)


def test_correct_code_passes_at_2e7_and_false_alarms_at_1e7(capsys):
    assert run_json(["check"], capsys)["caught"] is False
    report = run_json(["check", "--threshold", "1e-7"], capsys)
    assert report["caught"] is True
    assert report["difference"] == pytest.approx(1.189e-7, rel=1e-2)


def test_one_dimensional(capsys):
    report = run_json(["check", "--target", "one-dimensional"], capsys)
    assert report["difference"] == pytest.approx(2.919335883291695e-10, rel=1e-9)
    assert set(report["per_parameter"]) == {"dtheta"}


def test_screen_output_names_the_verdict_and_the_blocks(capsys):
    assert main(["check", "--variant", "buggy"]) == 0
    out = capsys.readouterr().out
    assert "CAUGHT" in out and "dW2" in out and "numpy" in out


def test_blame_goes_to_the_blocks_that_carry_the_error(capsys):
    """db3's own ratio is over the threshold from rounding alone; its share of the error is not."""
    report = run_json(["check", "--variant", "buggy"], capsys)
    assert report["per_parameter"]["db3"] > report["threshold"]
    assert report["blamed"] == ["db1", "dW2"]
    assert sum(report["shares"].values()) == pytest.approx(1.0)
    assert report["shares"]["db3"] < 1e-9
    assert run_json(["check"], capsys)["blamed"] == []  # passes: nothing to blame


def test_a_file_is_checked_like_the_built_in_target(capsys):
    buggy = "targets/three_layer_buggy.py"
    report = run_json(["check", buggy], capsys)
    assert report["difference"] == pytest.approx(0.2850931567761623, rel=1e-9)
    assert report["file"] == buggy


def test_the_users_own_gc_utils_wins_and_module_prints_stay_off_stdout(tmp_path, capsys):
    """A course download has gc_utils.py beside the notebook: that copy is the user's code."""
    source = Path("targets/three_layer.py").read_text()
    (tmp_path / "student.py").write_text(
        source.replace("from targets.course_helpers import", "from gc_utils import")
        + "\nprint('top-level print')\n")
    helpers = Path("targets/course_helpers.py").read_text()
    (tmp_path / "gc_utils.py").write_text(helpers.replace(
        "def relu(x):", "def relu(x):\n    print('own relu')", 1))
    assert main(["check", str(tmp_path / "student.py"), "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)  # stdout is pure JSON despite the prints
    assert report["difference"] == pytest.approx(1.189e-7, rel=1e-2)
    assert "own relu" in captured.err and "top-level print" in captured.err
