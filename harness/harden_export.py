"""Export hardened bugs as assignment variants: the buggy source, and an answer key.

Course staff hand each student (or each term) a different planted bug. A variant is the buggy
function's source, the whole module (or, for a notebook input, the notebook with that cell
replaced and outputs cleared), and one answer key for all variants: the lines changed, the
gradient blocks the check blames, the margins on the course's and the recommended case, and
whether the bug has one fix location. Exporting again into the same directory first removes
the variants the previous answer_key.json lists, so no stale variant is left beside new ones.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from harness.errors import UsageError

USABLE = ("robust", "not robust")


KEY_FILES = ("answer_key.json", "answer_key.md")


def _exported(hardening, bug) -> bool:
    """A variant must be caught by the check on the case the key recommends."""
    margin = bug.recommended_margin
    return hardening.trusted and bug.verdict in USABLE and margin is not None and margin > 1


def _write_variant(directory: Path, loaded, mutant) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    function_file = directory / f"{mutant.function}.py"
    function_file.write_text("\n\n".join(f.source.rstrip("\n") for f in mutant.functions) + "\n",
                             encoding="utf-8")
    written.append(function_file.name)
    source_path = Path(loaded.filename)
    if loaded.line_map:
        import nbformat

        from harness.diagnose_tables import definition_lines
        from harness.notebooks import with_function_replaced

        notebook = None
        for function in mutant.functions:
            original = definition_lines(loaded.source, function)
            notebook = with_function_replaced(source_path, loaded.line_map, function.first_line,
                                              original, function.source, notebook)
        nbformat.write(notebook, str(directory / source_path.name))
    else:
        (directory / source_path.name).write_text(mutant.source, encoding="utf-8")
    written.append(source_path.name)
    return written


def answer_key(hardening, exported: dict[str, list[str]]) -> dict:
    best = hardening.recommended
    return {
        "target": hardening.target, "source_path": hardening.source_path,
        "threshold": hardening.threshold,
        "recommended_case": None if best is None else {"seed": best.seed, "scale": best.scale},
        "course_case": {"seed": hardening.course.seed, "scale": hardening.course.scale},
        "trusted": hardening.trusted, "warning": hardening.warning,
        "variants": [{"id": bug.id, "files": exported.get(bug.id, []),
                      "function": bug.function, "lines": list(bug.lines), "where": bug.where,
                      "change": f"{bug.original} -> {bug.mutated}",
                      "description": bug.description, "look_at": list(bug.blocks),
                      "verdict": bug.verdict, "course_margin": bug.course_margin,
                      "recommended_margin": bug.recommended_margin,
                      "unique_repair": bug.unique_repair,
                      "repair_locations": [list(lines) for lines in bug.repair_locations],
                      "repair_where": list(bug.repair_where)}
                     for bug in hardening.bugs if bug.id in exported],
        "not_exported": [{"id": bug.id, "verdict": bug.verdict, "reason": bug.reason}
                         for bug in hardening.bugs if bug.id not in exported]}


def answer_markdown(key: dict) -> str:
    case = key["recommended_case"]
    lines = [f"# Answer key: {key['target']}", "",
             f"Check threshold {key['threshold']:g}; test case: "
             + (f"seed {case['seed']}, input scale {case['scale']:g}" if case else
                "the course's (no better case found)"), "",
             "| variant | where | change | look at | margin (course / recommended) | fix |",
             "| --- | --- | --- | --- | --- | --- |"]
    if key["warning"]:
        lines[1:1] = ["", f"**Not trustworthy**: {key['warning']}."]
    for v in key["variants"]:
        change = v["change"].replace("|", "\\|")
        margins = " / ".join("-" if m is None else f"{m:.3g}"
                             for m in (v["course_margin"], v["recommended_margin"]))
        lines.append(f"| {v['id']} | {v['where']} | `{change}` | {', '.join(v['look_at'])} "
                     f"| {margins} | {_fix(v)} |")
    if key["not_exported"]:
        lines += ["", "Not exported:", ""]
        lines += [f"- {n['id']}: {n['verdict']} ({n['reason']})" for n in key["not_exported"]]
    return "\n".join(lines) + "\n"


def _fix(variant: dict) -> str:
    """Whether the answer key is unambiguous: one fix location, several, or not searched."""
    if variant["unique_repair"] is None:
        return "-"
    if not variant["repair_where"]:
        return "no repair found"
    if variant["unique_repair"]:
        return f"unique ({variant['repair_where'][0]})"
    return f"{len(variant['repair_where'])} locations: " + "; ".join(variant["repair_where"])


def previous_variants(out: str) -> list[str]:
    """Return the variants a previous export into `out` wrote ([] for a new or empty one).

    A non-empty directory that holds no answer_key.json is refused: it is not ours to clean."""
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise UsageError("exists and is not a directory", where=out,
                         fix="pass a directory for --out")
    if not root.exists() or not any(root.iterdir()):
        return []
    try:
        previous = json.loads((root / "answer_key.json").read_text(encoding="utf-8"))
        names = [variant["id"] for variant in previous["variants"]]
    except (OSError, ValueError, KeyError, TypeError):
        raise UsageError("not empty and not a previous 'gradmut harden --out' directory "
                         "(no readable answer_key.json)", where=out,
                         fix="pass a new or empty directory for --out") from None
    return [str(name) for name in names]


def prepare_out(out: str) -> Path:
    """Return the output directory, emptied of a previous export's variants and keys."""
    names = previous_variants(out)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        stale = root / name  # only a plain child directory: never '..', a path or a symlink
        if stale.is_dir() and not stale.is_symlink() and \
                stale.resolve().parent == root.resolve():
            shutil.rmtree(stale)
    for name in KEY_FILES:
        (root / name).unlink(missing_ok=True)
    return root


def export_variants(hardening, loaded, mutants, out: str) -> list[str]:
    """Write each usable bug's variant under `out`, plus answer_key.json and answer_key.md."""
    root = prepare_out(out)
    by_id = {m.id: m for m in mutants}
    exported = {bug.id: _write_variant(root / bug.id, loaded, by_id[bug.id])
                for bug in hardening.bugs if _exported(hardening, bug)}
    key = answer_key(hardening, exported)
    (root / "answer_key.json").write_text(json.dumps(key, indent=1, sort_keys=True) + "\n",
                                          encoding="utf-8")
    (root / "answer_key.md").write_text(answer_markdown(key), encoding="utf-8")
    return sorted(exported)
