"""What runs on a Dask worker for gradmut: evaluating child interpreters, kept by a plugin.

A Dask worker is daemonic and threaded, so each item is measured in a child interpreter the
worker keeps per target (started once, like the local pool's workers): a hanging mutant is
killed at its timeout there, one that kills its interpreter costs only that child, and the
Dask worker lives on. The client side is `harness.dask_executor`.
"""
from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys
import threading
import time

from distributed import WorkerPlugin, get_worker

from harness.executors import timed_out, worker_died
from harness.records import Measurement, TargetRef, WorkItem

LOAD_TIMEOUT = 300.0  # seconds for a child to import gradmut and load the target
# A child exits after CHILD_IDLE seconds without an item, so a client that died without
# unregistering its plugin leaves no interpreter behind; the plugin hands items only to
# children idle for less than CHILD_REUSE, well clear of the moment they leave.
CHILD_IDLE = 300.0
CHILD_REUSE = CHILD_IDLE - 60.0
CHILD = "from harness.executors import serve_child; serve_child({fd}, {idle})"


class TargetUnavailable(Exception):
    """A worker cannot load the target (not installed there, file missing, or a different file)."""


class _Child:
    """One evaluating interpreter on a Dask worker, serving items over a socket pair."""

    def __init__(self, ref: TargetRef):
        parent, child = multiprocessing.Pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD.format(fd=child.fileno(), idle=CHILD_IDLE)],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL)
        child.close()
        self.connection = parent
        parent.send(ref)
        kind, detail = self._answer()
        if kind != "ready":
            self.kill()
            raise TargetUnavailable(detail)
        self.source_sha256 = detail
        self.idle_since = time.monotonic()

    def _answer(self) -> tuple[str, str]:
        """Wait for ("ready", sha256) or ("error", line) from the starting child."""
        if not self.connection.poll(LOAD_TIMEOUT):
            return "error", f"the target did not load within {LOAD_TIMEOUT:g} s"
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            return "error", (f"the evaluating interpreter exited (code {self.process.wait()}) "
                             "before loading the target: is gradmut installed on this worker?")

    def reusable(self) -> bool:
        """Return True if alive and idle for less than CHILD_REUSE (so not about to exit)."""
        return self.process.poll() is None and time.monotonic() - self.idle_since < CHILD_REUSE

    def evaluate(self, item: WorkItem, timeout: float) -> tuple[list[Measurement], bool]:
        """Return the item's rows and whether this child may serve again (no hang, no death)."""
        try:
            self.connection.send(item)
            if not self.connection.poll(timeout):
                return timed_out(item, timeout), False
            rows = self.connection.recv()
        except (EOFError, OSError):
            try:
                code = self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            return worker_died(item, code), False
        self.idle_since = time.monotonic()
        return rows, True

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
        found, spent = None, []
        with self.lock:
            idle = self.idle.get((ref, source_sha256), [])
            while idle and found is None:
                child = idle.pop()
                if child.reusable():
                    found = child
                else:
                    spent.append(child)
        for child in spent:  # exited, or about to exit on its own
            child.kill()
        return found or self._start(ref, source_sha256)

    @staticmethod
    def _start(ref: TargetRef, source_sha256: str) -> _Child:
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


def dask_setup(worker) -> None:
    """Run by the workers of gradmut's own LocalCluster (preloaded): Ctrl-C, which a terminal
    sends to every process, is gradmut's to handle, as in the local pool's workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
