"""Imports follow the data flow: targets -> mutators -> harness; never backwards."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "targets": {"numpy", "targets"},
    "mutators": {"libcst", "mutators"},
    "harness": None,  # the harness may import anything it depends on
}
STDLIB = set(__import__("sys").stdlib_module_names) | {"__future__"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["targets", "mutators"])
def test_lower_layers_import_only_what_they_may(package):
    for path in sorted((ROOT / package).glob("*.py")):
        outside = imported_roots(path) - STDLIB - ALLOWED[package]
        assert not outside, f"{path.name} imports {sorted(outside)}"


def test_no_package_imports_the_harness_from_below():
    for package in ("targets", "mutators"):
        for path in sorted((ROOT / package).glob("*.py")):
            assert "harness" not in imported_roots(path), path
