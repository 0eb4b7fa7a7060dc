"""What produced a result: interpreter, numpy build and the CPU features its kernels use.

The last digits of a gradient check move with numpy's SIMD kernels, so every stored or printed
result carries this record.
"""
from __future__ import annotations

import os
import platform
import sys
from functools import lru_cache

import numpy as np


def _cpu_features() -> tuple[list[str], list[str]]:
    """Return (baseline, found dispatch features) as numpy reports them, or empty lists."""
    try:
        from numpy._core import _multiarray_umath as umath  # numpy >= 2
    except ImportError:  # pragma: no cover - numpy 1.x
        from numpy.core import _multiarray_umath as umath
    baseline = list(getattr(umath, "__cpu_baseline__", []))
    dispatch = list(getattr(umath, "__cpu_dispatch__", []))
    features = getattr(umath, "__cpu_features__", {})
    found = [name for name in dispatch if features.get(name)]
    return baseline, found


@lru_cache(maxsize=1)
def environment() -> dict:
    """Return the environment record (plain JSON-able dict, keys sorted by the writer)."""
    baseline, found = _cpu_features()
    return {
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "numpy": np.__version__,
        "machine": platform.machine(),
        "system": platform.system(),
        "cpu_baseline": baseline,
        "cpu_dispatch_found": found,
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
    }


def describe(env: dict) -> str:
    """Return a one-line summary such as 'numpy 2.4.6, python 3.11.7, x86_64 X86_V2+AVX512_ICL'."""
    simd = "+".join(env["cpu_baseline"][-1:] + env["cpu_dispatch_found"][-1:]) or "no SIMD info"
    return f"numpy {env['numpy']}, python {env['python']}, {env['machine']} {simd}"
