"""One number format everywhere, so terminal, Markdown, LaTeX and CSV show the same digits."""
from __future__ import annotations

import math


def format_float(value: float | None, digits: int = 3) -> str:
    """Return `value` in scientific notation with `digits` decimals ('1.189e-07'); '-' for None."""
    if value is None:
        return "-"
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return f"{value:.{digits}e}"


def format_seeds(seeds) -> str:
    """Return seeds as compact ranges: (1, 2, 3, 5) -> '1-3,5'."""
    ordered, parts = sorted(seeds), []
    start = previous = None
    for seed in ordered + [None]:
        if seed is not None and previous is not None and seed == previous + 1:
            previous = seed
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = seed
    return ",".join(parts)
