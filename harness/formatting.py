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
