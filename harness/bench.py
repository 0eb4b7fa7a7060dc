"""`gradmut bench`: what a mutant-check costs, against a bare backward call and the naive way.

Measured in one process on this machine: a bare backward and forward call, mutant generation,
gradmut's cost per mutant-check at the margin (a many-case run against a one-case run, so start-up
cancels out), the naive cost (the course's whole check, numerical gradient included, per mutant),
and the wall time of a fresh `gradmut run` as a user starts it. With `executor_walls`, what
going distributed costs: fresh commands on the local pool against a Dask LocalCluster.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import timeit

from harness.check import analytic_gradient, initial_theta, loss_of_theta
from harness.checkers import CHECKERS
from harness.environment import environment
from harness.loading import with_function
from harness.targets_resolve import builtin_ref, load_target


def _per_call(function, repeat: int = 5, number: int = 2000) -> float:
    """Return the best-of-`repeat` seconds per call of `function`."""
    return min(timeit.repeat(function, repeat=repeat, number=number)) / number


def bare_calls(target_name: str) -> dict:
    loaded = load_target(builtin_ref(target_name))
    case = loaded.target.make_case(1)
    parameters = dict(case.parameters)
    gradients = loaded.target.gradients
    loss = loaded.target.loss
    both = _per_call(lambda: gradients(loaded.namespace, case, parameters))
    forward = _per_call(lambda: loss(loaded.namespace, case, parameters))
    return {"forward_seconds": forward, "backward_seconds": max(both - forward, 0.0)}


def naive_per_mutant(target_name: str, sample: int = 20) -> float:
    """Seconds per mutant when each one repeats the course's whole check (no reuse)."""
    from harness.mutants import mutants_for

    loaded = load_target(builtin_ref(target_name))
    target, case = loaded.target, loaded.target.make_case(1)
    _, mutants = mutants_for(target)
    course = CHECKERS["course"]
    start = time.perf_counter()
    for mutant in mutants[:sample]:
        namespace = loaded.namespace
        for function in mutant.functions:
            namespace = with_function(namespace, function.source, "<naive>", function.first_line)
        approx = course.prepare(loss_of_theta(target, namespace, case),
                                initial_theta(target, case), 1e-7)
        try:
            course.compare(analytic_gradient(target, namespace, case), approx, target.layout)
        except Exception:  # crashing mutants cost what they cost
            pass
    return (time.perf_counter() - start) / min(sample, len(mutants))


def margin_per_check(target_name: str, cases: int = 20) -> dict:
    """Seconds per mutant-check from the difference between a `cases`-case and a 1-case run."""
    from harness.run import run

    def timed(n: int):
        start = time.perf_counter()
        results = run(target_name, cases=n)
        return time.perf_counter() - start, len(results.mutants) + 2

    one, mutants = timed(1)
    many, _ = timed(cases)
    checks = mutants * (cases - 1)
    return {"run_1_case_seconds": one, f"run_{cases}_cases_seconds": many,
            "mutants": mutants, "per_check_seconds": (many - one) / checks}


def generation_seconds(target_name: str) -> dict:
    """Seconds to import LibCST and the operators, and to generate every default mutant."""
    start = time.perf_counter()
    from harness.mutants import mutants_for
    import mutators  # noqa: F401  (LibCST and its matchers: a fixed start-up cost)

    imported = time.perf_counter()
    target = load_target(builtin_ref(target_name)).target
    _, mutants = mutants_for(target)
    return {"mutators_import_seconds": imported - start,
            "generation_seconds": time.perf_counter() - imported, "generated": len(mutants)}


def end_to_end_seconds(target_name: str, repeat: int = 3) -> float:
    """Median wall time of a fresh `gradmut run` in a new interpreter (start-up included)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "harness", "run", "--target", target_name],
                       check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(target_name: str = "three-layer", cases: int = 20) -> dict:
    """Return every figure, and the ratios the README quotes."""
    figures = {"target": target_name, "environment": environment()}
    figures.update(bare_calls(target_name))
    figures.update(generation_seconds(target_name))
    figures.update(margin_per_check(target_name, cases))
    figures["naive_per_mutant_seconds"] = naive_per_mutant(target_name)
    figures["end_to_end_seconds"] = end_to_end_seconds(target_name)
    per_check = figures["per_check_seconds"]
    figures["checks_per_second"] = 1 / per_check if per_check > 0 else None
    figures["per_check_over_backward"] = per_check / figures["backward_seconds"]
    figures["naive_over_per_check"] = figures["naive_per_mutant_seconds"] / per_check
    return figures


def executor_walls(target_name: str = "three-layer", cases: int = 20, rounds: int = 5,
                   jobs: int = 2) -> dict:
    """Wall times of a fresh `gradmut sweep` and `gradmut run --cases N` (new interpreters,
    no session), on the local pool and on a LocalCluster of the same `jobs`, alternated
    `rounds` times (the first executor alternates too), with each one's median and range.

    Alternating spreads a busy moment of the machine over both executors instead of one.
    """
    builtin_ref(target_name)  # an unknown target: one line here, not in a child's stderr
    before = _load_average()
    commands = {"sweep": ["sweep", "--target", target_name],
                f"run --cases {cases}": ["run", "--target", target_name, "--cases", str(cases)]}
    walls = {name: {"local": [], "dask": []} for name in commands}
    for round_ in range(rounds):
        order = ("local", "dask") if round_ % 2 == 0 else ("dask", "local")
        for name, argv in commands.items():
            for executor in order:
                walls[name][executor].append(
                    _wall(argv + ["--executor", executor, "--jobs", str(jobs)]))
    return {"target": target_name, "rounds": rounds, "jobs": jobs, "environment": environment(),
            "cpus": os.cpu_count(), "load_average_before": before,
            "load_average_after": _load_average(), "jobs_timed": {name: {executor: _spread(times) for executor, times in by.items()}
                           for name, by in walls.items()}}


def _wall(argv: list[str]) -> float:
    """Seconds of `python -m harness ARGV` from start to exit (output discarded)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "harness", *argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"gradmut {' '.join(argv)} exited {done.returncode}: "
                           f"{done.stderr.strip()[-500:]}")
    return seconds


def _spread(times: list[float]) -> dict:
    return {"median_seconds": statistics.median(times), "min_seconds": min(times),
            "max_seconds": max(times), "seconds": times}


def _load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages of the machine (None where unknown)."""
    try:
        return [round(load, 2) for load in os.getloadavg()]
    except (AttributeError, OSError):
        return None
