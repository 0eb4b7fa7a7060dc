"""The Dask executor: the local pool's work items and guarantees, on a dask.distributed cluster.

gradmut brings no scheduler of its own. Each work item is one Dask task; the task hands it to an
evaluating child interpreter that its Dask worker keeps (started once per target, as the local
pool's workers are), so a hanging mutant is killed at its timeout on the worker and recorded as
a `timeout` row, and one that kills its interpreter is a `crashed` row, while the Dask worker
itself lives on. If a Dask worker dies anyway (out of memory, a lost machine), its items are
submitted once more, then recorded as crashed. Results stream back in completion order.
Imported only for `--executor dask` (the optional extra gradmut[dask]).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import CancelledError
from typing import Iterable, Iterator

import dask
from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin, as_completed, get_worker

from harness.errors import UsageError
from harness.executors import failed_measurements
from harness.records import Measurement, Status, TargetRef, WorkItem

LOAD_TIMEOUT = 300.0  # seconds for a child to import gradmut and load the target
CONNECT_TIMEOUT = 30.0  # seconds to reach a scheduler, and again for its first worker
CHILD = "from harness.executors import serve_child; serve_child({fd})"
# A dead worker charges only the task it was running, and only the executor retries it.
SCHEDULER_CONFIG = {"distributed.scheduler.allowed-failures": 0,
                    "distributed.scheduler.worker-saturation": 1.0}


class TargetUnavailable(Exception):
    """A worker cannot load the target (not installed there, file missing, or a different file)."""


class _Child:
    """One evaluating interpreter on a Dask worker, serving items over a socket pair."""

    def __init__(self, ref: TargetRef):
        parent, child = multiprocessing.Pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD.format(fd=child.fileno())],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL)
        child.close()
        self.connection = parent
        parent.send(ref)
        kind, detail = self._answer()
        if kind != "ready":
            self.kill()
            raise TargetUnavailable(detail)
        self.source_sha256 = detail

    def _answer(self) -> tuple[str, str]:
        """Wait for ("ready", sha256) or ("error", line) from the starting child."""
        if not self.connection.poll(LOAD_TIMEOUT):
            return "error", f"the target did not load within {LOAD_TIMEOUT:g} s"
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            return "error", (f"the evaluating interpreter exited (code {self.process.wait()}) "
                             "before loading the target: is gradmut installed on this worker?")

    def alive(self) -> bool:
        return self.process.poll() is None

    def evaluate(self, item: WorkItem, timeout: float) -> tuple[list[Measurement], bool]:
        """Return the item's rows and whether this child may serve again (no hang, no death)."""
        self.connection.send(item)
        if not self.connection.poll(timeout):
            return failed_measurements(item, Status.TIMEOUT, f"no result within {timeout:g} s"), \
                False
        try:
            return self.connection.recv(), True
        except (EOFError, OSError):
            try:
                code = self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            return failed_measurements(item, Status.CRASHED,
                                       f"worker died (exit code {code})"), False

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.connection.close()


class ChildProcesses(WorkerPlugin):
    """Per Dask worker: the idle evaluating children, by target and source hash.

    The state is made in `setup` on the worker (a lock does not pickle), and every child is
    killed in `teardown`, when the run unregisters the plugin or the worker closes.
    """

    def setup(self, worker) -> None:
        self.idle: dict[tuple[TargetRef, str], list[_Child]] = {}
        self.lock = threading.Lock()

    def teardown(self, worker) -> None:
        with self.lock:
            children = [child for idle in self.idle.values() for child in idle]
            self.idle.clear()
        for child in children:
            child.kill()

    def checkout(self, ref: TargetRef, source_sha256: str) -> _Child:
        """Return an idle child for this target, starting one (and checking its source) if none."""
        with self.lock:
            idle = self.idle.get((ref, source_sha256), [])
            while idle:
                child = idle.pop()
                if child.alive():
                    return child
        child = _Child(ref)
        if child.source_sha256 != source_sha256:
            child.kill()
            raise TargetUnavailable("this worker's copy of the target differs from the "
                                    f"submitting machine's (sha256 {child.source_sha256[:12]} "
                                    f"against {source_sha256[:12]})")
        return child

    def checkin(self, ref: TargetRef, source_sha256: str, child: _Child) -> None:
        with self.lock:
            self.idle.setdefault((ref, source_sha256), []).append(child)


def evaluate_on_worker(plugin: str, ref: TargetRef, source_sha256: str, item: WorkItem,
                       timeout: float) -> list[Measurement]:
    """The Dask task: measure one item in one of this worker's children, within `timeout`."""
    worker = get_worker()
    children = worker.plugins[plugin]
    try:
        child = children.checkout(ref, source_sha256)
    except TargetUnavailable as error:
        raise TargetUnavailable(f"Dask worker {worker.address}: {error}") from None
    rows, reusable = child.evaluate(item, timeout)
    if reusable:
        children.checkin(ref, source_sha256, child)
    else:
        child.kill()
    return rows


class DaskExecutor:
    """Send work items to a Dask scheduler (or a LocalCluster on loopback) and stream results."""

    def __init__(self, loaded, jobs: int, scheduler: str | None = None):
        self.ref, self.source_sha256 = loaded.ref, loaded.source_sha256
        self.cluster = None if scheduler else start_local_cluster(jobs)
        try:
            self.client = connect(scheduler) if scheduler else Client(self.cluster)
            self.plugin = f"gradmut-children-{socket.gethostname()}-{os.getpid()}"
            self.client.register_plugin(ChildProcesses(), name=self.plugin)
        except BaseException as error:  # Ctrl-C or a refusal: leave no cluster behind
            if self.cluster is not None:
                self.cluster.close()
            if isinstance(error, ImportError):
                raise unavailable(f"a Dask worker cannot import gradmut ({error})") from None
            raise
        self.pending: dict[object, tuple[WorkItem, int]] = {}

    def execute(self, items: Iterable[WorkItem], timeout: float) -> Iterator[list[Measurement]]:
        """Yield each item's rows as its task completes; a lost task is submitted once more.

        Results are gathered in the background (`with_results`), so this thread only waits on
        a queue: a Ctrl-C lands there, never inside one of the client's blocking calls.
        """
        completed = as_completed(with_results=True, raise_errors=False)
        for item in items:
            completed.add(self._submit(item, timeout, attempt=1))
        for future, result in completed:
            item, attempt = self.pending.pop(future)
            error = _failure(future, result)
            if error is None:
                yield result
            elif not isinstance(error, (KilledWorker, CancelledError)):
                raise _as_usage_error(error)
            elif attempt == 1:
                completed.add(self._submit(item, timeout, attempt=2))
            else:
                yield failed_measurements(item, Status.CRASHED, "the Dask worker running it "
                                          f"died twice ({error.__class__.__name__})")

    def _submit(self, item: WorkItem, timeout: float, attempt: int):
        future = self.client.submit(evaluate_on_worker, self.plugin, self.ref,
                                    self.source_sha256, item, timeout, pure=False)
        self.pending[future] = (item, attempt)
        return future

    def close(self) -> None:
        try:
            if self.pending:
                self.client.cancel(list(self.pending))
            self.client.unregister_worker_plugin(self.plugin)  # kills the children
        except Exception:  # a scheduler already gone: its workers' teardown kills them instead
            pass
        finally:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()


def _failure(future, result) -> BaseException | None:
    """Return what went wrong with a completed task (None if it returned rows)."""
    if future.status == "error":
        return result[1].with_traceback(result[2])  # (type, exception, traceback)
    return result if isinstance(result, BaseException) else None  # cancelled: the error


def _as_usage_error(error: BaseException) -> BaseException:
    """A worker without gradmut or the target is a setup mistake (one line); anything else is
    our own bug and keeps its traceback."""
    if isinstance(error, TargetUnavailable):
        return unavailable(str(error))
    if isinstance(error, ImportError):
        return unavailable(f"a Dask worker cannot import gradmut ({error})")
    return error


def unavailable(what: str) -> UsageError:
    return UsageError(what, where="--executor dask",
                      fix="install the same gradmut on every worker and give file targets the "
                          "same path on each (a shared file system)")


def start_local_cluster(workers: int) -> LocalCluster:
    """Start `workers` single-threaded worker processes on loopback only, no dashboard, and
    Dask's own log lines from errors up only (the session records what befell each item).

    Its scheduler gives up on a task whose worker died at once (allowed-failures 0), so the
    executor's own single retry is the only one, and hands a worker a task only when its
    thread is free (worker-saturation 1.0), so a worker that dies takes no queued bystander
    with it (measured: no slower on a 20-case run).
    """
    with dask.config.set(SCHEDULER_CONFIG):
        return LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                            host="127.0.0.1", dashboard_address=None,
                            # The scheduler's HTTP routes (health, metrics) exist even without
                            # a dashboard: on a free loopback port, not on the usual 8787.
                            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                            silence_logs=logging.ERROR, preload=["harness.dask_executor"])


def dask_setup(worker) -> None:
    """Run by the workers of gradmut's own LocalCluster (preloaded): Ctrl-C, which a terminal
    sends to every process, is gradmut's to handle, as in the local pool's workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def connect(address: str) -> Client:
    """Connect to a running scheduler and wait for its first worker (UsageError if neither)."""
    fix = "start one with 'dask scheduler' and 'dask worker ADDRESS', or drop --scheduler " \
          "to run a local cluster"
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        raise UsageError(f"cannot reach the Dask scheduler ({error.__class__.__name__}: "
                         f"{' '.join(str(error).split())})", where=address, fix=fix) from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except TimeoutError:
        client.close()
        raise UsageError(f"the Dask scheduler has no worker after {CONNECT_TIMEOUT:g} s",
                         where=address, fix=fix) from None
    return client
