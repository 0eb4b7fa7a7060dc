"""Bad input never shows a traceback: one stderr line, 'gradmut: error: ...', exit status 2."""
import subprocess
import sys

import pytest

from harness.cli import main

BAD_INPUTS = [
    (["check", "--target", "three-layers"], "unknown target"),
    (["check", "--variant", "fixed"], "no variant"),
    (["check", "--epsilon", "0"], "--epsilon"),
    (["check", "--epsilon", "-1e-7"], "--epsilon"),
    (["check", "--epsilon", "nan"], "--epsilon"),
    (["check", "--threshold", "abc"], "--threshold"),
    (["check", "--threshold", "0"], "--threshold"),
    (["check", "--no-such-option"], "unrecognized"),
    (["check", "--seed", "-1"], "--seed"),
    (["check", "--seed", str(2**32)], "--seed"),
    (["check", "--epsilon", "1e308"], "not finite"),
    (["check", "--checker", "nope"], "unrecognized"),
    (["check", "no_such_file.py"], "no such file"),
    (["check", "tests/data/affine_layer_target.py", "--variant", "buggy"], "--variant"),
    (["no-such-command"], "invalid choice"),
]


@pytest.mark.parametrize("argv, words", BAD_INPUTS)
def test_bad_input_gives_one_line_and_status_2(argv, words, capsys):
    status = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert status == 2
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("gradmut: error: ") and words in lines[0]
    assert captured.out == ""


def test_unknown_target_suggests_the_close_name(capsys):
    main(["check", "--target", "one-dim"])
    assert "did you mean one-dimensional" in capsys.readouterr().err


def test_console_entry_point_in_a_subprocess():
    done = subprocess.run([sys.executable, "-m", "harness", "check", "--epsilon", "x"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
