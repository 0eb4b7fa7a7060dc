"""The Dask executor: the local pool's work items and guarantees, on a dask.distributed cluster.

gradmut brings no scheduler of its own. Each work item is one Dask task, measured on a worker
in an evaluating child interpreter (`harness.dask_worker`), so timeouts and crashes are the
local pool's. If a Dask worker dies anyway (out of memory, a lost machine), its items are
submitted once more, then recorded as crashed. A lost scheduler stores nothing more: the run
stops with one line, and rerunning it resumes. Results stream back in completion order.
Imported only for `--executor dask` (the optional extra gradmut[dask]).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import time
from concurrent.futures import CancelledError
from typing import Iterable, Iterator

import dask
from distributed import Client, KilledWorker, LocalCluster

from harness.dask_worker import ChildProcesses, TargetUnavailable, evaluate_on_worker
from harness.errors import UsageError
from harness.executors import failed_measurements
from harness.records import Measurement, Status, WorkItem

CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler (a refused connection is retried so long)
WORKER_TIMEOUT = 30.0  # seconds for a reachable scheduler's first worker
NOTICE_LOSS = 2.0  # seconds the client may take to see its scheduler is gone
CHECK_EVERY = 1.0  # seconds between checks that the scheduler is still connected
PLUGIN_PREFIX = "gradmut-children-"  # + the client's id: unique per client, on any host
# A dead worker charges only the task it was running, and only the executor retries it.
SCHEDULER_CONFIG = {"distributed.scheduler.allowed-failures": 0,
                    "distributed.scheduler.worker-saturation": 1.0}
RETRY_FIX = ("start the scheduler with DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=0 and "
             "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION=1.0 for gradmut's retry-once rule, "
             "as its own local cluster does")


class DaskExecutor:
    """Send work items to a Dask scheduler (or a LocalCluster on loopback) and stream results.

    `notices` holds what the user should know about a scheduler of theirs (its retry rule).
    """

    def __init__(self, loaded, jobs: int, scheduler: str | None = None):
        self.ref, self.source_sha256 = loaded.ref, loaded.source_sha256
        self.logs = DaskLogs()
        self.cluster, self.client, self.notices = None, None, ()
        try:
            self.cluster = None if scheduler else start_local_cluster(jobs)
            self.address = scheduler or self.cluster.scheduler_address
            self.client = connect(scheduler) if scheduler else Client(self.cluster)
            if scheduler:
                self.notices = settle_shared_scheduler(self.client, scheduler)
            self.plugin = PLUGIN_PREFIX + self.client.id
            self.client.register_plugin(ChildProcesses(), name=self.plugin)
        except BaseException as error:  # Ctrl-C or a refusal: leave no client or cluster behind
            if self.client is not None:
                self.client.close()
            if self.cluster is not None:
                self.cluster.close()
            self.logs.restore()
            if isinstance(error, ImportError):
                raise unavailable(f"a Dask worker cannot import gradmut ({error})") from None
            raise
        self.pending: dict[object, tuple[WorkItem, int]] = {}
        self.done: queue.SimpleQueue = queue.SimpleQueue()
        self.lost = False

    def execute(self, items: Iterable[WorkItem], timeout: float) -> Iterator[list[Measurement]]:
        """Yield each item's rows as its task completes; a task whose worker died is submitted
        once more, then recorded as crashed. A lost scheduler raises UsageError and yields
        nothing for the unfinished items, so a rerun measures them.

        Dask's callback thread puts each completed future on a queue, so this thread waits
        there (a Ctrl-C lands on the queue) and checks in between that the client is still
        connected: a broken connection can leave a future that never completes.
        """
        for item in items:
            self._submit(item, timeout, attempt=1)
        while self.pending:
            batch = {future: future.status for future in self._completed()}
            if "cancelled" in batch.values():  # by the client on losing the scheduler
                raise self._lost()
            finished = [future for future, status in batch.items() if status != "error"]
            for future, rows in zip(finished, self._gather(finished)):
                del self.pending[future]
                yield rows
            for future in [future for future, status in batch.items() if status == "error"]:
                item, attempt = self.pending.pop(future)
                error = future.exception()
                if not isinstance(error, KilledWorker):
                    raise _as_usage_error(error.with_traceback(future.traceback()))
                if attempt == 1:
                    self._submit(item, timeout, attempt=2)
                else:
                    yield failed_measurements(item, Status.CRASHED, "the Dask worker running "
                                              "it died twice (KilledWorker)")

    def _submit(self, item: WorkItem, timeout: float, attempt: int) -> None:
        self._check_connected()
        future = self.client.submit(evaluate_on_worker, self.plugin, self.ref,
                                    self.source_sha256, item, timeout, pure=False)
        self.pending[future] = (item, attempt)
        future.add_done_callback(self.done.put)

    def _completed(self) -> list:
        """Wait for the next completed futures (one or more) of this run."""
        while True:
            try:
                batch = [self.done.get(timeout=CHECK_EVERY)]
                break
            except queue.Empty:
                self._check_connected()
        while not self.done.empty():
            batch.append(self.done.get())
        return [future for future in batch if future in self.pending]

    def _gather(self, futures: list) -> list:
        """Fetch the results of finished futures in one request, and give up on it as soon as
        the client has lost the scheduler (a request sent just then can wait out the connect
        timeout): the request runs on the client's event loop while this thread checks."""
        if not futures:
            return []
        request = asyncio.run_coroutine_threadsafe(self._gathered(futures),
                                                   self.client.loop.asyncio_loop)
        while True:
            try:
                return request.result(timeout=CHECK_EVERY)
            except concurrent.futures.TimeoutError:
                if self.client.status != "running":
                    request.cancel()
                    raise self._lost() from None
            except (OSError, CancelledError):  # CommClosedError is an OSError
                raise self._lost() from None

    async def _gathered(self, futures: list) -> list:
        return await self.client.gather(futures, asynchronous=True)

    def _check_connected(self) -> None:
        if self.client.status != "running":
            raise self._lost()

    def _lost(self) -> UsageError:
        """The error for tasks gone with the scheduler (or cancelled by it: a restart)."""
        self.lost = True
        self.logs.hold(logging.CRITICAL)
        # A killed scheduler can cancel the tasks a moment before the client notices the lost
        # connection: give it that moment, so the words say what happened.
        deadline = time.monotonic() + NOTICE_LOSS
        while self.client.status == "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        what = (f"lost the Dask scheduler at {self.address}" if self.client.status != "running"
                else f"the Dask scheduler at {self.address} cancelled gradmut's tasks (was the "
                     "cluster restarted?)")
        return UsageError(what, fix="rerun the same command to resume (a --session keeps the "
                                    "finished rows)")

    def close(self) -> None:
        # After a loss, a request would wait out the connect timeout, and the workers' own
        # closing kills the children anyway.
        try:
            if not self.lost and self.client.status == "running":
                if self.pending:
                    self.client.cancel(list(self.pending))
                self.client.unregister_worker_plugin(self.plugin)  # kills the children
        except Exception:  # lost meanwhile: the same holds
            pass
        finally:
            self.pending.clear()
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()
            self.logs.restore()


class DaskLogs:
    """Dask's own log lines while gradmut runs on a cluster: from errors up only (the session
    records what befell each item), and none once the scheduler is lost, which gradmut reports
    in one line (Dask would add tracebacks: a closed comm, the reconnection given up)."""

    NAMES = ("distributed", "distributed.client")  # each with its own handler on stderr

    def __init__(self):
        self.saved = {name: logging.getLogger(name).level for name in self.NAMES}
        self.hold(logging.ERROR)

    def hold(self, level: int) -> None:
        for name, saved in self.saved.items():
            logging.getLogger(name).setLevel(max(level, saved))

    def restore(self) -> None:
        for name, saved in self.saved.items():
            logging.getLogger(name).setLevel(saved)


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
                            silence_logs=logging.ERROR, preload=["harness.dask_worker"])


def connect(address: str) -> Client:
    """Connect to a running scheduler and wait for its first worker (UsageError if neither)."""
    fix = "start one with 'dask scheduler' and 'dask worker ADDRESS', or drop --scheduler " \
          "to run a local cluster"
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        raise UsageError(f"cannot reach the Dask scheduler within {CONNECT_TIMEOUT:g} s "
                         f"({error.__class__.__name__}: {' '.join(str(error).split())})",
                         where=address, fix=fix) from None
    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
    except TimeoutError:
        client.close()
        raise UsageError(f"the Dask scheduler has no worker after {WORKER_TIMEOUT:g} s",
                         where=address, fix=fix) from None
    return client


def settle_shared_scheduler(client: Client, address: str) -> tuple[str, ...]:
    """On a user's scheduler: unregister the plugins of gradmut clients that are gone (which
    kills their idle children on every worker), and return a notice if the scheduler retries
    tasks itself.

    The inspection runs on the scheduler, which need not have gradmut installed: a nested
    function, so cloudpickle sends it by value, not as a reference to this module.
    """
    def inspect(dask_scheduler):
        return (dask_scheduler.allowed_failures, sorted(dask_scheduler.clients),
                sorted(dask_scheduler.worker_plugins))

    try:
        allowed_failures, clients, plugins = client.run_on_scheduler(inspect)
    except Exception as error:  # a scheduler that refuses to run functions, say
        return (f"could not read allowed-failures of the Dask scheduler at {address} "
                f"({error.__class__.__name__}); unless it is 0, an item that kills its Dask "
                f"worker runs more than twice: {RETRY_FIX}",)
    for name in plugins:
        if name.startswith(PLUGIN_PREFIX) and name[len(PLUGIN_PREFIX):] not in clients:
            try:
                client.unregister_worker_plugin(name)
            except Exception:  # another client removed it first
                pass
    return retry_notices(address, allowed_failures)


def retry_notices(address: str, allowed_failures: int) -> tuple[str, ...]:
    """Return a notice unless the scheduler gives up on a task at its first dead worker."""
    if allowed_failures == 0:
        return ()
    runs = 2 * (allowed_failures + 1)
    return (f"the Dask scheduler at {address} has allowed-failures {allowed_failures}, so an "
            f"item that kills its Dask worker runs up to {runs} times before it is stored as "
            f"crashed, not twice; {RETRY_FIX}",)
