"""`gradmut harden`: is each planted bug caught robustly, and which test case shows them best?

An assignment ships planted bugs and one test case. A bug caught on that case with a margin
(difference / threshold) of 1.5 is one rounding change from passing, and a bug confined to a
ReLU unit that the case leaves dead is not tested at all. harden measures every bug over many
cases (seeds x input scales) and epsilons through the worker pool (one work item per bug and
scale), flags the fragile bugs, and recommends the case that maximizes the smallest margin.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from harness.check import require_positive
from harness.environment import environment
from harness.errors import UsageError
from harness.executors import InlineExecutor, LocalPool
from harness.harden_cases import CaseVerdict, dead_units, judge_case, recommend, weaknesses
from harness.records import BASELINE_ID, CheckConfig, FunctionText, Status, WorkItem
from harness.targets_resolve import LoadedTarget, load_target, scaled, target_ref

EPSILONS = (1e-7, 1e-6, 1e-5)
SCALES = (0.5, 1.0, 2.0)
CASES = 20
COURSE_CASE = (1, 1.0)  # seed 1 at input scale 1 is the course's own test case
UNUSABLE = ("invisible", "crash-only")  # bugs that no choice of case makes the check catch


@dataclass(frozen=True, slots=True)
class BugVerdict:
    """One bug over every case and epsilon: how it fares, and the figures behind it."""

    id: str
    description: str
    function: str
    lines: tuple[int, ...]
    where: str  # "line 49", or "cell 6, line 12" in a notebook
    original: str
    mutated: str
    verdict: str  # robust | not robust | missed | invisible | crash-only
    reason: str
    caught: int  # (case, epsilon) pairs on which the check's difference exceeds the threshold
    checked: int
    smallest_margin: float | None
    course_margin: float | None  # smallest over epsilons on the course's case
    recommended_margin: float | None
    blocks: tuple[str, ...]  # gradient blocks to look at (on the recommended case)


@dataclass(frozen=True, slots=True)
class Hardening:
    target: str
    source_path: str
    threshold: float
    epsilons: tuple[float, ...]
    seeds: tuple[int, ...]
    scales: tuple[float, ...]
    bugs: tuple[BugVerdict, ...]
    cases: tuple[CaseVerdict, ...]  # best first
    course: CaseVerdict
    recommended: CaseVerdict | None
    weaknesses: tuple[str, ...]
    environment: dict

    def to_json(self) -> dict:
        return asdict(self)


def read_bugs(loaded: LoadedTarget, text: str | None, function=None, where: str = "bug set"):
    """Return the bugs: one per line of `text` (parts joined by ' + '), or every first-order
    mutant when `text` is None."""
    from mutators import MutationInputError, read_bugset

    from harness.mutants import mutation_space

    space = mutation_space(loaded.target, function, source=loaded.source)
    try:
        first = space.first_order()
        if text is None:
            return first
        bugs = []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if line:
                try:
                    bugs.append(read_bugset(space, "\n".join(line.split(" + "))))
                except MutationInputError as error:
                    raise UsageError(error.what, where=f"{where}:{number}", fix=error.fix) \
                        from None
    except MutationInputError as error:
        raise UsageError(error.what, where=error.where, fix=error.fix) from None
    if not bugs:
        raise UsageError("the bug set names no bug", where=where, fix="write one bug per line")
    return list({bug.id: bug for bug in bugs}.values())


def measure(loaded: LoadedTarget, bugs, seeds, scales, epsilons, jobs, timeout) -> dict:
    """Return {(seed, scale): {bug id or 'baseline': [Measurement per epsilon]}}."""
    configs = tuple(CheckConfig("course", epsilon) for epsilon in epsilons)
    items = [WorkItem(BASELINE_ID, (), seeds, configs)]
    items += [WorkItem(bug.id, tuple(FunctionText(f.name, f.first_line, f.source)
                                     for f in bug.functions), seeds, configs) for bug in bugs]
    rows: dict = {}
    for scale in scales:
        target = scaled(loaded, scale)
        executor = InlineExecutor(target) if jobs == 0 else LocalPool(target, min(jobs, len(items)))
        try:
            for measurements in executor.execute(items, timeout):
                for m in measurements:
                    rows.setdefault((m.seed, scale), {}).setdefault(m.mutant_id, []).append(m)
        finally:
            executor.close()
    return rows


def _margins(rows: list, threshold: float) -> list[float | None]:
    return [m.difference / threshold if m.status is Status.OK else None for m in rows]


def judge_bug(bug, rows: dict, threshold: float) -> tuple[str, str]:
    """Return (verdict, reason) for one bug from its rows on every case."""
    mine = {key: found[bug.id] for key, found in rows.items()}
    failed = sorted({m.error or m.status.value for ms in mine.values() for m in ms
                     if m.status is not Status.OK})
    if failed:
        return "crash-only", f"caught by an exception, not by the check: {failed[0]}"
    hidden = sorted(key for key, ms in mine.items() if all(m.matches_reference for m in ms))
    if len(hidden) == len(mine):
        return "invisible", "equivalent: its gradients equal the correct ones on every case"
    uncaught = sorted(key for key, ms in mine.items()
                      if any(m.difference <= threshold for m in ms))
    if not uncaught:
        return "robust", "caught on every case and epsilon"
    if len(uncaught) == len(mine):
        return "missed", "the gradients differ but never by more than the threshold"
    shown = ", ".join(f"seed {s} x{scale:g}" for s, scale in (hidden or uncaught)[:4])
    why = "gradients unchanged (nothing to see)" if hidden else "difference under the threshold"
    return "not robust", f"{why} on {len(hidden or uncaught)} of {len(mine)} cases: {shown}"


def _smallest(values) -> float | None:
    values = [v for v in values if v is not None]
    return min(values) if values else None


def _blocks(rows: list, threshold: float) -> tuple[str, ...]:
    """Blocks over the threshold and within a factor 100 of the worst, on the worst epsilon."""
    ok = [m for m in rows if m.status is Status.OK]
    if not ok:
        return ()
    per = max(ok, key=lambda m: m.difference).per_parameter
    worst = max(per.values(), default=0.0)
    return tuple(sorted(n for n, v in per.items() if v > threshold and v >= worst / 100))


def _changed_lines(loaded: LoadedTarget, bug) -> tuple[int, ...]:
    """The module lines a bug changes (its functions' text against the original's)."""
    original = loaded.source.splitlines()
    lines = []
    for function in bug.functions:
        new = function.source.splitlines()
        old = original[function.first_line - 1:function.first_line - 1 + len(new)]
        lines += [function.first_line + i for i, (a, b) in enumerate(zip(old, new)) if a != b]
    return tuple(sorted(lines)) or (bug.line,)


def bug_verdict(loaded, bug, rows, threshold, recommended) -> BugVerdict:
    verdict, reason = judge_bug(bug, rows, threshold)
    margins = [m for key in rows for m in _margins(rows[key][bug.id], threshold)]
    lines = _changed_lines(loaded, bug)
    course = rows.get(COURSE_CASE, {}).get(bug.id, [])
    best = rows[recommended][bug.id] if recommended else course
    return BugVerdict(
        id=bug.id, description=bug.description, function=bug.function, lines=lines,
        where=", ".join(loaded.where(line) for line in lines), original=bug.original,
        mutated=bug.mutated, verdict=verdict, reason=reason,
        caught=sum(1 for v in margins if v is not None and v > 1), checked=len(margins),
        smallest_margin=_smallest(margins), course_margin=_smallest(_margins(course, threshold)),
        recommended_margin=_smallest(_margins(best, threshold)),
        blocks=_blocks(best, threshold))


def harden(target="three-layer", bugs: str | None = None, bugs_where: str = "bug set",
           forward=None, backward=None, function=None, cases: int = CASES,
           scales=SCALES, epsilons=EPSILONS, threshold: float = 2e-7,
           jobs: int | None = None, timeout: float = 10.0):
    """Measure a bug set (text, or every first-order mutant) and recommend a test case.

    Returns (Hardening, loaded target, bug mutants) so variants can be exported."""
    threshold = require_positive(threshold, "--threshold")
    for value in (*scales, *epsilons):
        require_positive(value, "--scales/--epsilons")
    if cases < 1:
        raise UsageError(f"--cases must be at least 1, got {cases}", where="--cases")
    loaded = target if isinstance(target, LoadedTarget) else load_target(
        target_ref(target, forward, backward))
    mutants = read_bugs(loaded, bugs, function, bugs_where)
    seeds, scales = tuple(range(1, cases + 1)), tuple(sorted(set(scales) | {1.0}))
    from harness.run import default_jobs

    rows = measure(loaded, mutants, seeds, scales, tuple(epsilons),
                   default_jobs() if jobs is None else jobs, timeout)
    verdicts = {bug.id: judge_bug(bug, rows, threshold)[0] for bug in mutants}
    usable = [bug.id for bug in mutants if verdicts[bug.id] not in UNUSABLE]
    judged = sorted((judge_case(key, rows[key], usable, threshold,
                                dead_units(loaded, key))
                     for key in rows), key=lambda c: c.rank_key)
    best = recommend(judged)
    course = next(c for c in judged if (c.seed, c.scale) == COURSE_CASE)
    found = tuple(bug_verdict(loaded, bug, rows, threshold,
                              (best.seed, best.scale) if best else None) for bug in mutants)
    return Hardening(
        target=loaded.target.name, source_path=loaded.filename, threshold=threshold,
        epsilons=tuple(epsilons), seeds=seeds, scales=scales, bugs=found, cases=tuple(judged),
        course=course, recommended=best, weaknesses=weaknesses(course, best, found, judged),
        environment=environment()), loaded, mutants
