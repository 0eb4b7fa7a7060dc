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


# At most this many labelled ticks per inch of axis: a 3-digit x-small label is about 0.2 in
# wide, so labels stay apart; every line still gets an unlabelled minor tick.
LABELS_PER_INCH = 3


def line_ticks(lines: list[int], labels_at_most: int) -> tuple[list[int], list[str], list[int]]:
    """Return (labelled positions, their labels, unlabelled positions) for source lines.

    `lines` is each plotted mutant's line in order; a tick marks each line's first mutant, and
    only ticks at least len(lines) / labels_at_most positions past the last labelled one get a
    label, so no two labels collide however few mutants a line has.
    """
    starts = [x for x, line in enumerate(lines) if x == 0 or line != lines[x - 1]]
    gap = len(lines) / max(labels_at_most, 1)
    labelled, minor = [], []
    for x in starts:
        (labelled if not labelled or x - labelled[-1] >= gap else minor).append(x)
    return labelled, [str(lines[x]) for x in labelled], minor


def not_plotted(mutants, shown) -> str:
    """Say by outcome which mutants have no point (no difference, or 0 on a log axis)."""
    plotted = {id(r) for _, r in shown}
    missing = [r.outcome for r in mutants if id(r) not in plotted]
    return ", ".join(f"{missing.count(outcome)} {outcome.value}" for outcome in Outcome
                     if outcome in missing)


def draw(results):
    """Return (figure, PNG comment): each mutant's difference (log scale) in source order.

    Points are coloured by outcome; the title counts, by outcome, the mutants with no point.
    """
    figure, comment = _figure()
    axes = figure.add_subplot()
    mutants = sorted(results.mutants, key=lambda r: (r.mutant.line, r.mutant.column, r.mutant.id))
    shown = [(x, r) for x, r in enumerate(mutants)
             if r.outcome in COLOURS and (r.verdict.difference or 0) > 0]
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
    width = figure.get_figwidth() * axes.get_position().width
    labelled, labels, minor = line_ticks([r.mutant.line for r in mutants],
                                         int(width * LABELS_PER_INCH))
    axes.set_xticks(labelled, labels, fontsize="x-small")
    axes.set_xticks(minor, minor=True)
    axes.set_xlim(-1, max(len(mutants), 1))
    axes.set_xlabel("mutants in source order (tick: a line's first mutant; label: its line)")
    axes.set_ylabel(f"difference ({results.config.checker} check)")
    left_out = not_plotted(mutants, shown)
    axes.set_title(f"gradmut: {results.target}, {len(shown)} of {len(mutants)} mutants plotted"
                   + (f"\nnot plotted (no difference, or 0 on a log axis): {left_out}"
                      if left_out else ""), fontsize="medium")
    axes.legend(fontsize="small", loc="center right")
    axes.grid(True, which="major", axis="y", linewidth=0.3)
    figure.tight_layout()
    return figure, comment


def plot_png(results) -> bytes:
    """Return the figure as PNG bytes, with no date or software stamp (see the module)."""
    figure, comment = draw(results)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None, "Comment": comment})
    return buffer.getvalue()
