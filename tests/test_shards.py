"""Shards and merge: a stable partition, n shard sessions merged equal one whole run, refusals."""
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import UsageError
from harness.records import Measurement, Status
from harness.session import MutantRecord, Session
from harness.session_merge import merge
from harness.shards import parse_shard, select, shard_of
from harness.targets_resolve import builtin_ref, load_target
from session_facts import facts

ROOT = Path(__file__).resolve().parents[1]
RUN = ["run", "--cases", "2", "--operators", "scale,transpose,sign,reduction"]


def table(path, name):
    with sqlite3.connect(path) as connection:
        return sorted(connection.execute(f"SELECT * FROM {name}"))


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def mutant_ids():
    from harness.run import mutant_records

    return [record.id for record in mutant_records(load_target(builtin_ref("three-layer")),
                                                   None, None, 1)]


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_the_shards_cover_every_mutant_exactly_once(mutant_ids, n):
    shards = [select(_records(["baseline", "sentinel", *mutant_ids]), (k, n))
              for k in range(1, n + 1)]
    ran = [record.id for shard in shards for record in shard
           if record.id not in ("baseline", "sentinel")]
    assert sorted(ran) == sorted(mutant_ids)
    assert all({"baseline", "sentinel"} <= {record.id for record in shard} for shard in shards)
    if n > 1:
        assert all(len(shard) > 2 for shard in shards), "every shard should get some mutants"


def _records(ids):
    return [MutantRecord(i, "op", "f", 1, 0, 1, 1, "", "", "") for i in ids]


def test_shards_are_identical_across_processes_with_different_hash_seeds(mutant_ids):
    script = ("import sys; from harness.shards import shard_of; "
              "print([shard_of(i, 5) for i in sys.argv[1:]])")
    outputs = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, *mutant_ids], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == f"{[shard_of(i, 5) for i in mutant_ids]}\n"


def test_a_shard_is_the_ids_sha256_modulo_n():
    # Pinned: machines running different gradmut versions must still agree on the split.
    assert shard_of("scale-49-dW2-x2", 3) == int(hashlib.sha256(
        b"scale-49-dW2-x2").hexdigest(), 16) % 3
    assert [shard_of("scale-49-dW2-x2", n) for n in (2, 3, 5, 7)] == [
        int(hashlib.sha256(b"scale-49-dW2-x2").hexdigest(), 16) % n for n in (2, 3, 5, 7)]


@pytest.mark.parametrize("text, shard", [("1/3", (1, 3)), ("3/3", (3, 3)), (" 2/5 ", (2, 5)),
                                         ("1/1", (1, 1))])
def test_parse_shard_counts_k_from_one(text, shard):
    assert parse_shard(text) == shard


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/3", "1/2/3", ""])
def test_a_bad_shard_is_one_line_and_exit_2(text, capsys):
    assert main(["run", f"--shard={text}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gradmut: error: --shard: ")


@pytest.fixture(scope="module")
def shard_sessions(tmp_path_factory):
    """Three shard sessions and one whole run's, all from the command line."""
    folder = tmp_path_factory.mktemp("shards")
    paths = [folder / f"shard{k}.db" for k in (1, 2, 3)]
    for k, path in enumerate(paths, start=1):
        assert main(RUN + ["--shard", f"{k}/3", "--session", str(path)]) == 0
    whole = folder / "whole.db"
    assert main(RUN + ["--session", str(whole)]) == 0
    return paths, whole


def test_n_shards_merged_equal_one_whole_run(shard_sessions, tmp_path, capsys):
    paths, whole = shard_sessions
    before = [digest(path) for path in paths]
    out = tmp_path / "all.db"
    capsys.readouterr()
    assert main(["merge", *map(str, paths), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "3 sessions" in captured.out
    assert facts(out) == facts(whole)
    assert table(out, "mutants") == table(whole, "mutants")
    assert [digest(path) for path in paths] == before, "merge must not touch its inputs"
    assert main(["report", str(out)]) == 0
    merged_report = capsys.readouterr().out
    assert main(["report", str(whole)]) == 0
    assert merged_report == capsys.readouterr().out


def test_each_shard_runs_only_its_mutants_plus_baseline_and_sentinel(shard_sessions):
    paths, _ = shard_sessions
    for k, path in enumerate(paths, start=1):
        ids = {row[0] for row in table(path, "mutants")}
        assert {"baseline", "sentinel"} <= ids
        assert all(shard_of(i, 3) == k - 1 for i in ids - {"baseline", "sentinel"})
        assert {row[0] for row in facts(path)} == ids


def test_a_missing_shard_is_noted(shard_sessions, tmp_path, capsys):
    paths, _ = shard_sessions
    assert main(["merge", str(paths[0]), str(paths[2]), "--out", str(tmp_path / "m.db")]) == 0
    assert "shard 2/3 was not merged" in capsys.readouterr().err


def make_session(path, target="three-layer", sha="a" * 64, config='{"seeds": [1]}'):
    session = Session.open(path, target, sha, {"config": config})
    session.add_mutants([MutantRecord("m1", "scale", "f", 1, 1, 1, 2, "a", "b", "d")])
    session.add_measurements([Measurement("m1", 1, "course", 1e-7, Status.OK, 0.5,
                                          {"dW1": 0.5}, False)])
    session.close()


@pytest.mark.parametrize("other, message", [
    (dict(sha="b" * 64), "a different source"),
    (dict(target="one-dimensional"), "a different target"),
    (dict(config='{"seeds": [1, 2]}'), "a different configuration (they differ in seeds)"),
    (dict(config='{"seeds": [1], "epsilon": 1e-6}'),
     "a different configuration (they differ in epsilon)"),
    (dict(config='{"seeds": [2], "epsilon": 1e-6}'),
     "a different configuration (they differ in epsilon, seeds)"),
])
def test_merging_incompatible_sessions_is_one_line_and_exit_2(tmp_path, capsys, other, message):
    first, second, out = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "all.db"
    make_session(first)
    make_session(second, **other)
    before = digest(first), digest(second)
    assert main(["merge", str(first), str(second), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"gradmut: error: {second}: ")
    assert message in err
    assert not out.exists() and (digest(first), digest(second)) == before


def test_merge_never_overwrites_and_refuses_non_sessions(tmp_path, capsys):
    first, text = tmp_path / "a.db", tmp_path / "notes.txt"
    make_session(first)
    text.write_text("not a session")
    with pytest.raises(UsageError, match="already exists"):
        merge([first], first)
    assert main(["merge", str(first), str(text), "--out", str(tmp_path / "x.db")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["merge", str(tmp_path / "missing.db"), "--out", str(tmp_path / "y.db")]) == 2
    assert "no such session file" in capsys.readouterr().err


def test_rows_with_the_same_key_appear_once_first_session_wins(tmp_path):
    first, second, out = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "all.db"
    make_session(first)
    make_session(second)
    merged = merge([first, second], out)
    assert (merged.mutants, merged.rows, merged.notices) == (1, 1, ())
    assert facts(out) == facts(first)


def test_sweep_shards_merged_equal_one_whole_sweep_and_report_like_it(tmp_path, capsys):
    sweep = ["sweep", "--cases", "2", "--epsilons", "1e-4,1e-7", "--checkers", "course,cs231n",
             "--operators", "scale,sign"]
    shards = [tmp_path / f"sweep{k}.db" for k in (1, 2)]
    for k, path in enumerate(shards, start=1):
        assert main(sweep + ["--shard", f"{k}/2", "--session", str(path)]) == 0
    whole, merged = tmp_path / "whole.db", tmp_path / "all.db"
    assert main(sweep + ["--session", str(whole)]) == 0
    assert main(["merge", *map(str, shards), "--out", str(merged)]) == 0
    assert facts(merged) == facts(whole)
    capsys.readouterr()
    assert main(sweep + ["--session", str(merged)]) == 0  # everything stored: nothing runs
    from_merged = capsys.readouterr().out
    assert main(sweep + ["--session", str(whole)]) == 0
    assert from_merged == capsys.readouterr().out


def test_a_key_measured_differently_is_noted_and_the_first_row_kept(tmp_path):
    first, second, out = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "all.db"
    make_session(first)
    session = Session.open(second, "three-layer", "a" * 64, {"config": '{"seeds": [1]}'})
    session.add_measurements([Measurement("m1", 1, "course", 1e-7, Status.OK, 0.75,
                                          {"dW1": 0.75}, False)])
    session.close()
    merged = merge([first, second], out)
    assert merged.notices == ("1 row was measured differently in two sessions; the first "
                              "session's value is kept",)
    assert facts(out) == facts(first)
