"""`sweep()`: how good a gradient check is, over epsilons, thresholds, test cases and checkers.

A run says what one check did on one case; a sweep measures the check. Work is shared, not
repeated: one work item per mutant carries every case and every (checker, epsilon), so a worker
runs each mutant's backward once per case and compares it under every configuration, while
each finite-difference preparation is computed once per (case, epsilon) per worker and cached.
Thresholds cost nothing (outcomes are derived from stored differences). `gradmut sweep` is a
thin shell over this function.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Sequence

from harness.bisection import smallest_detectable
from harness.check import require_positive
from harness.checkers import CHECKERS
from harness.dead_units import dead_units
from harness.environment import environment
from harness.errors import UsageError
from harness.evaluate import Evaluator
from harness.executors import check_executor
from harness.records import BASELINE_ID, SENTINEL_ID, CheckConfig, WorkItem
from harness.run import _execute, mutant_records, parse_seeds, special_records
from harness.session import Session
from harness.shards import check_shard, select, shard_label
from harness.sweep_exact import exact_curve
from harness.sweep_results import SweepResults
from harness.targets_resolve import LoadedTarget, load_any

DEFAULT_EPSILONS = tuple(float(f"1e-{k}") for k in range(1, 11))
DEFAULT_CASES = 20
COURSE_SEED = 1  # the course's own case: the curves are drawn on it, so it is always swept
COURSE_THRESHOLDS = (1e-7, 2e-7)  # the first notebook's and the later ones'


@dataclass(frozen=True, slots=True)
class SweepConfig:
    """What a sweep measures. The first checker is the primary one: its baseline curve,
    per-mutant curves, detection rates and smallest detectable scales are reported at
    (epsilon, threshold); the others are measured at their own default operating points."""

    checkers: tuple[str, ...]
    epsilons: tuple[float, ...]  # descending
    thresholds: tuple[float, ...]  # the primary checker's, ascending
    seeds: tuple[int, ...]
    epsilon: float
    threshold: float
    operators: tuple[str, ...] = ()
    function: str = ""
    order: int = 1
    course_seed: int = COURSE_SEED

    @property
    def primary(self) -> str:
        return self.checkers[0]

    def operating_point(self, checker: str) -> tuple[float, float]:
        """Return (epsilon, threshold) at which `checker` is judged in the kill matrix."""
        if checker == self.primary:
            return self.epsilon, self.threshold
        return CHECKERS[checker].default_epsilon, CHECKERS[checker].default_threshold

    def primary_epsilons(self) -> tuple[float, ...]:
        return tuple(sorted(set(self.epsilons) | {self.epsilon}, reverse=True))

    def mutant_configs(self) -> tuple[CheckConfig, ...]:
        """The primary checker at every epsilon, every other checker at its operating point."""
        sweep = [CheckConfig(self.primary, e) for e in self.primary_epsilons()]
        return tuple(sweep + [CheckConfig(c, self.operating_point(c)[0])
                              for c in self.checkers[1:]])

    def baseline_configs(self) -> tuple[CheckConfig, ...]:
        """Every checker at every epsilon (and its operating point): each checker's U-curve."""
        return tuple(CheckConfig(c, e) for c in self.checkers
                     for e in sorted(set(self.epsilons) | {self.operating_point(c)[0]},
                                     reverse=True))

    def configs_for(self, mutant_id: str) -> tuple[CheckConfig, ...]:
        if mutant_id == BASELINE_ID:
            return self.baseline_configs()
        if mutant_id == SENTINEL_ID:
            return tuple(CheckConfig(c, self.operating_point(c)[0]) for c in self.checkers)
        return self.mutant_configs()


def parse_checkers(names: Sequence[str] | str | None) -> tuple[str, ...]:
    """Return known checker names in the given order (default: all), or raise a UsageError."""
    if names is None:
        return tuple(CHECKERS)
    chosen = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
    chosen = [n for n in chosen if n]
    unknown = [n for n in chosen if n not in CHECKERS]
    if unknown or not chosen:
        raise UsageError(f"unknown checker {unknown[0]!r}" if unknown else "no checker given",
                         where="--checkers", fix=f"choose from: {', '.join(CHECKERS)}")
    return tuple(dict.fromkeys(chosen))


def positive_values(values: Sequence[float], option: str) -> tuple[float, ...]:
    if not values:
        raise UsageError("needs at least one value", where=option, fix=f"pass e.g. {option} 1e-7")
    return tuple(sorted({require_positive(v, option) for v in values}))


def sweep_config(checkers=None, epsilons=None, thresholds=None, seeds=None, cases=None,
                 epsilon=None, threshold=None) -> SweepConfig:
    """Validate the user's choices and fill in the defaults (UsageError on bad input)."""
    names = parse_checkers(checkers)
    primary = CHECKERS[names[0]]
    epsilon = primary.default_epsilon if epsilon is None else require_positive(epsilon,
                                                                               "--epsilon")
    threshold = primary.default_threshold if threshold is None else \
        require_positive(threshold, "--threshold")
    if thresholds is None:
        thresholds = COURSE_THRESHOLDS if primary.name == "course" else ()
    chosen = parse_seeds(seeds, cases if seeds or cases is not None else DEFAULT_CASES)
    return SweepConfig(
        checkers=names,
        epsilons=tuple(reversed(positive_values(
            DEFAULT_EPSILONS if epsilons is None else epsilons, "--epsilons"))),
        thresholds=positive_values(tuple(thresholds) + (threshold,), "--thresholds"),
        seeds=tuple(sorted(set(chosen) | {COURSE_SEED})), epsilon=epsilon, threshold=threshold)


def plan_sweep(records, config: SweepConfig, stored: set[tuple]) -> list[WorkItem]:
    """One item per mutant with every case still missing a row (resume from a session)."""
    items = []
    for record in records:
        configs = config.configs_for(record.id)
        seeds = tuple(s for s in config.seeds
                      if any((record.id, s, c.checker, c.epsilon) not in stored
                             for c in configs))
        if seeds:
            items.append(WorkItem(record.id, record.functions, seeds, configs))
    return items


def sweep(target: str | LoadedTarget = "three-layer", operators=None,
          epsilons: Sequence[float] | None = None, thresholds: Sequence[float] | None = None,
          seeds: Sequence[int] | None = None, cases: int | None = None,
          checkers: Sequence[str] | str | None = None, epsilon: float | None = None,
          threshold: float | None = None, jobs: int | None = None, timeout: float = 60.0,
          session: str | None = None, function: str | None = None, order: int = 1,
          progress: bool = False, shard: tuple[int, int] | None = None,
          executor: str = "local", scheduler: str | None = None,
          oracle: str | None = None) -> SweepResults:
    """Measure every checker against every mutant over the epsilons and cases; never prints.

    `epsilon`/`threshold` are the primary checker's chosen point (default: its own); seed 1,
    the course's case, is always among the cases; `session` keeps the rows (resumable).
    `shard`, `executor` and `scheduler` split and place the work as in `run()`.
    `oracle="autograd"` adds the course case's epsilon curve against the exact gradient, split
    into truncation and rounding (harness.sweep_exact); where autograd cannot differentiate
    the forward pass, a notice says so and the sweep carries on without it.
    """
    check_executor(executor, scheduler, jobs)
    shard = None if shard is None else check_shard(shard)
    config = sweep_config(checkers, epsilons, thresholds, seeds, cases, epsilon, threshold)
    require_positive(timeout, "--timeout")
    loaded = load_any(target)
    evaluator = Evaluator(loaded)  # the parent's shared work: cases, references, differences
    oracle_ok, notices = check_oracle(oracle, evaluator, config.course_seed)
    records = special_records(loaded) + mutant_records(loaded, operators, function, order)
    config = SweepConfig(**{**_fields(config), "order": order,
                            "function": function or loaded.target.function_label,
                            "operators": tuple(sorted({r.operator for r in records[2:]}))})
    records = select(records, shard)  # after the config: every shard stores the same one
    env = environment()
    rows, executed = _measure(loaded, records, config, evaluator, env, session, shard,
                              dict(jobs=jobs, timeout=timeout, progress=progress,
                                   executor=executor, scheduler=scheduler))
    notices += executed
    side = side_figures(loaded, config, evaluator)
    if oracle_ok:
        side["exact"], more = exact_curve(evaluator, config.course_seed,
                                          config.primary_epsilons())
        notices += more
    return SweepResults.build(loaded.target.name, config, env, records, rows,
                              {**side, "notices": notices})


def _measure(loaded: LoadedTarget, records, config: SweepConfig, evaluator: Evaluator,
             env: dict, session: str | None, shard, placement: dict) -> tuple[list, tuple]:
    """Store the records, run every item the session still misses; return all rows and the
    executor's notices, if it has any.

    With jobs=0 the parent's `evaluator` runs the items, so its caches (each numerical
    gradient, each reference backward) serve the side figures afterwards at no extra cost.
    """
    store = Session.open(session, loaded.target.name, loaded.source_sha256,
                         {"environment": json.dumps(env, sort_keys=True),
                          "source": loaded.source, "source_path": loaded.filename,
                          "sweep_config": json.dumps(asdict(config), sort_keys=True),
                          "shard": shard_label(shard)})
    try:
        store.add_mutants(records)
        items = plan_sweep(records, config, store.stored_keys())
        notices = ()
        if placement["jobs"] == 0:
            for item in items:
                store.add_measurements(evaluator.evaluate(item))
        else:
            notices = _execute(loaded, items, store, placement["jobs"], placement["timeout"],
                               placement["progress"], placement["executor"],
                               placement["scheduler"]) or ()
        return store.measurements(), tuple(notices)
    finally:
        store.close()


def check_oracle(oracle: str | None, evaluator: Evaluator, seed: int) -> tuple[bool, tuple]:
    """Return (True, ()) if autograd differentiates the course case, else (False, notice).

    Done before the sweep runs, so a missing extra or an unknown name fails at once
    (UsageError); the exact gradient is cached in `evaluator` for the curve afterwards.
    """
    if not oracle:
        return False, ()
    if oracle != "autograd":
        raise UsageError(f"unknown oracle {oracle!r}", where="--oracle",
                         fix="the only oracle is 'autograd'")
    from harness.oracle import OracleUnavailable

    try:
        evaluator.exact(seed)
    except OracleUnavailable as error:
        return False, (f"{error.where}: {error.what}; the sweep carries on without the exact "
                       "curve (no truncation/rounding split)",)
    return True, ()


def _fields(config: SweepConfig) -> dict:
    return {name: getattr(config, name) for name in SweepConfig.__slots__}


def side_figures(loaded: LoadedTarget, config: SweepConfig, evaluator: Evaluator) -> dict:
    """Figures computed in the parent: dead units per case, each checker's smallest detectable
    scale per block and its cost in forward passes (on the course's case, at its operating
    point). `evaluator` is the sweep's own: after an in-process sweep (jobs=0) its reference
    backward and finite differences are the ones the checks used; with workers it computes them
    once here (three central differences and two small ones, about 300 forward passes), shared
    with the exact curve."""
    reference = evaluator.reference(config.course_seed)
    detectable, passes = {}, {}
    for name in config.checkers:
        epsilon, threshold = config.operating_point(name)
        if isinstance(reference, Exception):
            detectable[name], passes[name] = {}, None
            continue
        formula = CHECKERS[name]
        prepared = evaluator.prepared(config.course_seed, CheckConfig(name, epsilon))
        passes[name] = formula.compare(reference, prepared, loaded.target.layout).forward_passes
        detectable[name] = smallest_detectable(formula, reference, prepared,
                                               loaded.target.layout, threshold)
    return {"dead_units": tuple(dead_units(loaded, seed) for seed in config.seeds),
            "smallest_detectable": detectable, "forward_passes": passes, "exact": None}
