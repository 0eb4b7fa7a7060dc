"""The seam between planning and running: executors take work items and yield measurements.

`LocalPool` (the default) keeps long-lived worker processes, each initialised once per target
(module loaded, cases and finite differences cached). A mutant that hangs is killed at its
timeout, one that kills its worker or exhausts memory is recorded, and a fresh worker takes over.
`InlineExecutor` runs in the calling process: no isolation, for tiny jobs and debugging.
`make_executor` picks one by name; the Dask executor (optional extra) is imported only when asked.
Each has `execute(items, timeout)`, `close()` and `notices` (lines for the user, such as a
Dask scheduler's retry setting; the CLI prints them).
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from multiprocessing.connection import wait
from typing import Iterable, Iterator

from harness.errors import UsageError
from harness.records import Measurement, Status, WorkItem

# Address space a worker may add beyond what it inherits: a runaway allocation in a mutant
# becomes a MemoryError (a crashed row) instead of taking the machine down.
MEMORY_HEADROOM = 2 << 30

EXECUTORS = ("local", "dask")


def failed_measurements(item: WorkItem, status: Status, error: str) -> list[Measurement]:
    """Return one row per key of `item`, all with the same failure (timeout, dead worker)."""
    rows = [Measurement(item.mutant_id, seed, config.checker, config.epsilon, status,
                        error=error) for seed in item.seeds for config in item.configs]
    rows += [Measurement(item.mutant_id, seed, item.configs[0].checker,
                         item.configs[0].epsilon, status, error=error, probe=True)
             for seed in item.probe_seeds]
    return rows


def timed_out(item: WorkItem, timeout: float) -> list[Measurement]:
    """Return the rows of an item whose worker gave no result within `timeout` seconds."""
    return failed_measurements(item, Status.TIMEOUT, f"no result within {timeout:g} s")


def worker_died(item: WorkItem, exit_code: int | None) -> list[Measurement]:
    """Return the rows of an item whose worker process died while it ran."""
    return failed_measurements(item, Status.CRASHED, f"worker died (exit code {exit_code})")


def _limit_memory() -> None:
    try:
        import resource
        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (used + MEMORY_HEADROOM, resource.RLIM_INFINITY))
    except (ImportError, OSError, ValueError):  # not Linux: no limit
        pass


def _worker_main(target, connection) -> None:
    """Serve work items until the parent closes the pipe.

    `target` is the parent's LoadedTarget when forked (inherited, nothing re-executed) or a
    TargetRef when spawned (the worker loads the module itself).
    """
    from harness.evaluate import Evaluator
    from harness.targets_resolve import LoadedTarget, load_target

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _limit_memory()
    evaluator = Evaluator(target if isinstance(target, LoadedTarget) else load_target(target))
    _serve(evaluator, connection)


def _serve(evaluator, connection, idle_timeout: float | None = None) -> None:
    """Answer work items until the parent closes the pipe or dies, or (with `idle_timeout`)
    until no item has come for that many seconds."""
    parent = os.getppid()
    while True:
        idle_since = time.monotonic()
        try:
            # A forked worker holds a copy of the parent's end of its own pipe, so a parent
            # killed with -9 sends no EOF: notice it by being adopted by another process.
            while not connection.poll(1.0):
                if os.getppid() != parent:
                    return
                if idle_timeout is not None and time.monotonic() - idle_since > idle_timeout:
                    return
            item = connection.recv()
        except (EOFError, OSError):  # the parent closed the pipe, or died
            return
        rows = evaluator.evaluate(item)
        try:
            connection.send(rows)
        except OSError:  # the parent died while this item ran
            return


def serve_child(fd: int, idle_timeout: float | None = None) -> None:
    """Serve work items over an inherited socket: a worker started as its own interpreter.

    Dask workers are daemonic and threaded, so they may not (or should not) fork; they start
    a fresh interpreter that calls this instead. The first message is the TargetRef, answered by
    ("ready", source sha256) or ("error", one line); then items as in `_worker_main`, until
    none has come for `idle_timeout` seconds: a Dask worker may outlive the client that
    started the child, and nothing else would end it.
    """
    from multiprocessing.connection import Connection

    from harness.evaluate import Evaluator, describe_error
    from harness.targets_resolve import load_target

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    connection = Connection(fd)
    ref = connection.recv()
    try:
        loaded = load_target(ref)
    except Exception as error:  # a missing file or package on this machine: say which
        connection.send(("error", error.line() if isinstance(error, UsageError)
                         else describe_error(error)))
        return
    connection.send(("ready", loaded.source_sha256))
    _limit_memory()
    _serve(Evaluator(loaded), connection, idle_timeout)


def check_executor(executor: str, scheduler: str | None, jobs: int | None) -> None:
    """Refuse an unknown executor, a scheduler without Dask, or Dask when it is not installed."""
    if executor not in EXECUTORS:
        raise UsageError(f"unknown executor {executor!r}", where="--executor",
                         fix=f"choose one of: {', '.join(EXECUTORS)}")
    if scheduler and executor != "dask":
        raise UsageError("a scheduler address needs the Dask executor", where="--scheduler",
                         fix="add --executor dask")
    if executor == "dask":
        if jobs == 0:
            raise UsageError("--jobs 0 runs in this process, not on Dask", where="--jobs",
                             fix="give --jobs N (local cluster workers) or drop --executor dask")
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise UsageError("dask is not installed", where="--executor dask",
                             fix="pip install 'gradmut[dask]'") from None


def make_executor(loaded, jobs: int, executor: str = "local", scheduler: str | None = None):
    """Return the named executor: the local pool (or in-process for jobs=0), or Dask.

    Dask without a scheduler address starts a LocalCluster of `jobs` workers on loopback.
    """
    check_executor(executor, scheduler, jobs)
    if executor == "dask":
        from harness.dask_executor import DaskExecutor

        return DaskExecutor(loaded, jobs, scheduler)
    return InlineExecutor(loaded) if jobs == 0 else LocalPool(loaded, jobs)


class InlineExecutor:
    """Evaluate in this process, one item after another (no timeout, no isolation)."""

    notices: tuple[str, ...] = ()

    def __init__(self, loaded, jobs: int = 1):
        from harness.evaluate import Evaluator

        self.evaluator = Evaluator(loaded)

    def execute(self, items: Iterable[WorkItem], timeout: float) -> Iterator[list[Measurement]]:
        for item in items:
            yield self.evaluator.evaluate(item)

    def close(self) -> None:
        pass


class _Worker:
    def __init__(self, context, target):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(target, child), daemon=True)
        self.process.start()
        child.close()
        self.item: WorkItem | None = None
        self.deadline = 0.0

    def assign(self, item: WorkItem, timeout: float) -> None:
        self.item, self.deadline = item, time.monotonic() + timeout
        self.connection.send(item)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


class LocalPool:
    """Long-lived worker processes with a per-item timeout and respawn on death."""

    notices: tuple[str, ...] = ()

    def __init__(self, loaded, jobs: int):
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        self.context = multiprocessing.get_context(method)
        self.target = loaded if method == "fork" else loaded.ref
        self.workers = [_Worker(self.context, self.target) for _ in range(max(1, jobs))]

    def execute(self, items: Iterable[WorkItem], timeout: float) -> Iterator[list[Measurement]]:
        """Yield each item's measurements as it completes (completion order, not input order)."""
        pending = deque(items)
        idle = list(self.workers)
        busy: dict[object, _Worker] = {}
        while pending or busy:
            while pending and idle:
                worker = idle.pop()
                worker.assign(pending.popleft(), timeout)
                busy[worker.connection] = worker
            now = time.monotonic()
            next_deadline = min(worker.deadline for worker in busy.values())
            for connection in wait(list(busy), timeout=max(0.0, next_deadline - now)):
                worker = busy.pop(connection)
                try:
                    rows = connection.recv()
                except (EOFError, OSError):
                    code = worker.process.exitcode
                    worker.process.join(timeout=1)
                    rows = worker_died(worker.item,
                                       worker.process.exitcode if code is None else code)
                    worker = self._replace(worker)
                idle.append(worker)
                yield rows
            now = time.monotonic()
            for connection, worker in list(busy.items()):
                if worker.deadline <= now:
                    del busy[connection]
                    rows = timed_out(worker.item, timeout)
                    idle.append(self._replace(worker))
                    yield rows

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        fresh = _Worker(self.context, self.target)
        self.workers[self.workers.index(worker)] = fresh
        return fresh

    def close(self) -> None:
        for worker in self.workers:
            worker.kill()
