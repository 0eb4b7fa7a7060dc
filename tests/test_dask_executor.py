"""The Dask executor on a LocalCluster (2 worker processes, loopback only): the same facts as the
local pool for a run and a sweep, timeouts on the workers, a dead worker retried once."""
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from harness.cli import main
from harness.errors import UsageError
from harness.executors import check_executor
from harness.records import CheckConfig, FunctionText, WorkItem
from harness.targets_resolve import builtin_ref, load_target, target_ref
from test_harness_outcomes import BODIES, SIGNATURE
from test_target_file import AFFINE

RUN = ["run", "--cases", "2", "--operators", "scale,transpose,swap-operands,reduction"]
SWEEP = ["sweep", "--cases", "2", "--epsilons", "1e-4,1e-7", "--checkers", "course,cs231n",
         "--operators", "scale,sign"]


def facts(path):
    """The stored measurement facts of a session, without timings."""
    with sqlite3.connect(path) as connection:
        return sorted(connection.execute(
            "SELECT mutant_id, seed, checker, epsilon, status, difference, per_parameter, "
            "matches_reference, error, probe FROM measurements"))


def items(names, bodies=BODIES):
    return [WorkItem(name, (FunctionText("backward_propagation_n", 1, SIGNATURE + bodies[name]),),
                     (1,), (CheckConfig(),), (101,)) for name in names]


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster as `--executor dask` starts one (2 single-threaded processes)."""
    from harness.dask_executor import start_local_cluster

    local = start_local_cluster(2)
    yield local.scheduler_address
    local.close()


@pytest.mark.dask
def test_the_local_cluster_listens_on_loopback_only(cluster):
    import psutil
    from distributed import Client

    with Client(cluster) as client:
        workers = client.scheduler_info()["workers"]
    assert cluster.startswith("tcp://127.0.0.1:") and len(workers) == 2
    assert all(info["nthreads"] == 1 for info in workers.values())
    here = psutil.Process()  # the scheduler and nannies run here, the workers in children
    listening = {connection.laddr.ip for process in [here, *here.children(recursive=True)]
                 for connection in _connections(process)
                 if connection.status == psutil.CONN_LISTEN}
    assert listening == {"127.0.0.1"}


def _connections(process):
    listing = getattr(process, "net_connections", None) or process.connections  # psutil < 6
    return listing(kind="tcp")


def rows_by_id(executor, work, timeout):
    try:
        rows = [row for batch in executor.execute(work, timeout) for row in batch]
    finally:
        executor.close()
    by_id = {}
    for row in rows:
        by_id.setdefault(row.mutant_id, []).append(row)
    return by_id


@pytest.mark.dask
def test_a_local_cluster_run_equals_the_local_pool(tmp_path, capsys):
    local, dask = tmp_path / "local.db", tmp_path / "dask.db"
    assert main(RUN + ["--session", str(local)]) == 0
    on_pool = capsys.readouterr().out
    assert main(RUN + ["--executor", "dask", "--jobs", "2", "--session", str(dask)]) == 0
    assert capsys.readouterr().out == on_pool
    assert facts(dask) == facts(local) and len(facts(local)) > 100


@pytest.mark.dask
def test_a_sweep_on_the_cluster_equals_the_local_pool(tmp_path, capsys, cluster):
    local, dask = tmp_path / "local.db", tmp_path / "dask.db"
    assert main(SWEEP + ["--session", str(local)]) == 0
    on_pool = capsys.readouterr().out
    assert main(SWEEP + ["--executor", "dask", "--scheduler", cluster, "--session",
                         str(dask)]) == 0
    assert capsys.readouterr().out == on_pool
    assert facts(dask) == facts(local)


def count_rows(path):
    try:
        with sqlite3.connect(path, timeout=1) as connection:
            return connection.execute("SELECT COUNT(*) FROM measurements").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.dask
def test_ctrl_c_mid_distributed_run_resumes_like_a_local_one(tmp_path):
    interrupted, whole = tmp_path / "interrupted.db", tmp_path / "whole.db"
    argv = ["run", "--cases", "30", "--executor", "dask", "--jobs", "2"]
    process = subprocess.Popen([sys.executable, "-m", "harness", *argv, "--session",
                                str(interrupted)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while count_rows(interrupted) < 500 and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: every process of the group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "resume" in err
    assert 0 < count_rows(interrupted) < 176 * 30, "the interrupt must land mid-run"
    assert main(argv + ["--session", str(interrupted)]) == 0
    assert main(["run", "--cases", "30", "--session", str(whole)]) == 0
    assert facts(interrupted) == facts(whole)


@pytest.mark.dask
def test_a_hanging_mutant_is_a_timeout_row_and_the_run_finishes(cluster):
    from harness.dask_executor import DaskExecutor

    loaded = load_target(builtin_ref("three-layer"))
    names = ["hang", "kill-worker", "memory", "zeros", "nan", "shape-crash"]
    by_id = rows_by_id(DaskExecutor(loaded, 2, cluster), items(names), timeout=2.0)
    assert sorted(by_id) == sorted(names)
    assert {row.status.value for row in by_id["hang"]} == {"timeout"}
    assert by_id["hang"][0].error == "no result within 2 s"
    assert by_id["kill-worker"][0].error == "worker died (exit code 7)"
    assert "MemoryError" in by_id["memory"][0].error
    assert by_id["zeros"][0].difference == pytest.approx(1.0)


@pytest.mark.dask
def test_a_dead_dask_worker_costs_only_its_item_retried_once(cluster):
    from harness.dask_executor import DaskExecutor

    # The mutant runs in a child of the Dask worker: killing its parent kills the worker.
    bodies = {**BODIES, "kill-dask-worker":
              "    import os, signal\n    os.kill(os.getppid(), signal.SIGKILL)\n"}
    loaded = load_target(builtin_ref("three-layer"))
    for copy in range(8):  # enough bystanders to be queued on the scheduler, not on workers
        bodies[f"zeros-{copy}"] = bodies["zeros"]
    names = ["kill-dask-worker", "zeros", "nan", "shape-crash", *bodies.keys() - BODIES.keys()
             - {"kill-dask-worker"}]
    by_id = rows_by_id(DaskExecutor(loaded, 2, cluster), items(names, bodies), timeout=10.0)
    assert sorted(by_id) == sorted(names)
    assert all(by_id[name][0].status.value == "ok" for name in names if "zeros" in name)
    assert {row.status.value for row in by_id["kill-dask-worker"]} == {"crashed"}
    assert "died twice" in by_id["kill-dask-worker"][0].error
    assert by_id["zeros"][0].difference == pytest.approx(1.0)
    assert by_id["nan"][0].status.value == "invalid"


@pytest.mark.dask
def test_a_target_the_workers_cannot_load_is_one_line(tmp_path, cluster):
    from harness.dask_executor import DaskExecutor

    path = tmp_path / "affine.py"
    shutil.copy(AFFINE, path)
    loaded = load_target(target_ref(str(path)))
    path.write_text(path.read_text() + "\n# edited after the parent loaded it\n")
    executor = DaskExecutor(loaded, 2, cluster)
    work = [WorkItem("baseline", (), (1,), (CheckConfig(),))]
    with pytest.raises(UsageError, match="copy of the target differs") as raised:
        rows_by_id(executor, work, timeout=10.0)
    assert "\n" not in raised.value.line()


def test_without_dask_the_executor_is_one_line_with_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(UsageError) as raised:
        check_executor("dask", None, 2)
    assert raised.value.line() == "--executor dask: dask is not installed; " \
                                  "pip install 'gradmut[dask]'"


@pytest.mark.parametrize("argv, message", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "needs the Dask executor"),
    (["--executor", "spark"], "invalid choice"),
    (["--executor", "dask", "--jobs", "0"], "--jobs 0 runs in this process"),
])
def test_bad_executor_options_are_one_line(argv, message, capsys):
    assert main(["run", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
