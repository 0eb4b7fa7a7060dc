"""Another killer beside the gradient check: the user's pytest file, run against every mutant.

A course's unit tests compare outputs with hard-coded values; the gradient check compares with
the numerical gradient. Each catches bugs the other does not, and this module shows which. Every
mutant's whole module is written to a fresh temporary directory (never into the user's tree) and
put into sys.modules under the original module's name before pytest starts, so the tests'
`from student import backward_propagation_n` gets the mutant. Subprocesses run in parallel, each
with a timeout; pytest's cache and bytecode writes are switched off so the user's tree is left as
it was, and plugins are not autoloaded (set PYTEST_PLUGINS to name any the tests need).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from harness.errors import UsageError
from harness.outcomes import Outcome

# Runs first in every subprocess: the user's own directory is importable, and gradmut's helpers
# answer to the course's module names unless the user has a file of that name there (as loading
# does for the gradient check: the user's own gc_utils.py wins).
PREAMBLE = """
import os, sys
source_dir = os.environ.get("GRADMUT_SOURCE_DIR", "")
if source_dir:
    sys.path.insert(0, source_dir)
from targets import course_cases, course_helpers
sys.modules.update({name: helper for name, helper in
                    (("gc_utils", course_helpers), ("testCases", course_cases))
                    if not os.path.isfile(os.path.join(source_dir, name + ".py"))})
"""
# Runs in the subprocess: serve the mutant under its import names, then the tests.
BOOTSTRAP = PREAMBLE + """
import importlib.util
path, testfile, names = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
spec = importlib.util.spec_from_file_location(names[0], path)
module = importlib.util.module_from_spec(spec)
sys.modules.update({name: module for name in names})
spec.loader.exec_module(module)
import pytest
sys.exit(pytest.main(["-q", "-x", "-p", "no:cacheprovider", "--no-header", "-o", "addopts=",
                      testfile]))
"""
# A long-lived server: pytest and numpy are imported once, and each mutant runs in a fork of it
# (a fresh copy with nothing of the previous mutant), with its own timeout.
SERVER = PREAMBLE + """
import importlib.util, time
testfile, names = sys.argv[1], sys.argv[2].split(",")
import numpy, pytest
for line in sys.stdin:
    path, timeout = line.rstrip("\\n").rsplit("\\t", 1)
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1), os.dup2(null, 2)
            spec = importlib.util.spec_from_file_location(names[0], path)
            module = importlib.util.module_from_spec(spec)
            sys.modules.update({name: module for name in names})
            spec.loader.exec_module(module)
            code = int(pytest.main(["-q", "-x", "-p", "no:cacheprovider", "-o", "addopts=",
                                    testfile]))
        finally:
            os._exit(code)
    deadline, status = time.monotonic() + float(timeout), None
    while status is None:
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = str(os.waitstatus_to_exitcode(code))
        elif time.monotonic() > deadline:
            os.kill(pid, 9), os.waitpid(pid, 0)
            status = "timeout"
        else:
            time.sleep(0.002)
    print(status, flush=True)
"""
CHECK_KILLS = (Outcome.CAUGHT, Outcome.CRASHED, Outcome.INVALID, Outcome.TIMEOUT)
BASELINE_TIMEOUT = 60.0  # the unmutated run starts a fresh interpreter: never cut it short
SHOWN = 10  # rows of 'gradient check only' listed without --all
NO_TESTS = 5  # pytest's exit status when it collected nothing


@dataclass(frozen=True, slots=True)
class PytestKills:
    """What the test file did to each mutant: 'killed', 'survived' or 'timeout'."""

    test_file: str
    module: str
    verdicts: dict[str, str]
    by_check: dict[str, str]  # each mutant's gradient-check outcome
    changes: dict[str, tuple[str, str]]  # id -> (line or "cell C, line L", "orig -> mutated")

    def groups(self) -> dict[str, list[str]]:
        """Split the mutants by who killed them (the check's crashes count as its kills)."""
        found = {"both": [], "gradient check only": [], "unit tests only": [], "neither": []}
        for mutant_id, outcome in self.by_check.items():
            check = Outcome(outcome) in CHECK_KILLS
            tests = self.verdicts[mutant_id] != "survived"
            key = ("both" if tests else "gradient check only") if check else \
                ("unit tests only" if tests else "neither")
            found[key].append(mutant_id)
        return found

    def render(self, fmt: str, show_all: bool = False) -> str:
        """The four-way table, then the mutants where the two disagree (the check's side cut
        to SHOWN rows unless `show_all`)."""
        from harness.tables import Table, render

        groups = self.groups()
        rows = tuple((name, str(len(ids))) for name, ids in groups.items())
        title = f"Gradient check vs unit tests ({self.test_file})"
        lines = ["", title, render(Table(title, ("killed by", "mutants"), rows), fmt)]
        equivalent = [i for i, o in self.by_check.items() if o == Outcome.EQUIVALENT.value]
        if equivalent:
            killed = sum(self.verdicts[i] != "survived" for i in equivalent)
            lines.append(f"{len(equivalent)} mutants give the correct gradient values "
                         f"(equivalent to the check); the unit tests fail {killed} of them")
        check_only = groups["gradient check only"]
        listed = groups["unit tests only"] + (check_only if show_all else check_only[:SHOWN])
        differ = tuple((i, self.changes[i][0], self.changes[i][1], self.by_check[i],
                        self.verdicts[i]) for i in listed)
        if differ:
            lines += ["", "Where they disagree", render(Table(
                "Where they disagree", ("id", "line", "change", "gradient check", "unit tests"),
                differ), fmt)]
        if len(listed) < len(groups["unit tests only"]) + len(check_only):
            lines.append(f"... and {len(check_only) - SHOWN} more caught by the gradient check "
                         "only (--all lists them)")
        return "\n".join(lines) + "\n"

    def with_json(self, text: str) -> str:
        """Return the results JSON with a 'pytest' section added."""
        data = json.loads(text)
        data["pytest"] = {"test_file": self.test_file, "module": self.module,
                          "verdicts": self.verdicts, "groups": self.groups()}
        return json.dumps(data, indent=1, sort_keys=True) + "\n"


def module_names(loaded) -> list[str]:
    """The names the tests may import the code under test by: the file's stem (and, for a
    built-in target, its dotted name such as targets.three_layer)."""
    stem = Path(loaded.target.source_path).stem
    return [stem] if loaded.ref.path else [stem, f"targets.{stem}"]


def _run_file(module: Path, names: list[str], test_file: Path, timeout: float,
              source_dir: Path | None) -> str:
    """Run the tests in a fresh interpreter against one module file: 'survived', 'timeout' or
    'killed' with pytest's last line."""
    try:
        done = subprocess.run([sys.executable, "-c", BOOTSTRAP, str(module), str(test_file),
                               ",".join(names)], cwd=test_file.parent,
                              env=_environment(source_dir),
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout"
    if done.returncode == NO_TESTS:
        return "killed: no tests collected"
    return "survived" if done.returncode == 0 else f"killed: {_last_line(done)}"


def _last_line(done) -> str:
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[-1][:200] if lines else f"exit status {done.returncode}"


def _environment(source_dir: Path | None) -> dict:
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "GRADMUT_SOURCE_DIR": str(source_dir or "")}


class _Server:
    """One fork server (see SERVER), started lazily and restarted if it dies."""

    def __init__(self, names: list[str], test_file: Path, source_dir: Path | None):
        self.names, self.test_file, self.source_dir = names, test_file, source_dir
        self.process = None

    def run(self, module: Path, timeout: float) -> str:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-c", SERVER, str(self.test_file), ",".join(self.names)],
                cwd=self.test_file.parent, env=_environment(self.source_dir),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.process.stdin.write(f"{module}\t{timeout}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if answer == "timeout":
            return "timeout"
        return "survived" if answer == "0" else "killed"  # '' if the server itself died

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait()


def _run_all(sources: dict, root: Path, names: list[str], test_file: Path, timeout: float,
             jobs: int, source_dir: Path | None) -> dict[str, str]:
    """Run the tests against every mutant, `jobs` at a time; return id -> verdict."""
    ids = sorted(sources)
    for index, mutant_id in enumerate(ids):
        (root / str(index)).mkdir()
        (root / str(index) / f"{names[0]}.py").write_text(sources[mutant_id], encoding="utf-8")
    if not hasattr(os, "fork"):  # no fork server: one fresh interpreter per mutant
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return dict(zip(ids, pool.map(lambda index: _run_file(
                root / str(index) / f"{names[0]}.py", names, test_file, timeout, source_dir),
                range(len(ids)))))
    servers = [_Server(names, test_file, source_dir)
               for _ in range(max(1, min(jobs, len(ids))))]
    queue = list(enumerate(ids))
    found = {}

    def serve(server: _Server) -> None:
        while queue:
            index, mutant_id = queue.pop(0)
            found[mutant_id] = server.run(root / str(index) / f"{names[0]}.py", timeout)
        server.close()

    with ThreadPoolExecutor(max_workers=len(servers)) as pool:
        list(pool.map(serve, servers))
    return {mutant_id: found[mutant_id] for mutant_id in ids}


def kill_with_pytest(loaded, results, test_file: str, jobs: int | None = None,
                     timeout: float = 60.0) -> PytestKills:
    """Run `test_file` against the unmutated module (it must pass) and then every mutant."""
    path = Path(test_file)
    if not path.is_file():
        raise UsageError("no such test file", where=test_file, fix="pass a pytest file")
    names = module_names(loaded)
    # a user's file: its folder is importable and its own gc_utils.py wins; a built-in: none
    source_dir = Path(loaded.filename).resolve().parent if loaded.ref.path else None
    sources = {r.mutant.id: r.mutant.source for r in results.mutants}
    from harness.run import default_jobs
    from harness.targets_resolve import line_label

    with tempfile.TemporaryDirectory(prefix="gradmut-pytest-") as scratch:
        root = Path(scratch)
        (root / "baseline").mkdir()
        module = root / "baseline" / f"{names[0]}.py"
        module.write_text(loaded.source, encoding="utf-8")
        baseline = _run_file(module, names, path.resolve(), max(timeout, BASELINE_TIMEOUT),
                             source_dir)
        if baseline != "survived":
            raise UsageError(f"the tests do not pass on the unmutated code ({baseline})",
                             where=test_file, fix=f"make them pass first; they import the "
                                                  f"code under test as {names[0]!r}")
        verdicts = _run_all(sources, root, names, path.resolve(), timeout,
                            jobs or default_jobs(), source_dir)
    return PytestKills(test_file, names[0], verdicts,
                       {r.mutant.id: r.outcome.value for r in results.mutants},
                       {r.mutant.id: (line_label(loaded.line_map, r.mutant.line),
                                      f"{r.mutant.original} -> {r.mutant.mutated}")
                        for r in results.mutants})
