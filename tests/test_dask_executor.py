"""The Dask executor on a LocalCluster (2 worker processes, loopback only): the same facts as the
local pool for a run and a sweep, timeouts on the workers, a dead worker retried once; and on a
scheduler started as a user starts one: losing it mid-run stores nothing false, and the rerun
completes the run."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import UsageError
from harness.executors import check_executor
from harness.records import CheckConfig, FunctionText, WorkItem
from harness.targets_resolve import builtin_ref, load_target, target_ref
from session_facts import count_rows, facts
from test_harness_outcomes import BODIES, SIGNATURE
from test_target_file import AFFINE

RUN = ["run", "--cases", "2", "--operators", "scale,transpose,swap-operands,reduction"]
SWEEP = ["sweep", "--cases", "2", "--epsilons", "1e-4,1e-7", "--checkers", "course,cs231n",
         "--operators", "scale,sign"]


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
    captured = capsys.readouterr()
    assert captured.out == on_pool
    assert "allowed-failures" not in captured.err  # gradmut's own rule: nothing to note
    assert facts(dask) == facts(local)


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
    assert by_id["kill-dask-worker"][0].error == "the Dask worker running it died twice " \
                                                 "(KilledWorker)"
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def user_cluster(port: int):
    """A `dask scheduler` and one `dask worker` as a user starts them (Dask's defaults, so
    allowed-failures 3), each its own process; yields (address, the scheduler's process)."""
    from distributed import Client

    dask = [sys.executable, str(Path(sys.executable).parent / "dask")]
    address = f"tcp://127.0.0.1:{port}"
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scheduler = subprocess.Popen(dask + ["scheduler", "--host", "127.0.0.1", "--port",
                                         str(port), "--no-dashboard"], **quiet)
    worker = subprocess.Popen(dask + ["worker", address, "--nthreads", "1", "--no-nanny",
                                      "--no-dashboard"], **quiet)
    try:
        with Client(address, timeout=30) as client:
            client.wait_for_workers(1, timeout=60)
        yield address, scheduler
    finally:
        for process in (worker, scheduler):  # the worker first: it ends its children
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.dask
def test_losing_the_scheduler_stores_nothing_false_and_the_rerun_completes(tmp_path):
    lost, whole = tmp_path / "lost.db", tmp_path / "whole.db"
    port = free_port()
    argv = [sys.executable, "-m", "harness", "run", "--cases", "30", "--executor", "dask",
            "--scheduler", f"tcp://127.0.0.1:{port}", "--session", str(lost)]
    with user_cluster(port) as (address, scheduler):
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True)
        deadline = time.monotonic() + 120
        while count_rows(lost) < 300 and time.monotonic() < deadline:
            time.sleep(0.005)
        scheduler.kill()  # kill -9, mid-run
        killed = time.monotonic()
        _, err = process.communicate(timeout=60)
        assert time.monotonic() - killed < 10, "the run must stop soon after the loss"
    assert process.returncode == 2, err
    assert err == f"gradmut: error: lost the Dask scheduler at {address}; rerun the same " \
                  "command to resume (a --session keeps the finished rows)\n"
    assert main(["run", "--cases", "30", "--session", str(whole)]) == 0
    stored, everything = facts(lost), facts(whole)
    assert 0 < len(stored) < len(everything), "the loss must land mid-run"
    assert set(stored) <= set(everything), "a row stored for the loss would be false"
    with user_cluster(port):  # a new scheduler at the same address: the same command resumes
        rerun = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert facts(lost) == everything
    note, = rerun.stderr.splitlines()  # Dask's default: the scheduler retries on its own
    assert note.startswith(f"gradmut: note: the Dask scheduler at {address} has "
                           "allowed-failures 3, so an item that kills its Dask worker runs up "
                           "to 8 times before it is stored as crashed, not twice; ")
    assert "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=0" in note


def test_the_retry_notice_says_how_often_an_item_runs_and_how_to_set_it():
    from harness.dask_executor import retry_notices

    assert retry_notices("tcp://head:8786", 0) == ()
    notice, = retry_notices("tcp://head:8786", 1)
    assert notice.startswith("the Dask scheduler at tcp://head:8786 has allowed-failures 1, "
                             "so an item that kills its Dask worker runs up to 4 times")


@pytest.mark.dask
def test_plugins_are_per_client_and_a_gone_clients_children_are_ended(cluster):
    import psutil
    from distributed import Client

    from harness.dask_executor import PLUGIN_PREFIX, DaskExecutor
    from harness.dask_worker import ChildProcesses, evaluate_on_worker

    loaded = load_target(builtin_ref("three-layer"))
    gone = Client(cluster)
    stale = PLUGIN_PREFIX + gone.id
    gone.register_plugin(ChildProcesses(), name=stale)
    rows = gone.submit(evaluate_on_worker, stale, loaded.ref, loaded.source_sha256,
                       items(["zeros"])[0], 30.0, pure=False).result()
    assert rows[0].difference == pytest.approx(1.0)
    children = [pid for pids in gone.run(lambda dask_worker: [
        child.process.pid for idle in dask_worker.plugins[stale].idle.values()
        for child in idle]).values() for pid in pids]
    assert len(children) == 1 and psutil.pid_exists(children[0])
    gone.close()  # gone without unregistering its plugin, as a client killed with -9
    first, second = DaskExecutor(loaded, 1, cluster), DaskExecutor(loaded, 1, cluster)
    try:
        registered = set(first.client.run_on_scheduler(
            lambda dask_scheduler: list(dask_scheduler.worker_plugins)))
        assert {first.plugin, second.plugin} <= registered and first.plugin != second.plugin
        assert stale not in registered and not psutil.pid_exists(children[0])
        both = [first.execute(items(["zeros"]), 30.0), second.execute(items(["nan"]), 30.0)]
        assert [batch[0].status.value for run in both for batch in run] == ["ok", "invalid"]
    finally:
        first.close()
        second.close()


@pytest.mark.dask
def test_an_idle_evaluating_child_exits_on_its_own(monkeypatch):
    from harness import dask_worker

    monkeypatch.setattr(dask_worker, "CHILD_IDLE", 1.0)
    child = dask_worker._Child(builtin_ref("three-layer"))
    try:
        rows, reusable = child.evaluate(items(["zeros"])[0], timeout=30.0)
        served = time.monotonic()
        assert reusable and rows[0].difference == pytest.approx(1.0)
        assert child.process.wait(timeout=30) == 0
        assert time.monotonic() - served >= 0.9, "it must wait out its idle time first"
    finally:
        child.kill()


@pytest.mark.dask
def test_the_plugin_never_hands_an_item_to_a_child_about_to_leave(monkeypatch):
    from harness import dask_worker

    loaded = load_target(builtin_ref("three-layer"))
    key = loaded.ref, loaded.source_sha256
    plugin = dask_worker.ChildProcesses()
    plugin.setup(worker=None)
    try:
        first = plugin.checkout(*key)
        plugin.checkin(*key, first)
        assert plugin.checkout(*key) is first  # fresh: reused
        plugin.checkin(*key, first)
        monkeypatch.setattr(dask_worker, "CHILD_REUSE", 0.0)  # now idle past its reuse time
        second = plugin.checkout(*key)
        assert second is not first and first.process.poll() is not None
        plugin.checkin(*key, second)
    finally:
        plugin.teardown(worker=None)
    assert second.process.poll() is not None


@pytest.mark.dask
def test_a_refused_scheduler_is_one_line_within_the_connect_timeout(monkeypatch, capsys):
    from harness import dask_executor

    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 1.0)
    start = time.monotonic()
    assert main(["run", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert time.monotonic() - start < 8
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("gradmut: error: tcp://127.0.0.1:1: cannot reach the Dask scheduler "
                          "within 1 s")


@pytest.mark.dask
def test_bench_executors_alternates_and_reports_median_and_range(monkeypatch, capsys):
    import re

    from harness import bench

    walls = {("sweep", "local"): [3.0, 1.0, 2.0], ("sweep", "dask"): [5.0, 6.0, 4.5],
             ("run", "local"): [1.0, 1.0, 1.0], ("run", "dask"): [2.0, 2.5, 3.0]}
    calls = []

    def wall(argv):
        calls.append((argv[0], argv[argv.index("--executor") + 1]))
        return walls[calls[-1]][sum(call == calls[-1] for call in calls) - 1]

    monkeypatch.setattr(bench, "_wall", wall)
    assert main(["bench", "--executors", "--rounds", "3", "--jobs", "2"]) == 0
    assert calls[:8] == [("sweep", "local"), ("sweep", "dask"), ("run", "local"), ("run", "dask"),
                         ("sweep", "dask"), ("sweep", "local"), ("run", "dask"), ("run", "local")]
    assert len(calls) == 12
    rows = {re.split(r"\s{2,}", line)[0]: re.split(r"\s{2,}", line)[1:]
            for line in capsys.readouterr().out.splitlines() if line.startswith("gradmut ")}
    assert rows == {"gradmut sweep": ["2.00 s (1.00 to 3.00)", "5.00 s (4.50 to 6.00)", "2.50x"],
                    "gradmut run --cases 20": ["1.00 s (1.00 to 1.00)", "2.50 s (2.00 to 3.00)",
                                               "2.50x"]}


@pytest.mark.dask
@pytest.mark.parametrize("argv, message", [
    (["--rounds", "0"], "--rounds: must be at least 1"),
    (["--jobs", "0"], "--jobs: must be at least 1"),
    (["--target", "nope"], "nope"),
])
def test_bench_executors_bad_options_are_one_line(argv, message, capsys):
    assert main(["bench", "--executors", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
