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


def test_screen_shows_the_outcome_grid_and_the_seeds_behind_a_rate(capsys):
    assert main(SMALL + ["--checkers", "course"]) == 0
    out = capsys.readouterr().out
    assert "Outcomes at every (epsilon, threshold)" in out
    assert "FALSE ALARM on 1/2 cases" in out  # 1.19e-7 > 1e-7 on the course's case at 1e-7
    assert "a catch there means nothing" in out
    assert "caught 1; equivalent 11" in out  # dZ3 without Y: labels of seed 11 are all 0


def test_json_has_the_outcome_grid_and_seeds_by_outcome(swept):
    _, data = swept
    assert len(data["outcome_grid"]) == 2 * 2  # 2 epsilons x thresholds 1e-7, 2e-7
    cell = next(c for c in data["outcome_grid"] if (c["epsilon"], c["threshold"]) ==
                (1e-7, 1e-7))
    assert cell["false_alarm"] and cell["false_alarm_seeds"] == [1]
    assert sum(cell["counts"].values()) == len(data["mutants"])
    entry = next(m for m in data["mutants"] if m["id"] == "drop-term-43-dZ3-no-Y")
    assert entry["seeds_by_outcome"] == {"caught": [1], "equivalent": [11]}
    assert data["exact"] is None and data["notices"] == []


def test_baseline_csv_names_every_column(tmp_path, capsys):
    import csv

    assert main(SMALL + ["--checkers", "course", "--report", str(tmp_path)]) == 0
    with open(tmp_path / "baseline.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert all(rows[0]) and rows[0][-1] == "best epsilon"
    assert all(len(row) == len(rows[0]) for row in rows)
    assert (tmp_path / "outcome_grid.csv").is_file()
    assert "means nothing" in (tmp_path / "sweep.md").read_text()


def test_taylor_first_says_best_epsilon_is_not_defined(capsys):
    assert main(SMALL + ["--checkers", "taylor,course", "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["best_epsilon"] is None and data["best_epsilon_by_checker"]["course"] == 1e-4
    assert main(SMALL + ["--checkers", "taylor"]) == 0
    out = capsys.readouterr().out
    assert "best epsilon: n/a for taylor" in out and "epsilon none" not in out


def test_a_shard_says_so(capsys):
    assert main(SMALL + ["--checkers", "course", "--shard", "2/3"]) == 0
    err = capsys.readouterr().err
    assert "shard 2/3" in err and "gradmut merge" in err


@pytest.mark.oracle
def test_oracle_adds_the_exact_curve_to_the_json(capsys):
    assert main(SMALL + ["--checkers", "course", "--oracle", "autograd", "--json", "-"]) == 0
    exact = json.loads(capsys.readouterr().out)["exact"]
    assert [p["epsilon"] for p in exact["by_epsilon"]] == [1e-4, 1e-7]
    assert exact["best_epsilon"] == 1e-4
    point = exact["by_epsilon"][1]
    assert point["numeric_error"] == pytest.approx(1.189e-7, rel=1e-2)
    assert point["rounding"] > 1e3 * point["truncation"]


@pytest.mark.parametrize("option, path, words", [
    ("--json", "{tmp}/missing/out.json", "does not exist"),
    ("--json", "{tmp}", "is a directory"),
    ("--report", "{tmp}/a-file/report", "is a file, not a folder"),
])
def test_output_paths_are_checked_before_the_sweep_runs(option, path, words, tmp_path,
                                                         monkeypatch, capsys):
    import harness.sweep

    (tmp_path / "a-file").write_text("")

    def must_not_run(**_):
        raise AssertionError("the sweep ran before the output path was checked")

    monkeypatch.setattr(harness.sweep, "sweep", must_not_run)
    status = main(SMALL + [option, path.format(tmp=tmp_path)])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gradmut: error: ") and words in lines[0]


BAD = [
    (["--epsilons", "1e-3,abc"], "--epsilons"),
    (["--epsilons", "1e-3,0"], "--epsilons"),
    (["--epsilons", ","], "--epsilons"),
    (["--thresholds", "-2e-7"], "--thresholds"),
    (["--checkers", "course,gradcheck"], "unknown checker 'gradcheck'"),
    (["--checkers", ","], "--checkers"),
    (["--seeds", "1", "--cases", "3"], "not both"),
    (["--format", "csv"], "--format"),
    (["--oracle", "jax"], "--oracle"),
    (["--shard", "4/3"], "--shard"),
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
