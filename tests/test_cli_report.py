"""`gradmut report` and `gradmut run --report`: bad input is one line and status 2, and a
report from a session equals the report from the JSON of the same run."""
import copy
import csv
import io
import json
import sqlite3

import pytest

from harness.cli import main
from harness.plots import matplotlib_available
from harness.report import TABLES
from harness.report_files import FILES


def one_error_line(capsys, argv, words):
    status = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert status == 2
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("gradmut: error: ") and words in lines[0], lines[0]
    assert captured.out == ""


@pytest.fixture(scope="module")
def run_files(tmp_path_factory):
    """One real run, kept as a session, a results JSON and a --report directory."""
    folder = tmp_path_factory.mktemp("run")
    session, results, reports = folder / "run.db", folder / "run.json", folder / "reports"
    assert main(["run", "--session", str(session), "--json", str(results),
                 "--report", str(reports)]) == 0
    return session, results, reports


def write(path, content):
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return str(path)


BAD_JSON = {
    "empty.json": "",
    "broken.json": "{not json",
    "list.json": "[]",
    "empty-object.json": "{}",
    "config-text.json": '{"config": "threshold", "target": "x"}',
}


@pytest.mark.parametrize("name", sorted(BAD_JSON))
def test_corrupt_json_gives_one_line(name, tmp_path, capsys):
    path = write(tmp_path / name, BAD_JSON[name])
    one_error_line(capsys, ["report", path], "not a gradmut results JSON")


def whole(data):
    return data


def first_mutant(data):
    return data["mutants"][0]


def set_in(getter, key, value):
    """Return a change to a results JSON: set `key` of the object `getter` finds to `value`."""
    def change(data):
        getter(data)[key] = value
    return change


def first_case(data):
    return first_mutant(data)["cases"][0]


def first_function(data):
    return first_mutant(data)["functions"][0]


# (change to a good results JSON, extra options, words the one error line must hold)
CORRUPT = {
    "environment-null": (set_in(whole, "environment", None), ["--format", "github"],
                         "environment must be an object, got null"),
    "no-cases": (set_in(first_mutant, "cases", []), [], ".cases must be a non-empty list"),
    "negative-difference": (set_in(first_case, "difference", -0.5), [],
                            "cases[0].difference must be a number >= 0 or null, got -0.5"),
    "source-number": (set_in(whole, "source", 5), ["--format", "stryker"],
                      "source must be a string, got 5"),
    "target-empty": (set_in(whole, "target", ""), [], "target must be a non-empty string"),
    "no-target": (lambda data: data.pop("target"), [], "has no field 'target'"),
    "newer-format": (set_in(whole, "format_version", 2), [], "reads version 1"),
    "threshold-text": (set_in(lambda d: d["config"], "threshold", "2e-7"), [],
                       "config.threshold must be a number > 0"),
    "config-unknown": (set_in(lambda d: d["config"], "speed", 3), [], "unknown field 'speed'"),
    "no-seeds": (set_in(lambda d: d["config"], "seeds", []), [], "at least one seed"),
    "cpu-text": (set_in(lambda d: d["environment"], "cpu_baseline", "AVX2"),
                 ["--format", "github"], "cpu_baseline must be a list of strings or null"),
    "status-unknown": (set_in(first_case, "status", "exploded"), [], "status must be ok or"),
    "probe-text": (set_in(first_case, "probe", "no"), [], "probe must be true or false"),
    "block-negative": (set_in(first_case, "per_parameter", {"dW1": -1}), [],
                       "per_parameter must be an object of numbers >= 0"),
    "ok-without-difference": (lambda d: first_case(d).update(status="ok", difference=None,
                                                              probe=False), [],
                              "must be a number for a checked case that ran"),
    "other-seed": (set_in(first_case, "seed", 7), [], "has no case for seed 1"),
    "line-zero": (set_in(first_mutant, "line", 0), ["--format", "stryker"],
                  "has position 0:"),
    "line-past-end": (set_in(first_mutant, "end_line", 10 ** 6), [], "outside the source"),
    "reversed": (lambda d: first_mutant(d).update(line=first_mutant(d)["end_line"] + 1), [],
                 "before it starts"),
    "baseline-id": (set_in(lambda d: d["baseline"], "id", "x"), [],
                    "baseline.id must be 'baseline'"),
    "twice": (lambda d: d["mutants"].append(copy.deepcopy(first_mutant(d))), [],
              "appears twice"),
    "no-functions": (set_in(first_mutant, "functions", []), ["--format", "stryker"],
                     "must hold the mutated function(s)"),
    "function-short": (set_in(first_mutant, "functions", [["backward"]]), [],
                       "must be [name, first line >= 1, text]"),
    "unknown-function": (lambda d: first_function(d).__setitem__(0, "nowhere"),
                         ["--format", "stryker"], "no function 'nowhere'"),
    "mutant-list": (lambda d: d["mutants"].__setitem__(0, []), [],
                    "mutants[0] must be an object, got []"),
    "mutants-object": (set_in(whole, "mutants", {}), [], "mutants must be a list"),
    "notices-text": (set_in(whole, "notices", "x"), [], "notices must be a list of strings"),
}


@pytest.mark.parametrize("name", sorted(CORRUPT))
def test_corrupt_field_gives_one_line_naming_it(name, run_files, tmp_path, capsys):
    change, options, words = CORRUPT[name]
    data = json.loads(run_files[1].read_text())
    before = copy.deepcopy(data)
    change(data)
    assert data != before
    path = write(tmp_path / f"{name}.json", json.dumps(data))
    one_error_line(capsys, ["report", path, *options], words)


def test_sweep_json_is_named_as_such(tmp_path, capsys):
    path = write(tmp_path / "sweep.json", json.dumps({"format": "gradmut-sweep",
                                                      "format_version": 1, "target": "x"}))
    status = main(["report", path])
    error = capsys.readouterr().err
    assert status == 2 and error == (f"gradmut: error: {path} is a sweep JSON: its tables "
                                     "come from `gradmut sweep --report DIR`\n")


def test_missing_file_gives_one_line(tmp_path, capsys):
    one_error_line(capsys, ["report", str(tmp_path / "nothing.db")], "cannot read")


def test_directory_gives_one_line(tmp_path, capsys):
    one_error_line(capsys, ["report", str(tmp_path)], "cannot read")


def test_corrupt_session_gives_one_line(tmp_path, capsys):
    path = write(tmp_path / "corrupt.db", b"SQLite format 3\x00" + b"\x07garbage" * 200)
    one_error_line(capsys, ["report", path], "not a readable gradmut session")


def test_foreign_sqlite_file_gives_one_line(tmp_path, capsys):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()
    one_error_line(capsys, ["report", str(path)], "not a gradmut session")


def test_session_without_a_finished_baseline_gives_one_line(run_files, tmp_path, capsys):
    session = tmp_path / "partial.db"
    session.write_bytes(run_files[0].read_bytes())
    with sqlite3.connect(session) as connection:
        connection.execute("DELETE FROM measurements WHERE mutant_id = 'baseline'")
    connection.close()
    one_error_line(capsys, ["report", str(session)], "no finished baseline row")


@pytest.mark.parametrize("key, value, words", [
    ("environment", "null", "its stored environment must be an object, got null"),
    ("config", '{"checker": "course"}', "its stored config has no field 'epsilon'"),
    ("config", "[1", "not a readable gradmut session"),
])
def test_session_with_a_corrupt_stored_setting_gives_one_line(key, value, words, run_files,
                                                              tmp_path, capsys):
    session = tmp_path / "edited.db"
    session.write_bytes(run_files[0].read_bytes())
    with sqlite3.connect(session) as connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    connection.close()
    one_error_line(capsys, ["report", str(session)], words)


def test_session_without_a_stored_configuration_gives_one_line(run_files, tmp_path, capsys):
    session = tmp_path / "old.db"
    session.write_bytes(run_files[0].read_bytes())
    with sqlite3.connect(session) as connection:
        connection.execute("DELETE FROM meta WHERE key = 'config'")
    connection.close()
    one_error_line(capsys, ["report", str(session)], "no run configuration")


@pytest.mark.parametrize("argv, words", [
    (["--format", "markdown"], "unknown format 'markdown'"),
    (["--format", "all"], "--out"),
    (["--format", "png"], "--out"),
    (["--threshold", "0"], "--threshold"),
])
def test_bad_options_give_one_line(argv, words, run_files, capsys):
    one_error_line(capsys, ["report", str(run_files[1]), *argv], words)


def test_unknown_format_lists_the_formats(run_files, capsys):
    main(["report", str(run_files[1]), "--format", "latex-booktabs"])
    error = capsys.readouterr().err
    assert "did you mean latex_booktabs" in error and "stryker" in error and "all" in error


def report_text(capsys, path, *options):
    assert main(["report", str(path), *options]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["simple", "github", "latex", "html", "csv", "json", "stryker"])
@pytest.mark.parametrize("threshold", [[], ["--threshold", "0.5"]])
def test_session_and_json_give_the_same_report(fmt, threshold, run_files, capsys):
    session, results, _ = run_files
    from_session = report_text(capsys, session, "--format", fmt, *threshold)
    assert from_session == report_text(capsys, results, "--format", fmt, *threshold)


def test_rethresholding_shows_missed_mutants_with_diffs(run_files, capsys):
    text = report_text(capsys, run_files[0], "--format", "github", "--threshold", "0.5")
    assert "```diff" in text and "| missed" in text and "withheld" in text


def test_run_report_equals_report_all(run_files, tmp_path, capsys):
    _, results, reports = run_files
    names = [name for name in FILES if name != "plot.png" or matplotlib_available()]
    assert sorted(p.name for p in reports.iterdir()) == sorted(names)
    out = tmp_path / "again"
    assert main(["report", str(results), "--format", "all", "--out", str(out)]) == 0
    assert capsys.readouterr().out.count("wrote ") == len(names)
    for name in names:
        assert (out / name).read_bytes() == (reports / name).read_bytes(), name


def test_single_format_to_a_file(run_files, tmp_path, capsys):
    target = tmp_path / "stryker.json"
    assert main(["report", str(run_files[1]), "--format", "stryker", "--out", str(target)]) == 0
    assert json.loads(target.read_text())["schemaVersion"] == "2"
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("name", TABLES)
def test_any_table_as_csv(name, run_files, capsys):
    rows = list(csv.reader(io.StringIO(report_text(capsys, run_files[1], "--format", "csv",
                                                   "--table", name))))
    table = json.loads(report_text(capsys, run_files[1], "--format", "json", "--table", name))
    assert rows[0] == list(table[0]) if table else len(rows) == 1
    assert [dict(zip(rows[0], row)) for row in rows[1:]] == table


def test_csv_defaults_to_the_mutants_table(run_files, capsys):
    assert report_text(capsys, run_files[1], "--format", "csv") == \
        report_text(capsys, run_files[1], "--format", "csv", "--table", "mutants")


def test_all_writes_one_csv_per_table(run_files, capsys):
    _, results, reports = run_files
    for name in TABLES:
        assert (reports / f"report-{name}.csv").read_text() == report_text(
            capsys, results, "--format", "csv", "--table", name)


@pytest.mark.parametrize("argv, words", [
    (["--table", "mised"], "unknown table 'mised'; did you mean missed?"),
    (["--format", "stryker", "--table", "summary"], "--format stryker takes no table"),
    (["--format", "all", "--out", "x", "--table", "summary"], "--format all takes no table"),
])
def test_bad_table_options_give_one_line(argv, words, run_files, capsys):
    one_error_line(capsys, ["report", str(run_files[1]), *argv], words)


def test_a_shard_session_says_it_is_one(tmp_path, capsys):
    session = tmp_path / "shard.db"
    assert main(["run", "--operators", "scale", "--shard", "1/3", "--session", str(session),
                 "--jobs", "0"]) == 0
    capsys.readouterr()
    text = report_text(capsys, session, "--format", "github")
    assert "this session holds shard 1/3 of the run" in text
    assert "gradmut merge" in text.split("## Summary")[0]  # said before the numbers
    data = json.loads(report_text(capsys, session, "--format", "json"))
    assert any("shard 1/3" in notice for notice in data["notices"])


def test_a_notebook_report_keeps_cell_and_line(tmp_path, capsys):
    import nbformat

    from targets import get_target

    course = get_target("three-layer").source_path.read_text()
    split = course.index("def backward_propagation_n")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Gradient Checking"),
                      nbformat.v4.new_code_cell(course[:split].strip()),
                      nbformat.v4.new_code_cell(course[split:].strip())]
    path = tmp_path / "course.ipynb"
    nbformat.write(notebook, str(path))
    session, results = tmp_path / "nb.db", tmp_path / "nb.json"
    assert main(["run", str(path), "--operators", "scale", "--jobs", "0",
                 "--session", str(session), "--json", str(results)]) == 0
    capsys.readouterr()
    text = report_text(capsys, session, "--format", "github")
    assert "cell 3, line " in text
    assert text == report_text(capsys, results, "--format", "github")
