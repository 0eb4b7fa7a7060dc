"""`gradmut report` and `gradmut run --report`: bad input is one line and status 2, and a
report from a session equals the report from the JSON of the same run."""
import json
import sqlite3

import pytest

from harness.cli import main
from harness.plots import matplotlib_available
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
