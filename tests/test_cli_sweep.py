"""`gradmut sweep` end to end: the JSON's documented keys, the screen, the report folder, and
bad input as one stderr line with exit status 2."""
import json

import pytest

from harness.cli import main

SMALL = ["sweep", "--operators", "drop-term,sign", "--seeds", "1,11", "--epsilons",
         "1e-4,1e-7", "--jobs", "1"]


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep")
    path = folder / "sweep.json"
    return main(SMALL + ["--json", str(path)]), json.loads(path.read_text())


def test_json_has_the_documented_keys(swept):
    status, data = swept
    assert status == 0
    assert [point["epsilon"] for point in data["baseline"]] == [1e-4, 1e-7]
    assert all(set(point) == {"epsilon", "difference"} for point in data["baseline"])
    assert data["best_epsilon"] == 1e-4
    for mutant in data["mutants"]:
        assert {"id", "operator", "detection_rate", "by_epsilon"} <= set(mutant)
        assert all({"epsilon", "difference"} <= set(point) for point in mutant["by_epsilon"])
    assert set(data["smallest_detectable"]) == {"dW1", "db1", "dW2", "db2", "dW3", "db3"}
    assert set(data["checkers"]) == {"course", "cs231n", "allclose", "directional", "taylor"}
    for figures in data["checkers"].values():
        assert figures["forward_passes"] > 0 and isinstance(figures["caught"], list)
    assert [case["seed"] for case in data["dead_units"]] == [1, 11]
    assert data["dead_units"][0]["layers"][1] == {"layer": 2, "units": 3, "dead": [0, 1]}


def test_screen_shows_every_section(capsys):
    assert main(SMALL + ["--checkers", "course,taylor"]) == 0
    out = capsys.readouterr().out
    for title in ("Baseline", "best epsilon", "Detection over 2 cases", "differs from the random",
                  "Smallest detectable", "Checkers side by side", "Kill matrix",
                  "Dead ReLU units"):
        assert title in out
    assert "drop-term-43-dZ3-no-Y" in out  # caught on the course's case, equivalent on seed 11


def test_report_writes_markdown_and_csv(tmp_path, capsys):
    assert main(SMALL + ["--checkers", "course", "--report", str(tmp_path)]) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert {"sweep.md", "sweep.json", "baseline.csv", "kill_matrix.csv", "dead_units.csv",
            "smallest_detectable.csv", "by_epsilon.csv"} <= names
    assert "wrote" in capsys.readouterr().err


@pytest.mark.plot
def test_report_draws_the_three_plots(tmp_path):
    assert main(SMALL + ["--checkers", "course,directional", "--report", str(tmp_path)]) == 0
    for name in ("u_curve.png", "detection.png", "kill_matrix.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")


BAD = [
    (["--epsilons", "1e-3,abc"], "--epsilons"),
    (["--epsilons", "1e-3,0"], "--epsilons"),
    (["--epsilons", ","], "--epsilons"),
    (["--thresholds", "-2e-7"], "--thresholds"),
    (["--checkers", "course,gradcheck"], "unknown checker 'gradcheck'"),
    (["--checkers", ","], "--checkers"),
    (["--seeds", "1", "--cases", "3"], "not both"),
    (["--format", "csv"], "--format"),
]


@pytest.mark.parametrize("extra, words", BAD)
def test_bad_input_is_one_line_and_status_2(extra, words, capsys):
    status = main(["sweep", "--operators", "sign", "--cases", "1"] + extra if "--cases" not in
                  extra else ["sweep", "--operators", "sign"] + extra)
    captured = capsys.readouterr()
    assert status == 2
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gradmut: error: ") and words in lines[0]
    assert captured.out == ""
