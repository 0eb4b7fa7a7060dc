"""Locate and repair a failing backward pass by reverse mutation.

The operators that plant bugs can take them out: mutants of the code *as given* whose gradients
pass on every case (the course's and random ones, so a repair that works only through dead ReLU
units does not count) are candidate repairs, and where they change the code is where the bug is.
"Pass" means the check's difference is under the threshold or, with the exact oracle, that the
gradient equals autograd's to rounding (no threshold involved). The smallest order that repairs
anything is searched; pairs are pruned to mutants on the blamed gradient blocks' lines or that
lower the error on their own, and every pair left out is counted with its reason.
"""
from __future__ import annotations

import difflib
import itertools
from collections import Counter
from dataclasses import asdict, dataclass

from harness.check import analytic_gradient, require_positive
from harness.checkers import norm_ratio
from harness.environment import environment
from harness.errors import UsageError
from harness.evaluate import Evaluator
from harness.executors import InlineExecutor, LocalPool
from harness.mutants import mutation_space
from harness.oracle import EXACT_AGREEMENT
from harness.records import CheckConfig, FunctionText, Status, WorkItem
from harness.targets_resolve import (LoadedTarget, load_any, load_target, target_ref,
                                     variant_ref)

MAX_PAIRS = 5000  # a guard, not a tuning knob: the pruned course search tries a few hundred
BLAME_FACTOR = 100  # a wrong block's error dwarfs the noise of the right ones by far more


@dataclass(frozen=True, slots=True)
class Repair:
    mutants: tuple[str, ...]
    lines: tuple[int, ...]  # 1-based lines of the module (of the assembled cells for a notebook)
    where: str  # "line 22, line 28", or "cell 6, line 12" in a notebook
    description: str
    diff: str
    difference_after: float  # on the course's case (seed 1), like Diagnosis.difference
    per_parameter_after: dict[str, float]
    worst_difference_after: float  # the largest over the cases: what the search judged
    exact_error: float | None = None  # against the exact gradient, largest over the cases
    cells: tuple[tuple[int, int], ...] | None = None  # (cell, line in cell) per line, notebooks


@dataclass(frozen=True, slots=True)
class Diagnosis:
    target: str
    source_path: str
    function: str
    epsilon: float
    threshold: float
    seeds: tuple[int, ...]
    difference: float  # the code as given, on the course's case (seed 1)
    per_parameter: dict[str, float]
    blamed: tuple[str, ...]
    passes: bool
    tried: int  # candidate repairs evaluated, single edits and pairs
    tried_pairs: int
    skipped: dict[str, int]  # pairs not evaluated, by reason
    repairs: tuple[Repair, ...]  # ranked: smallest edit first
    locations: tuple[tuple[int, ...], ...]  # the distinct sets of lines the repairs change
    unique: bool  # one location: every repair changes the same lines (an unambiguous key)
    oracle: str  # "autograd" when "passes" means agreeing with the exact gradient, else ""
    exact_error: float | None  # the code as given against the exact gradient, worst case
    exact_per_parameter: dict[str, float] | None
    notices: tuple[str, ...]
    environment: dict

    def to_json(self) -> dict:
        data = asdict(self)
        for repair in data["repairs"]:
            if repair["cells"] is None:
                del repair["cells"]
        return data

    def _repr_markdown_(self) -> str:
        from harness.diagnose_tables import diagnosis_markdown

        return diagnosis_markdown(self)

    def _repr_html_(self) -> str:
        from harness.diagnose_tables import diagnosis_html

        return diagnosis_html(self)


def load_variant(target_name: str, variant: str) -> LoadedTarget:
    """Load a source of a built-in target ('correct', or e.g. the notebook's 'buggy')."""
    return load_target(variant_ref(target_name, variant))


def load_file_as(path, forward: str | None = None, backward: str | None = None) -> LoadedTarget:
    """Load a .py file, notebook or target file exactly as `gradmut run` does."""
    return load_target(target_ref(str(path), forward, backward))


def resolve(target, variant: str | None = None, forward: str | None = None,
            backward: str | None = None) -> LoadedTarget:
    """Return the code to diagnose: a LoadedTarget, a built-in name (with `variant`), or a path."""
    return load_any(target, variant, forward, backward)


@dataclass(frozen=True, slots=True)
class _Trial:
    """A candidate's rows summarized over the cases (None when any case did not run)."""

    difference: float  # largest over the cases
    per_parameter: dict[str, float]  # of that worst case
    first: object  # the course's case's row (seed 1)
    exact_error: float | None
    exact: bool  # agrees with the exact gradient on every case (with the oracle)


def _trial(rows) -> _Trial | None:
    checked = [row for row in rows if not row.probe]
    if any(row.status is not Status.OK for row in checked):
        return None
    worst = max(checked, key=lambda row: row.difference)
    errors = [row.exact_error for row in checked if row.exact_error is not None]
    return _Trial(worst.difference, worst.per_parameter, checked[0],
                  max(errors) if errors else None,
                  all(row.matches_reference for row in checked))


def _blamed(per_parameter: dict[str, float], floor: float) -> tuple[str, ...]:
    """Blocks over `floor` (the threshold, or exact agreement) and near the worst one."""
    worst = max(per_parameter.values(), default=0.0)
    return tuple(sorted(name for name, value in per_parameter.items()
                        if value > floor and value >= worst / BLAME_FACTOR))


def _variable(mutant) -> str:
    """The assigned variable a first-order mutant changes (its id is operator-line-variable-tag)."""
    return mutant.id[len(mutant.operator) + 1:].split("-", 2)[1]


class _Search:
    """Evaluate candidate repairs through one executor, counting what was tried."""

    def __init__(self, loaded, seeds, config, reference, jobs, timeout):
        self.seeds, self.config, self.reference, self.timeout = seeds, config, reference, timeout
        self.executor = InlineExecutor(loaded) if jobs == 0 else LocalPool(loaded, jobs or 2)
        self.tried = 0

    def run(self, mutants) -> dict[str, _Trial | None]:
        items = [WorkItem(m.id, tuple(FunctionText(f.name, f.first_line, f.source)
                                      for f in m.functions), self.seeds, (self.config,),
                          reference=self.reference) for m in mutants]
        self.tried += len(items)
        return {rows[0].mutant_id: _trial(rows)
                for rows in self.executor.execute(items, self.timeout)}

    def close(self):
        self.executor.close()


def check_options(max_order, cases, jobs, timeout, oracle) -> None:
    """Raise a UsageError for an option diagnose cannot use."""
    if not isinstance(cases, int) or cases < 1:
        raise UsageError(f"--cases must be an integer >= 1, got {cases!r}", where="--cases")
    if max_order not in (1, 2):
        raise UsageError(f"--max-order must be 1 or 2, got {max_order!r}", where="--max-order")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 0):
        raise UsageError(f"--jobs must be >= 0, got {jobs!r}", where="--jobs",
                         fix="0 runs in this process")
    require_positive(timeout, "--timeout")
    if oracle not in (None, "", "autograd"):
        raise UsageError(f"unknown oracle {oracle!r}", where="--oracle",
                         fix="the only oracle is 'autograd'")


def exact_oracle(oracle: str | None, loaded: LoadedTarget, seeds):
    """Return (Oracle, ()) if autograd differentiates every case, else (None, notices)."""
    if not oracle:
        return None, ()
    from harness.oracle import Oracle, OracleUnavailable

    exact = Oracle(loaded)
    try:
        for seed in seeds:
            exact.gradient(loaded.target.make_case(seed))
    except OracleUnavailable as error:
        return None, (f"{error.where}: {error.what}; using the finite-difference reference",)
    return exact, ()


def _exact_blocks(loaded: LoadedTarget, exact, seeds) -> dict[str, float]:
    """Each block's error against the exact gradient, largest over the cases."""
    from harness.gradients import block_slices

    worst: dict[str, float] = {}
    for seed in seeds:
        case = loaded.target.make_case(seed)
        grad, reference = analytic_gradient(loaded.target, loaded.namespace, case), \
            exact.gradient(case)
        for name, part in block_slices(loaded.target.layout).items():
            worst[f"d{name}"] = max(worst.get(f"d{name}", 0.0),
                                    norm_ratio(grad[part], reference[part]))
    return worst


def diagnose(target: str | LoadedTarget = "three-layer", function: str | None = None,
             max_order: int = 2, cases: int = 3, epsilon: float = 1e-7,
             threshold: float = 2e-7, jobs: int | None = None, timeout: float = 10.0,
             oracle: str | None = None, variant: str | None = None,
             forward: str | None = None, backward: str | None = None) -> Diagnosis:
    """Check the code as given; if it fails, search for the smallest repairing mutants.

    `target` is a built-in name (`variant="buggy"` for the notebook's shipped backward), a .py
    file, notebook or target file (`forward`/`backward` name a course-shaped file's functions,
    as in `run`), or a LoadedTarget. With `oracle="autograd"` the code passes, and a candidate
    repairs it, iff its gradient equals the exact gradient to rounding on every case; where
    autograd cannot differentiate the forward pass, a notice says so and the check decides.
    """
    epsilon = require_positive(epsilon, "--epsilon")
    threshold = require_positive(threshold, "--threshold")
    check_options(max_order, cases, jobs, timeout, oracle)
    loaded = resolve(target, variant, forward, backward)
    seeds, config = tuple(range(1, cases + 1)), CheckConfig("course", epsilon)
    exact, notices = exact_oracle(oracle, loaded, seeds)  # before any search
    reference = "exact" if exact else "backward"
    rows = Evaluator(loaded).evaluate(WorkItem("given", (), seeds, (config,),
                                               reference=reference))
    given = _trial(rows)
    if given is None:
        error = next(row.error for row in rows if row.status is not Status.OK)
        raise UsageError(f"the backward pass as given does not run on the test cases ({error})",
                         where=loaded.filename, fix="make it run first ('gradmut check')")
    blocks = _exact_blocks(loaded, exact, seeds) if exact else None
    repaired = (lambda t: t is not None and t.exact) if exact else (
        lambda t: t is not None and t.difference <= threshold)
    passes = repaired(given)
    blamed = () if passes else (_blamed(blocks, EXACT_AGREEMENT) if exact else
                                _blamed(given.per_parameter, threshold))
    common = dict(target=loaded.target.name, source_path=loaded.filename,
                  function=function or loaded.target.function_label, epsilon=epsilon,
                  threshold=threshold, seeds=seeds, difference=given.first.difference,
                  per_parameter=given.first.per_parameter, blamed=blamed, passes=passes,
                  oracle="autograd" if exact else "", exact_error=given.exact_error,
                  exact_per_parameter=blocks, notices=notices, environment=environment())
    if passes:
        return Diagnosis(**common, tried=0, tried_pairs=0, skipped={}, repairs=(),
                         locations=(), unique=False)
    from mutators import select_operators  # LibCST only when there is something to repair

    space = mutation_space(loaded.target, function, source=loaded.source)
    first = space.first_order(select_operators(None))
    search = _Search(loaded, seeds, config, reference, jobs, timeout)
    pairs, skipped = [], {}
    try:
        trials = search.run(first)
        found = [m for m in first if repaired(trials.get(m.id))]
        if not found and max_order >= 2:
            pairs, skipped = _pairs(space, first, trials, given, blamed, bool(exact))
            trials.update(search.run(pairs))
            found = [m for m in pairs if repaired(trials.get(m.id))]
    finally:
        search.close()
    from harness.diagnose_tables import differ

    diff = differ(loaded)
    ranked = tuple(sorted((_repair(loaded, space, m, trials[m.id], diff) for m in found),
                          key=_rank))
    locations = tuple(dict.fromkeys(r.lines for r in ranked))
    return Diagnosis(**common, tried=search.tried, tried_pairs=len(pairs), skipped=skipped,
                     repairs=ranked, locations=locations, unique=len(locations) == 1)


def _pairs(space, first, trials, given: _Trial, blamed, exact: bool):
    """Order-2 candidates: pairs of mutants on blamed blocks or that lower the error alone.

    Returns (pairs, {reason: count}) for the pairs left out."""
    from mutators import MutationInputError

    blamed_variables = {name if name.startswith("d") else f"d{name}" for name in blamed}

    def lowers(mutant) -> bool:
        trial = trials.get(mutant.id)
        if trial is None:
            return False
        return trial.exact_error < given.exact_error if exact else \
            trial.difference < given.difference

    useful = [m for m in first if _variable(m) in blamed_variables or lowers(m)]
    candidates = list(itertools.combinations(useful, 2))
    pairs, skipped = [], Counter()
    for index, (a, b) in enumerate(candidates):
        if len(pairs) >= MAX_PAIRS:
            skipped[f"over the limit of {MAX_PAIRS} pairs"] = len(candidates) - index
            break
        if a.line == b.line and _variable(a) == _variable(b):
            skipped["two edits of one statement (pruned)"] += 1
            continue
        if space.overlap(space.site_of(a.id), space.site_of(b.id)):
            skipped["overlapping edits (one contains the other)"] += 1
            continue
        try:
            pairs.append(space.combine([a.id, b.id]))
        except (MutationInputError, ValueError):  # the two replacements cannot apply together
            skipped["edits that cannot apply together"] += 1
    return pairs, dict(sorted(skipped.items()))


def where_words(loaded: LoadedTarget, lines) -> str:
    """'line 44', 'lines 22, 28', or a notebook's 'cell 6, line 12; cell 6, line 18'."""
    if loaded.line_map:
        return "; ".join(loaded.where(line) for line in lines)
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(map(str, lines))


def _repair(loaded, space, mutant, trial: _Trial, diff) -> Repair:
    lines = tuple(sorted({space.site_of(i).where.start.line
                          for i in (mutant.parts or (mutant.id,))}))
    cells = tuple(loaded.line_map[line] for line in lines) if loaded.line_map else None
    return Repair(mutants=tuple(mutant.parts or (mutant.id,)), lines=lines,
                  where=where_words(loaded, lines),
                  description=mutant.description, diff=diff(mutant),
                  difference_after=trial.first.difference,
                  per_parameter_after=trial.first.per_parameter,
                  worst_difference_after=trial.difference, exact_error=trial.exact_error,
                  cells=cells)


def _rank(repair: Repair) -> tuple:
    """Smallest order first; then the plainest repaired lines (dropping a stray `* 2` beats
    multiplying it by 0.5), the fewest characters changed, the smallest difference."""
    removed = [l[1:] for l in repair.diff.splitlines() if l.startswith("-")
               and not l.startswith("---")]
    added = [l[1:] for l in repair.diff.splitlines() if l.startswith("+")
             and not l.startswith("+++")]
    matcher = difflib.SequenceMatcher(None, "".join(removed), "".join(added), autojunk=False)
    size = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
               if tag != "equal")
    return (len(repair.mutants), sum(map(len, added)), size, repair.difference_after)
