"""Locate and repair a failing backward pass by reverse mutation.

The operators that plant bugs can take them out: mutants of the code *as given* whose gradients
pass the check on every case (the course's and random ones, so a repair that works only through
dead ReLU units does not count) are candidate repairs, and where they change the code is where
the bug is. The smallest order that repairs anything is searched; pairs are pruned to mutants on
the blamed gradient blocks' lines or that lower the difference on their own.
"""
from __future__ import annotations

import difflib
import itertools
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from harness.check import require_positive, resolve_target
from harness.environment import environment
from harness.errors import UsageError
from harness.evaluate import Evaluator
from harness.executors import InlineExecutor, LocalPool
from harness.loading import load_module, read_source
from harness.mutants import mutation_space
from harness.records import CheckConfig, FunctionText, Status, TargetRef, WorkItem
from harness.targets_resolve import LoadedTarget

MAX_PAIRS = 5000  # a guard, not a tuning knob: the pruned course search tries a few hundred


@dataclass(frozen=True, slots=True)
class Repair:
    mutants: tuple[str, ...]
    lines: tuple[int, ...]
    description: str
    diff: str
    difference_after: float
    per_parameter_after: dict[str, float]
    exact_error: float | None = None  # largest over the cases, with the oracle
    confirmed: bool | None = None  # matches the exact gradient to rounding on every case


@dataclass(frozen=True, slots=True)
class Diagnosis:
    target: str
    source_path: str
    function: str
    epsilon: float
    threshold: float
    seeds: tuple[int, ...]
    difference: float
    per_parameter: dict[str, float]
    blamed: tuple[str, ...]
    passes: bool
    tried: int
    repairs: tuple[Repair, ...]
    unique: bool
    environment: dict

    def to_json(self) -> dict:
        return asdict(self)


def load_variant(target_name: str, variant: str) -> LoadedTarget:
    """Load another source of a built-in target (e.g. the notebook's buggy backward)."""
    target = resolve_target(target_name)
    path = target.variant_path(variant)
    if path is None:
        raise UsageError(f"target {target.name!r} has no variant {variant!r}", where="--variant",
                         fix=f"choose one of: {', '.join(target.variant_names)}")
    return load_file_as(target_name, path)


def load_file_as(target_name: str, path) -> LoadedTarget:
    """Load a file that has the built-in target's shape (same functions, same parameters)."""
    target = resolve_target(target_name)
    source = read_source(path)
    namespace = load_module(source, str(path))
    for name in (target.function,):
        if not callable(namespace.get(name)):
            raise UsageError(f"no function {name!r}", where=str(path),
                             fix=f"define {name} as in the {target.name} target")
    return LoadedTarget(TargetRef(target.name, path=str(path)),
                        replace(target, source_path=Path(path)), source, namespace)


def _worst(rows):
    checked = [row for row in rows if not row.probe]
    if any(row.status is not Status.OK for row in checked):
        return None
    return max(checked, key=lambda row: row.difference)


def _blamed(per_parameter: dict[str, float], threshold: float) -> tuple[str, ...]:
    """Blocks over the threshold and within a factor 100 of the worst: a wrong block's
    difference dwarfs the finite-difference noise (about 1e-7) of the right ones."""
    worst = max(per_parameter.values())
    return tuple(sorted(name for name, value in per_parameter.items()
                        if value > threshold and value >= worst / 100))


def _variable(mutant) -> str:
    """The assigned variable a first-order mutant changes (its id is operator-line-variable-tag)."""
    return mutant.id[len(mutant.operator) + 1:].split("-", 2)[1]


def _edit_size(original: str, mutated: str) -> int:
    """Characters changed between two texts: the size of an edit, for ranking repairs."""
    matcher = difflib.SequenceMatcher(None, original, mutated, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
               if tag != "equal")


class _Search:
    """Evaluate candidate repairs through one executor, remembering every result."""

    def __init__(self, loaded, seeds, config, jobs, timeout):
        self.loaded, self.seeds, self.config, self.timeout = loaded, seeds, config, timeout
        self.executor = InlineExecutor(loaded) if jobs == 0 else LocalPool(loaded, jobs or 2)
        self.tried = 0

    def worst(self, mutants) -> dict[str, object]:
        items = [WorkItem(m.id, tuple(FunctionText(f.name, f.first_line, f.source)
                                      for f in m.functions), self.seeds, (self.config,))
                 for m in mutants]
        self.tried += len(items)
        found = {}
        for rows in self.executor.execute(items, self.timeout):
            found[rows[0].mutant_id] = _worst(rows)
        return found

    def close(self):
        self.executor.close()


def diagnose(loaded: LoadedTarget, function: str | None = None, max_order: int = 2,
             cases: int = 3, epsilon: float = 1e-7, threshold: float = 2e-7,
             jobs: int | None = None, timeout: float = 10.0,
             oracle: str | None = None) -> Diagnosis:
    """Check the code as given; if it fails, search for the smallest repairing mutants.

    With `oracle="autograd"` each repair is also confirmed (or not) against the exact gradient,
    with no threshold involved.
    """
    epsilon, threshold = require_positive(epsilon, "--epsilon"), require_positive(threshold,
                                                                                  "--threshold")
    if cases < 1 or max_order not in (1, 2):
        raise UsageError("--cases must be >= 1 and --max-order 1 or 2", where="diagnose")
    seeds, config = tuple(range(1, cases + 1)), CheckConfig("course", epsilon)
    rows = Evaluator(loaded).evaluate(WorkItem("given", (), seeds, (config,)))
    given = _worst(rows)
    if given is None:
        raise UsageError("the backward pass as given does not run on the test cases",
                         where=loaded.filename, fix="make it run first ('gradmut check')")
    first_case = rows[0]  # the course's case (seed 1): the figure a student sees
    blamed = _blamed(given.per_parameter, threshold) if given.difference > threshold else ()
    common = dict(target=loaded.target.name, source_path=loaded.filename,
                  function=function or loaded.target.function, epsilon=epsilon,
                  threshold=threshold, seeds=seeds, difference=first_case.difference,
                  per_parameter=first_case.per_parameter, blamed=blamed,
                  environment=environment())
    if given.difference <= threshold:  # passes on every case: nothing to repair
        return Diagnosis(**common, passes=True, tried=0, repairs=(), unique=True)
    from mutators import higher_order, select_operators  # noqa: F401  (LibCST only when needed)

    space = mutation_space(loaded.target, function, source=loaded.source)
    first = space.first_order(select_operators(None))
    search = _Search(loaded, seeds, config, jobs, timeout)
    try:
        results = search.worst(first)
        repairs = _repairs(first, results, threshold)
        if not repairs and max_order >= 2:
            pairs = _pairs(space, first, results, given.difference, blamed)
            repairs = _repairs(pairs, search.worst(pairs), threshold)
    finally:
        search.close()
    confirm = _confirmer(oracle, loaded, seeds)
    ranked = tuple(sorted((confirm(m, _repair(space, m, row)) for m, row in repairs),
                          key=lambda r: (len(r.mutants), _length(r), _size(r),
                                         r.difference_after)))
    unique = len({r.lines for r in ranked}) == 1
    return Diagnosis(**common, passes=False, tried=search.tried, repairs=ranked, unique=unique)


def _confirmer(oracle, loaded, seeds):
    """Return repair -> repair with exact_error/confirmed filled in (identity without oracle)."""
    if not oracle:
        return lambda mutant, repair: repair
    from harness.check import analytic_gradient
    from harness.loading import with_function
    from harness.oracle import Oracle, agrees_exactly, norm_ratio

    exact = Oracle(loaded)
    cases = [loaded.target.make_case(seed) for seed in seeds]
    references = [exact.gradient(case) for case in cases]  # OracleUnavailable: caller's notice

    def confirm(mutant, repair):
        namespace = loaded.namespace
        for function in mutant.functions:
            namespace = with_function(namespace, function.source, "<repair>",
                                      function.first_line)
        grads = [analytic_gradient(loaded.target, namespace, case) for case in cases]
        error = max(norm_ratio(g, e) for g, e in zip(grads, references))
        return replace(repair, exact_error=error,
                       confirmed=all(agrees_exactly(g, e) for g, e in zip(grads, references)))

    return confirm


def _repairs(mutants, results, threshold):
    return [(m, results[m.id]) for m in mutants
            if results.get(m.id) is not None and results[m.id].difference <= threshold]


def _pairs(space, first, results, difference, blamed):
    """Order-2 candidates: pairs of mutants on blamed blocks or that lower the difference."""
    from mutators import combine

    blamed_variables = {f"d{name}" if not name.startswith("d") else name for name in blamed}
    useful = [m for m in first if _variable(m) in blamed_variables or (
        results.get(m.id) is not None and results[m.id].difference < difference)]
    pairs = []
    for a, b in itertools.combinations(useful, 2):
        if a.line == b.line and _variable(a) == _variable(b):
            continue  # two edits of one statement: not two separate bugs
        try:
            pairs.append(combine(space, [a.id, b.id]))
        except Exception:  # overlapping sites cannot pair
            continue
        if len(pairs) >= MAX_PAIRS:
            break
    return pairs


def _repair(space, mutant, row) -> Repair:
    from mutators import unified_diff

    lines = tuple(sorted({space.sites[i].where.start.line for i in (mutant.parts or (mutant.id,))}))
    return Repair(mutants=tuple(mutant.parts or (mutant.id,)), lines=lines,
                  description=mutant.description,
                  diff=unified_diff(space.source, mutant, space.filename.rsplit("/", 1)[-1]),
                  difference_after=row.difference, per_parameter_after=row.per_parameter)


def _length(repair: Repair) -> int:
    """Length of the repaired lines: among equal orders, the plainest code wins (dropping a
    stray `* 2` beats multiplying it by 0.5)."""
    return sum(len(l) - 1 for l in repair.diff.splitlines() if l.startswith("+") and not
               l.startswith("+++"))


def _size(repair: Repair) -> int:
    removed = "".join(l[1:] for l in repair.diff.splitlines() if l.startswith("-") and not
                      l.startswith("---"))
    added = "".join(l[1:] for l in repair.diff.splitlines() if l.startswith("+") and not
                    l.startswith("+++"))
    return _edit_size(removed, added)
