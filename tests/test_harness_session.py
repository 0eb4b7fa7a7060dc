"""The session file: rows as they arrive, resume after kill -9, invalidation, foreign files."""
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from harness.cli import main
from harness.errors import UsageError
from harness.records import Measurement, Status
from harness.session import MutantRecord, Session
from session_facts import count_rows, facts


def test_resume_after_kill_9_equals_an_uninterrupted_run(tmp_path):
    whole, resumed = tmp_path / "whole.db", tmp_path / "resumed.db"
    argv = ["run", "--cases", "12", "--jobs", "1"]
    assert main(argv + ["--session", str(whole)]) == 0
    total = count_rows(whole)
    process = subprocess.Popen([sys.executable, "-m", "harness", *argv, "--session",
                                str(resumed)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while count_rows(resumed) < total // 4 and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    partial = count_rows(resumed)
    assert 0 < partial < total, "the kill must land mid-run for this test to mean anything"
    assert main(argv + ["--session", str(resumed)]) == 0
    assert facts(resumed) == facts(whole)


def test_rerun_with_a_full_session_runs_nothing(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    assert main(["run", "--operators", "scale", "--session", str(path)]) == 0
    before = facts(path)
    run_module = __import__("importlib").import_module("harness.run")
    monkeypatch.setattr(run_module, "_execute", lambda loaded, items, *rest: pytest.fail(
        f"nothing should run, got {len(items)} items") if items else ())
    assert main(["run", "--operators", "scale", "--session", str(path)]) == 0
    assert facts(path) == before


def make_session(path, target="three-layer", sha="a" * 64):
    session = Session.open(path, target, sha)
    session.add_mutants([MutantRecord("m1", "scale", "f", 1, 1, 1, 2, "a", "b", "d")])
    session.add_measurements([Measurement("m1", 1, "course", 1e-7, Status.OK, 0.5,
                                          {"dW1": 0.5}, False)])
    session.close()


def test_a_changed_source_invalidates_stale_rows(tmp_path):
    path = tmp_path / "s.db"
    make_session(path)
    same = Session.open(path, "three-layer", "a" * 64)
    assert len(same.measurements()) == 1
    same.close()
    changed = Session.open(path, "three-layer", "b" * 64)
    assert changed.measurements() == [] and changed.mutants() == []
    changed.close()


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_foreign_session_exits_2_and_is_left_untouched(tmp_path, capsys):
    path = tmp_path / "other.db"
    make_session(path, target="one-dimensional")
    before = digest(path)
    assert main(["run", "--operators", "scale", "--session", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "belongs to target 'one-dimensional'" in err
    assert digest(path) == before


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b"\x00" * 10])
def test_an_unreadable_session_exits_2_and_is_left_untouched(tmp_path, capsys, content):
    path = tmp_path / "broken.db"
    path.write_bytes(content)
    assert main(["run", "--operators", "scale", "--session", str(path)]) == 2
    assert capsys.readouterr().err.startswith("gradmut: error: ")
    assert path.read_bytes() == content


def test_another_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE users (name TEXT)")
    before = digest(path)
    with pytest.raises(UsageError, match="not a gradmut session"):
        Session.open(path, "three-layer", "a" * 64)
    assert digest(path) == before


def test_ctrl_c_stops_cleanly_and_the_rerun_completes(tmp_path):
    path = tmp_path / "interrupted.db"
    argv = [sys.executable, "-m", "harness", "run", "--cases", "200", "--jobs", "1",
            "--session", str(path)]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    deadline = time.monotonic() + 60
    while count_rows(path) < 50 and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "resume" in err
    partial = count_rows(path)
    assert main(["run", "--cases", "200", "--jobs", "1", "--session", str(path)]) == 0
    assert count_rows(path) > partial


def test_a_session_in_a_missing_directory_is_one_line(tmp_path, capsys):
    path = tmp_path / "no" / "such" / "dir" / "s.db"
    assert main(["run", "--operators", "scale", "--session", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "directory" in err and not path.parent.exists()


def test_a_damaged_session_is_refused_and_left_as_it_is(tmp_path, capsys):
    """A real session with pages overwritten mid-file: refused before anything is written."""
    path = tmp_path / "damaged.db"
    assert main(["run", "--operators", "scale", "--cases", "8", "--session", str(path)]) == 0
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8192] = b"\xa5" * 8192
    path.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["run", "--operators", "scale", "--cases", "8", "--session", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a readable gradmut session" in err
    assert path.read_bytes() == bytes(data)


def test_a_session_of_another_file_with_the_same_name_is_refused(tmp_path, capsys):
    """a/student.py and b/student.py are both target 'student.py': b must not wipe a's rows."""
    source = open("targets/three_layer.py").read()
    for folder, text in (("a", source), ("b", source.replace("1./m * np.dot(dZ3", "np.dot(dZ3"))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "student.py").write_text(text)
    path = tmp_path / "s.db"
    options = ["--operators", "reduction", "--session", str(path)]
    assert main(["run", str(tmp_path / "a" / "student.py"), *options]) == 0
    before = digest(path)
    capsys.readouterr()
    assert main(["run", str(tmp_path / "b" / "student.py"), *options]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "another file" in err
    assert digest(path) == before


def test_an_edited_source_drops_its_rows_and_says_so(tmp_path, capsys):
    student = tmp_path / "student.py"
    source = open("targets/three_layer.py").read()
    student.write_text(source)
    argv = ["run", str(student), "--operators", "reduction", "--session", str(tmp_path / "s.db")]
    assert main(argv) == 0
    student.write_text(source + "\n# edited\n")
    capsys.readouterr()
    assert main(argv) == 0
    assert "the source changed since this session was written" in capsys.readouterr().err


def test_rows_from_another_environment_are_noted_and_both_kept(tmp_path, capsys):
    import json

    path = tmp_path / "s.db"
    argv = ["run", "--operators", "reduction", "--cases", "2", "--session", str(path)]
    assert main(argv) == 0
    with sqlite3.connect(path) as connection:
        (text,) = connection.execute("SELECT value FROM meta WHERE key = 'environment'")\
            .fetchone()
        other = {**json.loads(text), "numpy": "1.26.4"}
        connection.execute("UPDATE meta SET value = ? WHERE key = 'environments'",
                           (json.dumps([other]),))
    capsys.readouterr()
    assert main(argv) == 0
    assert "another environment (numpy 1.26.4)" in capsys.readouterr().err
    with sqlite3.connect(path) as connection:
        (text,) = connection.execute("SELECT value FROM meta WHERE key = 'environments'")\
            .fetchone()
        (current,) = connection.execute("SELECT value FROM meta WHERE key = 'environment'")\
            .fetchone()
    assert [e["numpy"] for e in json.loads(text)] == ["1.26.4", json.loads(current)["numpy"]]
