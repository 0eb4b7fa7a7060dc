"""A sweep's pictures (U-curve, detection rates, kill matrix) and its report folder.

matplotlib is an optional extra (gradmut[plot]) imported inside the functions and drawn on the
Agg canvas directly (no pyplot state, no display). `write_sweep_report` writes every table as
Markdown and CSV, the JSON, and the PNGs when matplotlib is installed (a note otherwise).
"""
from __future__ import annotations

import io
import json
from pathlib import Path

from harness.errors import UsageError
from harness.outcomes import Outcome


def _figure(width: float, height: float):
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise UsageError("matplotlib is not installed", fix="install gradmut[plot]") from None
    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure, f"drawn with matplotlib {matplotlib.__version__}"


def _png(figure, comment: str) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None, "Comment": comment})
    return buffer.getvalue()


def u_curve_png(results) -> bytes:
    """Left: the primary check's baseline against epsilon with its thresholds (course case and
    worst case). Right: every checker's baseline as a margin (statistic / its threshold)."""
    figure, comment = _figure(11, 4.5)
    left, right = figure.add_subplot(1, 2, 1), figure.add_subplot(1, 2, 2)
    config = results.config
    curve = [(e, d) for e, d in results.baseline_curve() if d]
    left.plot(*zip(*curve), marker="o", label="course case (seed 1)")
    worst = [(e, max(results.difference("baseline", s, config.primary, e) or 0.0
                     for s in config.seeds)) for e, _ in curve]
    left.plot(*zip(*worst), marker=".", linestyle=":", label=f"worst of {len(config.seeds)} cases")
    for threshold in config.thresholds:
        left.axhline(threshold, linewidth=0.8, color="black", linestyle="--")
        left.annotate(f"threshold {threshold:.0e}", (curve[0][0], threshold), fontsize="x-small")
    _exact_curves(left, results.exact)
    _log_axes(left, f"difference ({config.primary})",
              "the correct backward: truncation error falls, rounding error rises")
    left.legend(fontsize="small")
    for checker in config.checkers:
        threshold = config.operating_point(checker)[1]
        points = [(e, d / threshold) for e, d in results.baseline_curve(checker) if d]
        if points:
            right.plot(*zip(*points), marker=".", label=checker)
    right.axhline(1.0, color="black", linewidth=1)
    _log_axes(right, "statistic / default threshold", "every checker: above 1 is a false alarm")
    right.legend(fontsize="small")
    return _png(figure, comment)


def _exact_curves(axes, exact) -> None:
    """With the oracle: the numerical gradient's error against the exact one, and its parts."""
    if exact is None:
        return
    styles = (("numeric_error", "error against the exact gradient", "-"),
              ("truncation", "  truncation part", "--"), ("rounding", "  rounding part", "-."))
    for field, label, style in styles:
        points = [(p.epsilon, getattr(p, field)) for p in exact.points if getattr(p, field)]
        if points:
            axes.plot(*zip(*points), linestyle=style, linewidth=1, color="tab:purple"
                      if field == "numeric_error" else "tab:gray", label=label)


def _log_axes(axes, ylabel: str, title: str) -> None:
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.invert_xaxis()
    axes.set_xlabel("epsilon")
    axes.set_ylabel(ylabel)
    axes.set_title(title, fontsize="medium")
    axes.grid(True, which="major", linewidth=0.3)


# Each case's outcome as a slice of the mutant's bar: caught at the bottom (its height is the
# detection rate), then missed, then equivalent (hatched, so a mutant equivalent on every case
# shows as a full hatched bar rather than a bar of height 0), then the failures.
CASE_SLICES = ((Outcome.CAUGHT, "tab:green", "", "caught"),
               (Outcome.MISSED, "tab:red", "", "missed"),
               (Outcome.EQUIVALENT, "white", "///", "equivalent (gradients equal the correct "
                                                    "ones: nothing to catch)"),
               (None, "tab:purple", "", "crashed, invalid or timed out"))


def detection_png(results) -> bytes:
    """Each mutant's cases by outcome, in source order: the green part is its detection rate."""
    figure, comment = _figure(11, 4)
    axes = figure.add_subplot()
    seeds = len(results.config.seeds)
    fractions = [_case_fractions(results, m.id, seeds) for m in results.mutants]
    bottom = [0.0] * len(fractions)
    xs = list(range(len(fractions)))
    for position, (outcome, colour, hatch, label) in enumerate(CASE_SLICES):
        heights = [f[position] for f in fractions]
        mutants = sum(1 for h in heights if h > 0)
        axes.bar(xs, heights, bottom=bottom, color=colour, hatch=hatch, edgecolor="gray"
                 if hatch else colour, linewidth=0.3 if hatch else 0, width=0.8,
                 label=f"{label} (cases of {mutants} mutants)")
        bottom = [b + h for b, h in zip(bottom, heights)]
    differs = [x for x, m in enumerate(results.mutants) if results.course_differs(m.id)]
    axes.scatter(differs, [1.05] * len(differs), marker="v", color="tab:orange",
                 label=f"course case differs ({len(differs)})")
    axes.set_ylim(0, 1.12)
    axes.set_xlabel("mutants in source order (bar: the fraction of cases of each outcome)")
    axes.set_ylabel("fraction of cases")
    config = results.config
    axes.set_title(f"detection over {seeds} cases ({config.primary}, epsilon "
                   f"{config.epsilon:.0e}, threshold {config.threshold:.1e}): green = caught",
                   fontsize="medium")
    axes.legend(fontsize="x-small", loc="lower right", framealpha=0.9)
    return _png(figure, comment)


def _case_fractions(results, mutant_id: str, seeds: int) -> tuple[float, ...]:
    """Return the fraction of cases caught, missed, equivalent and failed for one mutant."""
    outcomes = [o for o in results.case_outcomes(mutant_id).values() if o is not None]
    known = [o for o, *_ in CASE_SLICES if o is not None]
    return (*(outcomes.count(o) / seeds for o in known),
            sum(1 for o in outcomes if o not in known) / seeds)


def kill_matrix_png(results) -> bytes:
    """Checker x mutant heat map of the fraction of cases caught (grey: no verdict to show)."""
    import numpy as np

    checkers = results.config.checkers
    matrix = np.full((len(checkers), len(results.mutants)), np.nan)
    for row, checker in enumerate(checkers):
        for column, mutant in enumerate(results.mutants):
            fraction = results.caught_fraction(mutant.id, checker)
            if fraction is not None:
                matrix[row, column] = fraction
    figure, comment = _figure(11, 1.2 + 0.5 * len(checkers))
    axes = figure.add_subplot()
    image = axes.imshow(np.ma.masked_invalid(matrix), aspect="auto", cmap="viridis",
                        vmin=0, vmax=1, interpolation="nearest")
    axes.set_facecolor("lightgray")
    axes.set_yticks(range(len(checkers)),
                    [f"{c} ({results.forward_passes.get(c)} passes)" for c in checkers],
                    fontsize="small")
    axes.set_xlabel("mutants in source order (grey: equivalent, crashed, invalid or timed out)")
    axes.set_title("kill matrix: fraction of cases caught", fontsize="medium")
    figure.colorbar(image, ax=axes, fraction=0.03)
    return _png(figure, comment)


PLOTS = {"u_curve.png": u_curve_png, "detection.png": detection_png,
         "kill_matrix.png": kill_matrix_png}


def write_sweep_report(results, directory: str) -> tuple[list[Path], list[str]]:
    """Write every table (.md and .csv), the JSON and the plots; return (files, notes)."""
    from importlib.util import find_spec

    from harness.sweep_tables import baseline_lines, report_sections
    from harness.tables import render

    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        files = {"sweep.json": json.dumps(results.to_json(), indent=1, sort_keys=True) + "\n"}
        markdown = ["# gradmut sweep", "", *baseline_lines(results), ""]
        for stem, (table, notes) in report_sections(results).items():
            files[f"{stem}.csv"] = render(table, "csv")
            markdown += [f"## {table.title}", "", render(table, "github"), "", *notes,
                         *([""] if notes else [])]
        files["sweep.md"] = "\n".join(markdown)
        written = [_write_text(folder / name, text) for name, text in files.items()]
    except OSError as error:
        raise UsageError(f"cannot write the report ({error.strerror})", where=directory,
                         fix="choose a writable folder for --report") from None
    if find_spec("matplotlib") is None:
        return written, ["matplotlib is not installed: no plots (install gradmut[plot])"]
    for name, draw in PLOTS.items():
        (folder / name).write_bytes(draw(results))
        written.append(folder / name)
    return written, []


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
