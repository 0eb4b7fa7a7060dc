"""`gradmut check`: the figures on screen and in JSON, with the environment recorded."""
import json

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
