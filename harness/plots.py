"""One picture of a run: every mutant's difference on a log axis against the threshold.

matplotlib is an optional extra (gradmut[plot]), imported only here and only when a plot is
asked for; the figure is drawn on the Agg canvas directly, so no pyplot state or display is
involved. The PNG carries no date and no software stamp, only a comment naming the matplotlib
version, so the same results drawn by the same matplotlib give the same bytes (and a test can
tell a stale picture from a different renderer).
"""
from __future__ import annotations

import io
from importlib.util import find_spec

from harness.errors import UsageError
from harness.formatting import format_float
from harness.outcomes import Outcome

COLOURS = {Outcome.CAUGHT: "tab:green", Outcome.MISSED: "tab:red",
           Outcome.EQUIVALENT: "tab:gray"}


def matplotlib_available() -> bool:
    return find_spec("matplotlib") is not None


def _figure():
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise UsageError("matplotlib is not installed", fix="pip install 'gradmut[plot]'") \
            from None
    figure = Figure(figsize=(9, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    return figure, f"drawn with matplotlib {matplotlib.__version__}"


def _line_ticks(axes, mutants) -> None:
    """Label the x axis with source lines, at each line's first mutant."""
    ticks, labels, previous = [], [], None
    for position, result in enumerate(mutants):
        if result.mutant.line != previous:
            ticks.append(position)
            labels.append(str(result.mutant.line))
            previous = result.mutant.line
    axes.set_xticks(ticks, labels, fontsize="x-small")


def plot_png(results) -> bytes:
    """Return a PNG of each mutant's difference (log scale) in source order against the threshold.

    Points are coloured by outcome; mutants with no difference to plot (crashed, invalid, timed
    out) are counted in the title.
    """
    figure, comment = _figure()
    axes = figure.add_subplot()
    mutants = sorted(results.mutants, key=lambda r: (r.mutant.line, r.mutant.column, r.mutant.id))
    shown = [(x, r) for x, r in enumerate(mutants) if (r.verdict.difference or 0) > 0]
    for outcome, colour in COLOURS.items():
        points = [(x, r.verdict.difference) for x, r in shown if r.outcome is outcome]
        if points:
            xs, ys = zip(*points)
            axes.scatter(xs, ys, s=16, color=colour, label=f"{outcome.value} ({len(points)})",
                         zorder=3)
    threshold = results.config.threshold
    axes.axhline(threshold, color="black", linewidth=1,
                 label=f"threshold {format_float(threshold)}")
    floor = results.baseline.verdict.difference
    if floor:
        axes.axhline(floor, color="tab:blue", linewidth=1, linestyle=":",
                     label=f"unmutated backward {format_float(floor)}")
    axes.set_yscale("log")
    _line_ticks(axes, mutants)
    axes.set_xlabel("mutants in source order (tick: first mutant on that line)")
    axes.set_ylabel(f"difference ({results.config.checker} check)")
    axes.set_title(f"gradmut: {results.target}, {len(shown)} of {len(mutants)} mutants "
                   f"({len(mutants) - len(shown)} with no difference: crashed, invalid or "
                   "timed out)", fontsize="medium")
    axes.legend(fontsize="small", loc="center right")
    axes.grid(True, which="major", axis="y", linewidth=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None, "Comment": comment})
    return buffer.getvalue()
