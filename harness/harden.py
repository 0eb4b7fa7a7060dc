"""`gradmut harden`: is each planted bug caught robustly, and which test case shows them best?

An assignment ships planted bugs and one test case. A bug caught on that case with a margin
(difference / threshold) of 1.5 is one rounding change from passing, and a bug confined to a
ReLU unit that the case leaves dead is not tested at all. harden measures every bug over many
cases (seeds x input scales) and epsilons through the worker pool (one work item per bug and
scale), flags the fragile bugs (harden_cases), recommends a case by the rule of
CaseVerdict.rank_key, and marks each bug's answer key as unique or not by running diagnose's
repair search on the bug's own code. For a user's file the baseline is the user's backward: when
it is itself wrong (not merely noisy), harden says so and judges no bug against it.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

from harness.check import require_positive
from harness.environment import environment
from harness.errors import UsageError
from harness.executors import InlineExecutor, LocalPool
from harness.harden_cases import (COURSE_CASE, UNUSABLE, BugVerdict, CaseVerdict,  # noqa: F401
                                  bug_verdict, dead_units, judge_bug, judge_case, ran_ok,
                                  recommend, weaknesses)
from harness.oracle import EXACT_AGREEMENT
from harness.records import BASELINE_ID, CheckConfig, FunctionText, WorkItem
from harness.targets_resolve import LoadedTarget, load_any, scaled

EPSILONS = (1e-7, 1e-6, 1e-5)
# Finite-difference rounding noise falls about tenfold per tenfold epsilon; a wrong backward's
# difference does not move. "Falls by less than this" between the smallest and largest epsilon.
NOISE_FALL = 10
SCALES = (0.5, 1.0, 2.0)
CASES = 20
REPAIR_CASES = 3  # diagnose's default: a repair must pass seeds 1..3


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
    baseline: str  # "the correct backward" (a built-in target) or "your backward"
    trusted: bool  # False when the backward as given is itself wrong (see warning)
    warning: str | None
    oracle: str  # "autograd" when equivalence is judged against the exact gradient
    notices: tuple[str, ...]
    repairs_searched: bool
    repair_seconds: float | None  # what marking the answer keys cost
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


def measure(loaded: LoadedTarget, bugs, seeds, scales, epsilons, jobs, timeout,
            reference: str = "backward") -> dict:
    """Return {(seed, scale): {bug id or 'baseline': [Measurement per epsilon]}}."""
    configs = tuple(CheckConfig("course", epsilon) for epsilon in epsilons)
    items = [WorkItem(BASELINE_ID, (), seeds, configs, reference=reference)]
    items += [WorkItem(bug.id, tuple(FunctionText(f.name, f.first_line, f.source)
                                     for f in bug.functions), seeds, configs,
                       reference=reference) for bug in bugs]
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


def _oracle(oracle: str | None, loaded: LoadedTarget, seeds, scales, label: str):
    """Return ("autograd", ()) if autograd differentiates every case, else ("", notices)."""
    if not oracle:
        return "", ()
    if oracle != "autograd":
        raise UsageError(f"unknown oracle {oracle!r}", where="--oracle",
                         fix="the only oracle is 'autograd'")
    from harness.oracle import Oracle, OracleUnavailable

    try:
        for scale in scales:
            exact, target = Oracle(scaled(loaded, scale)), scaled(loaded, scale).target
            for seed in seeds:
                exact.gradient(target.make_case(seed))
    except OracleUnavailable as error:
        return "", (f"{error.where}: {error.what}; judging equivalence against {label} "
                    "instead",)
    return "autograd", ()


def baseline_label(loaded) -> str:
    """'the correct backward' for a built-in target; 'your backward' for the user's code."""
    return "the correct backward" if loaded.ref is None or loaded.ref.path is None else \
        "your backward"


def baseline_warning(loaded, rows: dict, threshold: float, epsilons, exact: bool) -> str | None:
    """Say so when the backward as given is wrong, not merely noisy; None when it looks right.

    With the oracle: it disagrees with the exact gradient on some case. Without: on some case
    its difference stays above the threshold at every epsilon tried and does not fall as
    epsilon grows, as finite-difference noise would."""
    who = "your backward" if baseline_label(loaded) == "your backward" else \
        "the target's backward"
    fix = f"gradmut diagnose {loaded.filename}" if loaded.ref and loaded.ref.path else \
        f"gradmut diagnose --target {loaded.target.name}"
    base = {key: found[BASELINE_ID] for key, found in rows.items()}
    ran = {key: ms for key, ms in base.items() if ran_ok(ms)}
    if not ran:
        return f"{who} does not run on any case: fix it first; run `{fix}`"
    if exact:  # the exact error is epsilon-free: over the threshold, the check must fail it
        wrong = {k: ms[0].exact_error for k, ms in ran.items()
                 if ms[0].exact_error is not None and ms[0].exact_error > threshold}
        if wrong:
            return (f"{who} disagrees with the exact gradient on {len(wrong)} of {len(ran)} "
                    f"cases (error up to {max(wrong.values()):.3g}, over the threshold): it is "
                    f"wrong, so no bug here can be judged; run `{fix}`")
        return None
    steps = sorted(set(epsilons))
    if len(steps) < 2:
        return None  # one epsilon cannot tell a bug from noise (weaknesses names a false alarm)
    order = [list(epsilons).index(e) for e in steps]
    failing = [ms for ms in ran.values()
               if min(m.difference for m in ms) > threshold
               and ms[order[-1]].difference * NOISE_FALL > ms[order[0]].difference]
    if not failing:
        return None
    smallest = min(min(m.difference for m in ms) for ms in failing)
    return (f"{who} fails the check at every epsilon "
            f"({', '.join(f'{e:g}' for e in steps)}) on {len(failing)} of {len(ran)} cases "
            f"(difference at least {smallest:.3g}, not falling as epsilon grows as "
            f"finite-difference noise would): it looks wrong, so no bug here can be judged; "
            f"run `{fix}`")


def exact_note(rows: dict, threshold: float, label: str) -> str | None:
    """With the oracle: say so when the backward as given is off the exact gradient by more than
    rounding but under the threshold (a bug too small for the check, or the oracle's rounding)."""
    errors = [found[BASELINE_ID][0].exact_error for found in rows.values()
              if found[BASELINE_ID][0].exact_error is not None]
    off = [e for e in errors if EXACT_AGREEMENT < e <= threshold]
    if not off:
        return None
    return (f"{label} is off the exact gradient by up to {max(off):.3g} on {len(off)} of "
            f"{len(errors)} cases: more than rounding ({EXACT_AGREEMENT:g}), under the "
            "threshold (autograd's own rounding in log(1 - A3) reaches this where the sigmoid "
            "saturates); bugs no closer to the exact gradient than that count as unchanged")


def _bug_code(loaded: LoadedTarget, bug) -> LoadedTarget:
    """The code under test with the bug planted: what a student would receive."""
    from harness.loading import with_function

    namespace = loaded.namespace
    for function in bug.functions:
        namespace = with_function(namespace, function.source, f"<bug {bug.id}>",
                                  function.first_line)
    return replace(loaded, source=bug.source, namespace=namespace)


def _quietest_epsilon(rows: dict, epsilons) -> float:
    """The epsilon at which the backward as given scores lowest on diagnose's cases."""
    def worst(index):
        values = [found[BASELINE_ID][index].difference for (seed, scale), found in rows.items()
                  if scale == 1.0 and seed <= REPAIR_CASES
                  and found[BASELINE_ID][index].difference is not None]
        return max(values, default=float("inf"))

    return epsilons[min(range(len(epsilons)), key=worst)]


def mark_repairs(loaded, mutants, verdicts: dict, epsilon, threshold, oracle) -> dict:
    """Run diagnose's search on each judged bug's code: one fix location, several, or none.

    Searches in this process (each bug's code exists only here), up to the bug's own order."""
    from harness.diagnose import diagnose

    marked = {}
    for bug in mutants:
        verdict = verdicts[bug.id]
        if verdict.verdict in UNUSABLE:
            continue
        try:
            found = diagnose(_bug_code(loaded, bug), max_order=min(2, len(bug.parts) or 1),
                             cases=REPAIR_CASES, epsilon=epsilon, threshold=threshold,
                             jobs=0, oracle=oracle or None)
        except UsageError:  # the bug's code does not run on diagnose's cases
            continue
        if found.passes:
            continue
        first_at = {}
        for repair in found.repairs:
            first_at.setdefault(repair.lines, repair.where)
        marked[bug.id] = replace(verdict, repairs=len(found.repairs),
                                 repair_locations=found.locations,
                                 repair_where=tuple(first_at.values()),
                                 unique_repair=found.unique)
    return {**verdicts, **marked}


def harden(target="three-layer", bugs: str | None = None, bugs_where: str = "bug set",
           forward=None, backward=None, function=None, cases: int = CASES,
           scales=SCALES, epsilons=EPSILONS, threshold: float = 2e-7,
           jobs: int | None = None, timeout: float = 10.0, oracle: str | None = None,
           repairs: bool | None = None):
    """Measure a bug set (text, or every first-order mutant) and recommend a test case.

    `oracle="autograd"` judges "invisible" against the exact gradient and reports each bug's
    own error beside the check's. `repairs` (default: on for a bug set, off for every mutant,
    about 0.2 s per bug) marks each bug's answer key as having one fix location or several.
    Returns (Hardening, loaded target, bug mutants) so variants can be exported."""
    threshold = require_positive(threshold, "--threshold")
    for value in (*scales, *epsilons):
        require_positive(value, "--scales/--epsilons")
    if not epsilons or not scales:
        raise UsageError("--scales and --epsilons need at least one value",
                         where="--scales/--epsilons")
    if cases < 1:
        raise UsageError(f"--cases must be at least 1, got {cases}", where="--cases")
    loaded = load_any(target, None, forward, backward)
    mutants = read_bugs(loaded, bugs, function, bugs_where)
    seeds, scales = tuple(range(1, cases + 1)), tuple(sorted(set(scales) | {1.0}))
    label = baseline_label(loaded)
    oracle_name, notices = _oracle(oracle, loaded, seeds, scales, label)
    from harness.run import default_jobs

    rows = measure(loaded, mutants, seeds, scales, tuple(epsilons),
                   default_jobs() if jobs is None else jobs, timeout,
                   "exact" if oracle_name else "backward")
    reference = "the exact gradient" if oracle_name else (
        "the correct ones" if label == "the correct backward" else "your backward's")
    warning = baseline_warning(loaded, rows, threshold, tuple(epsilons), bool(oracle_name))
    verdicts = {bug.id: judge_bug(bug, rows, threshold, reference)[0] for bug in mutants}
    usable = [bug.id for bug in mutants if verdicts[bug.id] not in UNUSABLE]
    judged = sorted((judge_case(key, rows[key], usable, threshold, dead_units(loaded, key))
                     for key in rows), key=lambda c: c.rank_key)
    best = None if warning else recommend(judged)
    course = next(c for c in judged if (c.seed, c.scale) == COURSE_CASE)
    found = {bug.id: bug_verdict(loaded, bug, rows, threshold,
                                 (best.seed, best.scale) if best else None, reference)
             for bug in mutants}
    searched = bugs is not None if repairs is None else bool(repairs)
    seconds = None
    if searched:
        start = time.perf_counter()
        found = mark_repairs(loaded, mutants, found, _quietest_epsilon(rows, tuple(epsilons)),
                             threshold, oracle_name)
        seconds = time.perf_counter() - start
    verdict_list = tuple(found[bug.id] for bug in mutants)
    said = weaknesses(course, best, verdict_list, judged, label)
    note = exact_note(rows, threshold, label) if oracle_name and not warning else None
    said += (note,) if note else ()
    return Hardening(
        target=loaded.target.name, source_path=loaded.filename, threshold=threshold,
        epsilons=tuple(epsilons), seeds=seeds, scales=scales, bugs=verdict_list,
        cases=tuple(judged), course=course, recommended=best,
        weaknesses=said, baseline=label,
        trusted=warning is None, warning=warning, oracle=oracle_name, notices=notices,
        repairs_searched=searched, repair_seconds=seconds,
        environment=environment()), loaded, mutants
