"""Export hardened bugs as assignment variants: the buggy source, and an answer key.

Course staff hand each student (or each term) a different planted bug. A variant is the buggy
function's source, the whole module (or, for a notebook input, the notebook with that cell
replaced and outputs cleared), and one answer key for all variants: the lines changed and the
gradient blocks the check blames, with the margins on the course's and the recommended case.
"""
from __future__ import annotations

import json
from pathlib import Path

from harness.errors import UsageError

USABLE = ("robust", "not robust")


def _exported(hardening, bug) -> bool:
    """A variant must be caught by the check on the case the key recommends."""
    margin = bug.recommended_margin
    return bug.verdict in USABLE and margin is not None and margin > 1


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

        from harness.notebooks import with_function_replaced

        notebook = None
        for function in mutant.functions:
            original = _original_line_count(loaded.source, function)
            notebook = with_function_replaced(source_path, loaded.line_map, function.first_line,
                                              original, function.source, notebook)
        nbformat.write(notebook, str(directory / source_path.name))
    else:
        (directory / source_path.name).write_text(mutant.source, encoding="utf-8")
    written.append(source_path.name)
    return written


def _original_line_count(source: str, function) -> int:
    """Lines of the original definition that starts at function.first_line (ast's span)."""
    import ast

    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name == function.name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            if first == function.first_line:
                return node.end_lineno - first + 1
    return len(function.source.splitlines())


def answer_key(hardening, exported: dict[str, list[str]]) -> dict:
    best = hardening.recommended
    return {
        "target": hardening.target, "source_path": hardening.source_path,
        "threshold": hardening.threshold,
        "recommended_case": None if best is None else {"seed": best.seed, "scale": best.scale},
        "course_case": {"seed": hardening.course.seed, "scale": hardening.course.scale},
        "variants": [{"id": bug.id, "files": exported.get(bug.id, []),
                      "function": bug.function, "lines": list(bug.lines), "where": bug.where,
                      "change": f"{bug.original} -> {bug.mutated}",
                      "description": bug.description, "look_at": list(bug.blocks),
                      "verdict": bug.verdict, "course_margin": bug.course_margin,
                      "recommended_margin": bug.recommended_margin}
                     for bug in hardening.bugs if bug.id in exported],
        "not_exported": [{"id": bug.id, "verdict": bug.verdict, "reason": bug.reason}
                         for bug in hardening.bugs if bug.id not in exported]}


def answer_markdown(key: dict) -> str:
    case = key["recommended_case"]
    lines = [f"# Answer key: {key['target']}", "",
             f"Check threshold {key['threshold']:g}; test case: "
             + (f"seed {case['seed']}, input scale {case['scale']:g}" if case else
                "the course's (no better case found)"), "",
             "| variant | where | change | look at | margin (course / recommended) |",
             "| --- | --- | --- | --- | --- |"]
    for v in key["variants"]:
        change = v["change"].replace("|", "\\|")
        margins = " / ".join("-" if m is None else f"{m:.3g}"
                             for m in (v["course_margin"], v["recommended_margin"]))
        lines.append(f"| {v['id']} | {v['where']} | `{change}` | {', '.join(v['look_at'])} "
                     f"| {margins} |")
    if key["not_exported"]:
        lines += ["", "Not exported:", ""]
        lines += [f"- {n['id']}: {n['verdict']} ({n['reason']})" for n in key["not_exported"]]
    return "\n".join(lines) + "\n"


def export_variants(hardening, loaded, mutants, out: str) -> list[str]:
    """Write each usable bug's variant under `out`, plus answer_key.json and answer_key.md."""
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise UsageError("exists and is not a directory", where=out,
                         fix="pass a directory for --out")
    root.mkdir(parents=True, exist_ok=True)
    by_id = {m.id: m for m in mutants}
    exported = {bug.id: _write_variant(root / bug.id, loaded, by_id[bug.id])
                for bug in hardening.bugs if _exported(hardening, bug)}
    key = answer_key(hardening, exported)
    (root / "answer_key.json").write_text(json.dumps(key, indent=1, sort_keys=True) + "\n",
                                          encoding="utf-8")
    (root / "answer_key.md").write_text(answer_markdown(key), encoding="utf-8")
    return sorted(exported)
