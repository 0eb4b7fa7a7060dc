"""`run()`: plan the work, skip what the session already holds, execute, store, and bundle.

The CLI's `gradmut run` is a thin shell over this function; notebooks call it directly.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, replace
from typing import Iterable, Sequence

from harness.check import require_positive, require_seed
from harness.checkers import CHECKERS
from harness.environment import environment
from harness.errors import UsageError
from harness.executors import check_executor, make_executor
from harness.records import (BASELINE_ID, SENTINEL_ID, CheckConfig, FunctionText, WorkItem)
from harness.results import SCAN_EPSILONS, Results, RunConfig, build_results
from harness.session import MutantRecord, Session
from harness.shards import check_shard, select, shard_label
from harness.targets_resolve import LoadedTarget, load_any

PROBE_SEEDS = (101, 102, 103)


def parse_seeds(seeds: Sequence[int] | None, cases: int | None) -> tuple[int, ...]:
    """Return the checked seeds: explicit ones, or 1..cases (seed 1 is the course's case)."""
    if seeds and cases:
        raise UsageError("give --seeds or --cases, not both", where="--seeds/--cases")
    if cases is not None and cases < 1:
        raise UsageError(f"must be at least 1, got {cases}", where="--cases")
    chosen = tuple(seeds) if seeds else tuple(range(1, (cases or 1) + 1))
    for seed in chosen:
        require_seed(seed, "--seeds")
    return tuple(sorted(set(chosen)))


def special_records(loaded: LoadedTarget) -> list[MutantRecord]:
    """The baseline (the code as given) and the sentinel (every gradient doubled)."""
    function = loaded.target.function_label
    return [MutantRecord(BASELINE_ID, "baseline", function, 0, 0, 0, 0, "", "",
                         "the unmutated backward pass"),
            MutantRecord(SENTINEL_ID, "sentinel", function, 0, 0, 0, 0, "", "",
                         "every parameter gradient doubled: any working check must flag it")]


def mutant_records(loaded: LoadedTarget, operators, function: str | None,
                   order: int, factors=None) -> list[MutantRecord]:
    """Generate the mutants (in memory) and turn them into stored records."""
    from harness.mutants import mutants_for

    _, mutants = mutants_for(loaded.target, function=function, operators=operators, order=order,
                             source=loaded.source, factors=factors)
    return [MutantRecord(m.id, m.operator, m.function, m.line, m.column, m.end_line,
                         m.end_column, m.original, m.mutated, _described(loaded, m),
                         tuple(m.parts),
                         tuple(FunctionText(f.name, f.first_line, f.source) for f in m.functions),
                         m.source)
            for m in mutants]


def _described(loaded: LoadedTarget, mutant) -> str:
    """The mutant's description, with its notebook cell and line when it came from a notebook."""
    if not loaded.line_map:
        return mutant.description
    return f"{mutant.description} ({loaded.where(mutant.line)})"


def plan(records: Iterable[MutantRecord], config: RunConfig,
         stored: set[tuple]) -> list[WorkItem]:
    """Return a work item per mutant with rows missing from the session (resume).

    The baseline is also checked at SCAN_EPSILONS, so a check that fails the unmutated code can
    be told apart from unmutated code that is wrong (Results.baseline_verdict).
    """
    check = CheckConfig(config.checker, config.epsilon)
    scan = tuple(CheckConfig(config.checker, e) for e in SCAN_EPSILONS if e != config.epsilon)
    reference = "exact" if config.oracle else "backward"
    probed = {(key[0], key[1]) for key in stored}
    items = []
    for record in records:
        configs = (check,) + (scan if record.id == BASELINE_ID else ())
        seeds = tuple(s for s in config.seeds
                      if any((record.id, s, c.checker, c.epsilon) not in stored for c in configs))
        probes = tuple(s for s in config.probe_seeds if (record.id, s) not in probed)
        if seeds or probes:
            items.append(WorkItem(record.id, record.functions, seeds, configs, probes,
                                  reference))
    return items


def check_oracle(oracle: str | None, loaded: LoadedTarget,
                 seeds: Sequence[int]) -> tuple[str, tuple[str, ...]]:
    """Return ("autograd", ()) if the oracle differentiates every case, else ("", notice)."""
    if not oracle:
        return "", ()
    if oracle != "autograd":
        raise UsageError(f"unknown oracle {oracle!r}", where="--oracle",
                         fix="the only oracle is 'autograd'")
    from harness.oracle import Oracle, OracleUnavailable

    exact = Oracle(loaded)
    try:
        for seed in seeds:
            exact.gradient(loaded.target.make_case(seed))
    except OracleUnavailable as error:
        return "", (f"{error.where}: {error.what}; using the reference backward instead",)
    return "autograd", ()


def default_jobs() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def run(target: str | LoadedTarget = "three-layer", operators: Sequence[str] | str | None = None,
        epsilon: float | None = None, threshold: float | None = None,
        seeds: Sequence[int] | None = None, cases: int | None = None,
        checker: str = "course", jobs: int | None = None, timeout: float = 10.0,
        session: str | None = None, function: str | None = None, order: int = 1,
        progress: bool = False, oracle: str | None = None, forward: str | None = None,
        backward: str | None = None, shard: tuple[int, int] | None = None,
        executor: str = "local", scheduler: str | None = None,
        factors: Sequence[float] | None = None) -> Results:
    """Mutate the target's backward pass, check every mutant, and return the Results.

    `jobs=0` runs in this process (no isolation, no timeout); `session` names an SQLite file
    that keeps every row and lets an interrupted run resume. `oracle="autograd"` judges
    equivalence against the exact gradient and splits each difference into the mutant's error
    and the check's own; where autograd cannot differentiate the forward pass, a notice says
    so and the run carries on with the reference backward. `target` is a built-in name or a
    path to a .py file, a notebook or a target file; `forward`/`backward` name a course-shaped
    file's functions (default forward_propagation_n / backward_propagation_n). `epsilon` and
    `threshold` default to the checker's own (course: 1e-7 and 2e-7; cs231n: h 1e-5).
    `shard=(k, n)` runs only the k-th of n deterministic parts of the mutants (k from 1; the
    baseline and sentinel in every part), for `gradmut merge` to combine. `executor="dask"`
    sends the work to the Dask scheduler at `scheduler` (default: a local cluster of `jobs`).
    `factors` replaces the scale operator's factors (2, 4, 0.5, -1), e.g. (1.001,).
    """
    check_executor(executor, scheduler, jobs)
    shard = None if shard is None else check_shard(shard)
    if checker not in CHECKERS:
        raise UsageError(f"unknown checker {checker!r}", where="--checker",
                         fix=f"choose one of: {', '.join(CHECKERS)}")
    threshold = CHECKERS[checker].default_threshold if threshold is None else threshold
    epsilon = CHECKERS[checker].default_epsilon if epsilon is None else epsilon
    checked = parse_seeds(seeds, cases)
    config = RunConfig(checker=checker, epsilon=require_positive(epsilon, "--epsilon"),
                       threshold=require_positive(threshold, "--threshold"), seeds=checked,
                       probe_seeds=tuple(s for s in PROBE_SEEDS if s not in checked),
                       order=order)
    require_positive(timeout, "--timeout", "10")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0):
        raise UsageError(f"must be an integer >= 0, got {jobs!r}", where="--jobs",
                         fix="pass e.g. --jobs 2 (0 runs in this process)")
    loaded = load_any(target, None, forward, backward)
    oracle_name, notices = check_oracle(oracle, loaded, checked + config.probe_seeds)
    config = replace(config, oracle=oracle_name)
    env = environment()
    records = special_records(loaded) + mutant_records(loaded, operators, function, order,
                                                       factors)
    config = replace(config, function=function or loaded.target.function_label,
                     operators=tuple(sorted({r.operator for r in records[2:]})),
                     factors=tuple(float(k) for k in factors or ()))
    records = select(records, shard)  # after the config: every shard stores the same one
    if shard:  # said in the results too, so a shard's JSON and reports cannot pass for a run
        notices += (f"shard {shard[0]}/{shard[1]}: {len(records) - 2} mutants; combine the "
                    "shards' sessions with 'gradmut merge' (--fail-under belongs after it)",)
    store = Session.open(session, loaded.target.name, loaded.source_sha256,
                         {"environment": _json(env), "source": loaded.source,
                          "config": _json(asdict(config)), "source_path": loaded.filename,
                          "shard": shard_label(shard),
                          "line_map": _json(sorted(loaded.line_map.items()))
                          if loaded.line_map else ""})
    try:
        store.add_mutants(records)
        items = plan(records, config, store.stored_keys(exact=bool(config.oracle)))
        notices += _execute(loaded, items, store, jobs, timeout, progress, executor, scheduler)
        return build_results(loaded.target.name, config, env, loaded.filename, loaded.source,
                             records, store.measurements(), tuple(store.notices) + notices,
                             loaded.line_map)
    finally:
        store.close()


def _execute(loaded: LoadedTarget, items: list[WorkItem], store: Session, jobs: int | None,
             timeout: float, progress: bool, executor: str = "local",
             scheduler: str | None = None) -> tuple[str, ...]:
    """Run the items, storing each result as it arrives; return the executor's notices."""
    if not items:
        return ()
    jobs = default_jobs() if jobs is None else jobs
    pool = make_executor(loaded, min(jobs, len(items)), executor, scheduler)
    bar = _progress_bar(len(items), progress)
    try:
        for rows in pool.execute(items, timeout):
            store.add_measurements(rows)
            bar.update(1)
    finally:
        bar.close()
        pool.close()
    return pool.notices


def _progress_bar(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="mutant", file=sys.stderr, disable=not enabled, delay=0.5,
                leave=False)


def _json(value) -> str:
    return json.dumps(value, sort_keys=True)
