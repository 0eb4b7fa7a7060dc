"""A mutant as a unified diff against the original source (for `gradmut show` and reports)."""
from __future__ import annotations

import difflib

from mutators.records import Mutant


def unified_diff(original_source: str, mutant: Mutant, filename: str = "source.py") -> str:
    """Return the unified diff (3 lines of context) from the original to the mutant's source."""
    lines = difflib.unified_diff(original_source.splitlines(True), mutant.source.splitlines(True),
                                 fromfile=f"a/{filename}", tofile=f"b/{filename} ({mutant.id})")
    return "".join(lines)
