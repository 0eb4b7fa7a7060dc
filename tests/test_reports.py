"""Reports: every format shows the same numbers, LaTeX/HTML/CSV/Stryker are well formed, and
the committed reports/ are what the code makes of the committed results JSON."""
import csv
import importlib
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.errors import UsageError
from harness.formatting import format_float
from harness.outcomes import Outcome
from harness.records import FunctionText, Measurement, Status
from harness.report import (LATEX_ROWS, TABLES, missed_diffs, mutant_source, render_report,
                            render_table)
from harness.report_files import FILES, load_results, portable, report_bytes
from harness.results import Results, RunConfig, build_results
from harness.results_io import CASE_FIELDS, results_from_json, results_to_json
from harness.results_schema import CASE, CONFIG
from harness.session import MutantRecord
from harness.stryker import STATUS, SourceIndex, changed_span, stryker_report
from harness.tables import mutants_table, render, report_tables

REPORTS = Path(__file__).resolve().parent.parent / "reports"
TEXT_FORMATS = ("plain", "simple", "github", "pipe", "latex", "latex_booktabs", "html", "csv")
NUMBER = re.compile(r"-?\d\.\d{3}e[+-]\d{2}")

# A tiny target file: the missed mutant's function text is spliced into it for the diff.
SOURCE = '''import numpy as np


def backward(X, dZ1, m):
    """Gradients of one layer."""
    dW1 = 1./m * np.dot(dZ1, X.T)
    db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1}
'''
MISSED_FUNCTION = SOURCE.split("\n\n\n")[1].replace("keepdims=True)",
                                                   "keepdims=True) * 1.0000001")


def mutant(mutant_id, line, original, mutated, operator="scale", functions=()):
    return MutantRecord(mutant_id, operator, "backward", line, 11, line, 11 + len(original),
                        original, mutated, f"{operator} at {line}", (), functions)


def rows(mutant_id, status=Status.OK, difference=None, blocks=None, matches=False, error=None,
         changed=None):
    """A checked row and a probe row; `changed` names the blocks the mutant really changes."""
    checked = Measurement(mutant_id, 1, "course", 1e-7, status, difference, blocks or {},
                          matches if status is Status.OK else None, error, 0.25,
                          changed=changed)
    probe = Measurement(mutant_id, 101, "course", 1e-7, Status.OK, None, {}, matches, None,
                        0.125, probe=True, changed=changed)
    return [checked, probe]


def synthetic_results(threshold=2e-7):
    """One mutant per outcome, with text that needs escaping in every markup format."""
    records = [MutantRecord("baseline", "baseline", "backward", 0, 0, 0, 0, "", "", "as is"),
               MutantRecord("sentinel", "sentinel", "backward", 0, 0, 0, 0, "", "", "x2"),
               mutant("scale-6-dW1-x2", 6, "x_1 & 50% #{a}", "x_1 & 50% #{a} * 2"),
               mutant("scale-7-db1-tiny", 7, "np.sum(dZ1, axis=1, keepdims=True)",
                      "np.sum(dZ1, axis=1, keepdims=True) * 1.0000001",
                      functions=(FunctionText("backward", 4, MISSED_FUNCTION),)),
               mutant("transpose-6-dW1-XT", 6, "X.T", "X", "transpose"),
               mutant("drop-term-7-db1", 7, "a < b", "a | b", "drop-term"),
               mutant("sign-6-dW1", 6, "~x ^ y \\ $", "-x", "sign"),
               mutant("reduction-7-db1", 7, "axis=1", "axis=None", "reduction")]
    measurements = (
        rows("baseline", difference=1.189e-7, blocks={"dW1": 1.0e-7, "db1": 1.2e-7},
             matches=True)
        + rows("sentinel", difference=0.3333, blocks={"dW1": 0.3333, "db1": 0.3333})
        + rows("scale-6-dW1-x2", difference=0.25, blocks={"dW1": 0.3, "db1": 1e-7},
               changed=("dW1",))
        + rows("scale-7-db1-tiny", difference=1.5e-7, blocks={"dW1": 1e-7, "db1": 1.6e-7},
               changed=("db1",))
        + rows("transpose-6-dW1-XT", Status.CRASHED, error="ValueError: shapes (3,4) & (5,3)")
        + rows("drop-term-7-db1", Status.INVALID, error="gradient of b1 has 1 entries")
        + rows("sign-6-dW1", Status.TIMEOUT, error="no result within 10 s")
        + rows("reduction-7-db1", difference=1.189e-7, blocks={"dW1": 1e-7, "db1": 1.2e-7},
               matches=True))
    config = RunConfig(threshold=threshold, seeds=(1,), probe_seeds=(101,), function="backward",
                       operators=("drop-term", "reduction", "scale", "sign", "transpose"))
    environment = {"python": "3.11.7", "numpy": "2.4.6", "machine": "x86_64",
                   "system": "Linux", "cpu_baseline": ["X86_V2"], "cpu_dispatch_found": ["AVX2"],
                   "openblas_coretype": None}
    return build_results("tiny", config, environment, "targets/tiny.py", SOURCE, records,
                         measurements)


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_results()


@pytest.fixture(scope="module")
def committed():
    return load_results(REPORTS / "report.json")


def expected_numbers(results) -> dict[str, list[str]]:
    """Per mutant: its difference and margin as every format must show them."""
    threshold = results.config.threshold
    return {r.mutant.id: [format_float(x) for x in (r.verdict.difference,
                                                    r.verdict.margin(threshold)) if x is not None]
            for r in results.mutants}


def numbers_in_text(text: str, mutant_id: str) -> list[str]:
    """Return the numbers on the first line naming the mutant (its row in the mutants table)."""
    pattern = re.compile(rf"(?<![\w.-]){re.escape(mutant_id)}(?![\w.-])")
    line = next(line for line in text.splitlines() if pattern.search(line))
    return NUMBER.findall(line)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("which", ["synthetic", "committed"])
def test_every_format_renders_the_same_numbers(fmt, which, request):
    results = request.getfixturevalue(which)
    text = render_report(results, fmt)
    for mutant_id, numbers in expected_numbers(results).items():
        assert numbers_in_text(text, mutant_id) == numbers, (fmt, mutant_id)


@pytest.mark.parametrize("which", ["synthetic", "committed"])
def test_json_and_stryker_carry_the_same_numbers(which, request):
    results = request.getfixturevalue(which)
    expected = expected_numbers(results)
    data = json.loads(render_report(results, "json"))
    for entry in data["mutants"]:
        shown = [format_float(entry[key]) for key in ("difference", "margin")
                 if entry[key] is not None]
        assert shown == expected[entry["id"]]
    for entry in json.loads(render_report(results, "stryker"))["files"].popitem()[1]["mutants"]:
        numbers = NUMBER.findall(entry["statusReason"])
        assert all(number in numbers for number in expected[entry["id"]])


def test_mutants_table_sorts_missed_first_then_line_then_id(synthetic, committed):
    outcomes = [row[4] for row in mutants_table(synthetic).rows]
    assert outcomes == ["missed", "timeout", "crashed", "invalid", "caught", "equivalent"]
    real = [(row[4], int(row[2]), row[0]) for row in mutants_table(committed).rows]
    assert real == sorted(real, key=lambda r: (outcomes.index(r[0]), r[1], r[2]))


def tabulars(text: str) -> list[str]:
    return re.findall(r"\\begin\{tabular\}.*?\\end\{tabular\}", text, flags=re.S)


def chunks(results) -> int:
    """How many tabulars the tables make: LATEX_ROWS rows at most each."""
    return sum(-(-len(table.rows) // LATEX_ROWS) for table in report_tables(results))


@pytest.mark.parametrize("fmt", ["latex", "latex_booktabs"])
@pytest.mark.parametrize("which", ["synthetic", "committed"])
def test_latex_is_a_sequence_of_well_formed_tabulars(fmt, which, request):
    results = request.getfixturevalue(which)
    text = render_report(results, fmt)
    assert text.count("\\begin{tabular}") == text.count("\\end{tabular}") == chunks(results)
    assert "\\section" not in text and "\\documentclass" not in text
    assert "\\paragraph" not in text  # a run-in title would sit beside the table
    headers = {table.headers[0] for table in report_tables(results)}
    for block in tabulars(text):
        columns = len(re.match(r"\\begin\{tabular\}\{([lrc]+)\}", block).group(1))
        rows = [line for line in block.splitlines() if line.rstrip().endswith("\\\\")]
        assert rows[0].split("&")[0].strip() in headers  # every part repeats the header
        assert 2 <= len(rows) <= LATEX_ROWS + 1
        for line in rows:
            assert len(re.findall(r"(?<!\\)&", line)) == columns - 1, line
    outside = re.sub(r"\\begin\{verbatim\}.*?\\end\{verbatim\}", "", text, flags=re.S)
    body = re.sub(r"\\[{}]", "", "\n".join(line for line in outside.splitlines()
                                          if not line.startswith("%")))
    depth = 0
    for character in body:  # braces balance and never close more than they opened
        depth += {"{": 1, "}": -1}.get(character, 0)
        assert depth >= 0
    assert depth == 0 and "|" not in body  # '|' prints as a dash in LaTeX's default fonts


def test_latex_longtable_keeps_each_table_whole(committed):
    text = render_report(committed, "latex_longtable")
    assert "\\begin{tabular}" not in text and "\\usepackage{longtable}" in text
    assert text.count("\\begin{longtable}") == text.count("\\end{longtable}") == \
        sum(1 for table in report_tables(committed) if table.rows)
    verbatim = re.sub(r"\\begin\{verbatim\}.*?\\end\{verbatim\}", "", text, flags=re.S)
    unescaped = re.findall(r"(?<!\\)[%#$_]", "\n".join(line for line in verbatim.splitlines()
                                                       if not line.startswith("%")))
    assert unescaped == []


def test_latex_escapes_what_we_write(synthetic):
    text = render_report(synthetic, "latex")
    assert r"a \ensuremath{<} b -\ensuremath{>} a \textbar{} b" in text  # a higher-order change
    assert r"x\_1 \& 50\% \#\{a\}" in text
    assert r"\textasciitilde{}x \^{} y \textbackslash{} \$" in text
    assert r"function backward in targets/tiny.py; checker course" in text


class TagCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.open, self.tables = [], 0

    def handle_starttag(self, tag, attrs):
        if tag not in ("meta",):
            self.open.append(tag)
        self.tables += tag == "table"

    def handle_endtag(self, tag):
        assert self.open.pop() == tag


def test_html_is_a_page_of_tables_with_escaped_text(synthetic):
    text = render_report(synthetic, "html")
    parser = TagCounter()
    parser.feed(text)
    assert parser.open == [] and parser.tables == 6
    assert "a &lt; b -&gt; a | b" in text and "a < b" not in text
    assert "<table>" in synthetic._repr_html_()


def test_markdown_escapes_pipes_in_cells(synthetic):
    text = render_report(synthetic, "github")
    row = next(line for line in text.splitlines() if "drop-term-7-db1" in line)
    columns = len(mutants_table(synthetic).headers)
    assert "a \\| b" in row and len(re.findall(r"(?<!\\)\|", row)) == columns + 1


@pytest.mark.parametrize("name", [None, *TABLES])
def test_csv_is_one_table_by_default_the_mutants(name, synthetic):
    parsed = list(csv.reader(io.StringIO(render_report(synthetic, "csv", name))))
    table = TABLES[name or "mutants"](synthetic)
    assert tuple(parsed[0]) == table.headers and [tuple(r) for r in parsed[1:]] == \
        list(table.rows)


@pytest.mark.parametrize("name", TABLES)
def test_one_table_alone_in_any_format(name, synthetic):
    table = TABLES[name](synthetic)
    rows = json.loads(render_report(synthetic, "json", name))
    assert rows == [dict(zip(table.headers, row)) for row in table.rows]
    assert render_report(synthetic, "github", name) == render(table, "github") + "\n"
    html = render_table(synthetic, name, "html")
    assert html.count("<table>") == 1 and "<h1>" not in html
    if table.rows:
        assert render_report(synthetic, "latex", name).count("\\begin{tabular}") == 1


@pytest.mark.parametrize("fmt", ["stryker", "png", "all"])
def test_formats_that_are_no_table_refuse_one(fmt, synthetic):
    with pytest.raises(UsageError, match="takes no table"):
        render_report(synthetic, fmt, "summary")
    with pytest.raises(UsageError, match="did you mean missed"):
        render_report(synthetic, "csv", "mised")


def test_missed_mutants_come_with_their_diff(synthetic):
    (mutant_id, diff), = missed_diffs(synthetic)
    assert mutant_id == "scale-7-db1-tiny"
    assert "-    db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True)\n" in diff
    assert "+    db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True) * 1.0000001\n" in diff
    for fmt in ("github", "latex", "html", "plain"):
        assert "keepdims=True) * 1.0000001" in render_report(synthetic, fmt)


def test_blocks_table_finds_where_the_check_is_blind(synthetic):
    table = next(t for t in report_tables(synthetic) if t.title == "Per gradient block")
    by_block = {row[0]: row for row in table.rows}
    assert by_block["db1"][1:] == ("1", "0", "1", "0.0%", "1.600e-07", "scale-7-db1-tiny")
    assert by_block["dW1"][1:] == ("1", "1", "0", "100.0%", "3.000e-01", "scale-6-dW1-x2")


def test_setting_table_names_the_numpy_build(synthetic):
    setting = dict(report_tables(synthetic)[-1].rows)
    assert setting["numpy"] == "2.4.6" and setting["CPU dispatch features"] == "AVX2"
    assert setting["epsilon"] == "1.000e-07" and setting["threshold"] == "2.000e-07"


REQUIRED = {  # mutation-testing-elements, packages/report-schema, schema version 2
    "report": ["schemaVersion", "thresholds", "files"],
    "thresholds": ["high", "low"],
    "file": ["language", "source", "mutants"],
    "mutant": ["id", "mutatorName", "location", "status"],
    "location": ["start", "end"],
    "position": ["line", "column"],
}
STATUSES = {"Killed", "Survived", "NoCoverage", "CompileError", "RuntimeError", "Timeout",
            "Ignored", "Pending"}


@pytest.mark.parametrize("which", ["synthetic", "committed"])
def test_stryker_report_has_the_schemas_required_fields(which, request):
    results = request.getfixturevalue(which)
    report = stryker_report(results)
    assert set(REQUIRED["report"]) <= set(report) and report["schemaVersion"] == "2"
    assert set(REQUIRED["thresholds"]) <= set(report["thresholds"])
    assert all(isinstance(v, int) and 0 <= v <= 100 for v in report["thresholds"].values())
    (path, file), = report["files"].items()
    assert not Path(path).is_absolute() and path.endswith(".py")
    assert set(REQUIRED["file"]) <= set(file) and file["source"] == results.source
    assert len({m["id"] for m in file["mutants"]}) == len(file["mutants"]) == len(results.mutants)
    for entry in file["mutants"]:
        assert set(REQUIRED["mutant"]) <= set(entry) and entry["status"] in STATUSES
        assert set(REQUIRED["location"]) <= set(entry["location"])
        for position in entry["location"].values():
            assert set(REQUIRED["position"]) <= set(position)
            assert all(isinstance(v, int) and v >= 1 for v in position.values())
        assert all(isinstance(entry[key], str) for key in ("replacement", "statusReason"))
    assert json.loads(render_report(results, "stryker")) == json.loads(json.dumps(report))


def test_stryker_status_for_every_outcome(synthetic):
    assert set(STATUS) == set(Outcome)
    statuses = {r["id"]: r["status"]
                for r in stryker_report(synthetic)["files"]["targets/tiny.py"]["mutants"]}
    assert statuses == {"scale-6-dW1-x2": "Killed", "scale-7-db1-tiny": "Survived",
                        "transpose-6-dW1-XT": "RuntimeError", "drop-term-7-db1": "RuntimeError",
                        "sign-6-dW1": "Timeout", "reduction-7-db1": "Ignored"}


def spliced(source: str, entry: dict) -> str:
    """Return `source` with the entry's replacement put over its location (1-based, end
    exclusive), as the viewer shows a mutant."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", source)]
    start, end = ((starts[p["line"] - 1] + p["column"] - 1)
                  for p in (entry["location"]["start"], entry["location"]["end"]))
    return source[:start] + entry["replacement"] + source[end:]


def stryker_entries(results) -> dict[str, dict]:
    (file,) = stryker_report(results)["files"].values()
    return {entry["id"]: entry for entry in file["mutants"]}


def test_stryker_positions_match_the_source(committed):
    lines, spaces = committed.source.splitlines(), {}
    entries = stryker_entries(committed)
    for result in committed.mutants:
        m, entry = result.mutant, entries[result.mutant.id]
        assert spliced(committed.source, entry) == mutant_source(committed, m, spaces), m.id
        if m.line == m.end_line and "|" not in m.original:
            assert lines[m.line - 1][m.column - 1:m.end_column - 1] == m.original


def results_for(source: str, path: str, mutants) -> Results:
    """Results for generated mutants (records as `run` stores them), every one caught."""
    records = [MutantRecord("baseline", "baseline", "f", 0, 0, 0, 0, "", "", "as is"),
               MutantRecord("sentinel", "sentinel", "f", 0, 0, 0, 0, "", "", "x2")]
    records += [MutantRecord(m.id, m.operator, m.function, m.line, m.column, m.end_line,
                             m.end_column, m.original, m.mutated, m.description, m.parts,
                             tuple(FunctionText(f.name, f.first_line, f.source)
                                   for f in m.functions), m.source)
                for m in mutants]
    measurements = rows("baseline", difference=1e-8, blocks={"dW": 1e-8}, matches=True)
    for record in records[1:]:
        measurements += rows(record.id, difference=0.5, blocks={"dW": 0.5})
    config = RunConfig(seeds=(1,), probe_seeds=(101,), function="f",
                       operators=tuple(sorted({m.operator for m in mutants})))
    return build_results("generated", config, {}, path, source, records, measurements)


def higher_order_mutants():
    """Pairs of the course's backward (a spread of first-order parts), and triples across two
    functions of a small file: each with its whole source as the generator made it."""
    from mutators import MutationSpace, combinations, higher_order, select_operators

    course = (REPORTS.parent / "targets" / "three_layer.py").read_text()
    space = MutationSpace(course, "backward_propagation_n")
    first = space.first_order(select_operators("scale,normalization,transpose"))
    pairs = combinations(space, first[::7])
    small = ("def f(a, m):\n    d = 1./m * (a - b)\n    return 1./m * d\n\n\n"
             "def g(A1, A2):\n    return (A1 - A2)\n")
    parts = MutationSpace(small, ["f", "g"]).first_order(
        select_operators("normalization,swap-operands,drop-term"))
    triples = higher_order(small, ["f", "g"], parts, order=3)
    return [(course, "targets/three_layer.py", pairs), (small, "small.py", parts + triples)]


@pytest.mark.parametrize("case", [0, 1], ids=["course-pairs", "two-functions"])
def test_stryker_replacements_splice_into_higher_order_mutants(case):
    source, path, mutants = higher_order_mutants()[case]
    assert sum(len(m.parts) >= 2 for m in mutants) > 20
    loaded = portable(results_for(source, path, mutants))  # the JSON keeps functions only
    assert not any(r.mutant.source for r in loaded.mutants)
    entries = stryker_entries(loaded)
    for m in mutants:
        entry = entries[m.id]
        assert spliced(source, entry) == m.source, m.id  # the generator's own module text
        assert (entry["location"]["start"], entry["location"]["end"]) == (
            {"line": m.line, "column": m.column}, {"line": m.end_line, "column": m.end_column})
    assert case == 0 or any(len({f.name for f in m.functions}) == 2 for m in mutants)


def test_stryker_span_widens_to_a_change_outside_it():
    index = SourceIndex("x = (a - b)\ny = 1\n")
    start, end = index.offset(1, 6), index.offset(1, 11)  # 'a - b', inside its parentheses
    assert changed_span(index, "x = (a - b) * 2\ny = 1\n", start, end) == (5, 11)
    assert changed_span(index, "x = a\ny = 1\n", start, end) == (4, 11)
    assert changed_span(index, "x = (b - a)\ny = 1\n", start, end) == (start, end)
    assert index.position(11) == {"line": 1, "column": 12}
    assert index.position(12) == {"line": 2, "column": 1}


def test_notebook_reprs_show_summary_and_mutants(synthetic):
    markdown, page = synthetic._repr_markdown_(), synthetic._repr_html_()
    assert "### Summary" in markdown and "### Mutants" in markdown
    assert "| scale-6-dW1-x2" in markdown
    assert page.count("<table>") == 2 and "scale-6-dW1-x2" in page


def test_reports_carry_no_timings(synthetic):
    data = json.loads(render_report(synthetic, "json"))
    seconds = [case["seconds"] for m in data["mutants"] for case in m["cases"]]
    assert set(seconds) == {0.0} and {m["seconds"] for m in data["mutants"]} == {0.0}


@pytest.mark.parametrize("name", [name for name, (fmt, _) in FILES.items() if fmt != "png"])
def test_committed_reports_are_fresh(name, committed):
    """Run `gradmut run --report reports/` after a change that moves any report."""
    assert report_bytes(portable(committed), *FILES[name]) == (REPORTS / name).read_bytes()


def test_committed_reports_are_exactly_the_files_written():
    assert sorted(path.name for path in REPORTS.iterdir()) == sorted(FILES)


def clear_winner(result) -> bool:
    """True when one block's difference leads (a negated gradient ties every block at 1)."""
    first, second = sorted(result.per_parameter.values(), reverse=True)[:2]
    return first > second * (1 + 1e-9)


def test_committed_results_match_a_fresh_run(committed):
    """The committed facts still hold: same mutants and outcomes, differences to 1e-9."""
    fresh = portable(importlib.import_module("harness.run").run(committed.target))
    assert [r.mutant.id for r in fresh.mutants] == [r.mutant.id for r in committed.mutants]
    for new, old in zip(fresh.mutants, committed.mutants):
        assert new.outcome is old.outcome, new.mutant.id
        if old.verdict.difference is not None:
            assert new.verdict.difference == pytest.approx(old.verdict.difference, rel=1e-9)
        if old.outcome in (Outcome.CAUGHT, Outcome.MISSED) and clear_winner(old):
            assert new.verdict.blamed == old.verdict.blamed, new.mutant.id
    assert fresh.source == committed.source and fresh.config == committed.config


def test_mutant_sources_splice_like_the_generator():
    fresh = importlib.import_module("harness.run").run("three-layer", operators=["scale"],
                                                       jobs=0)
    stripped = portable(fresh)  # the JSON keeps functions, not whole modules
    for live, loaded in zip(fresh.mutants[:10], stripped.mutants[:10]):
        assert live.mutant.source and not loaded.mutant.source
        assert mutant_source(stripped, loaded.mutant) == live.mutant.source


@pytest.mark.plot
def test_plot_bytes_are_stable(synthetic):
    from PIL import Image

    first, second = report_bytes(synthetic, "png"), report_bytes(synthetic, "png")
    assert first == second and first.startswith(b"\x89PNG")
    assert "Software" not in Image.open(io.BytesIO(first)).text


@pytest.mark.plot
def test_committed_plot_is_fresh(committed):
    import matplotlib
    from PIL import Image

    fresh, stored = report_bytes(portable(committed), "png"), (REPORTS / "plot.png").read_bytes()
    drawn_with = Image.open(io.BytesIO(stored)).text.get("Comment")
    if drawn_with == f"drawn with matplotlib {matplotlib.__version__}":
        assert fresh == stored
    else:  # another matplotlib draws other pixels: the picture's frame must still agree
        assert Image.open(io.BytesIO(fresh)).size == Image.open(io.BytesIO(stored)).size


@pytest.mark.plot
@pytest.mark.parametrize("which", ["synthetic", "committed"])
def test_plot_counts_what_it_leaves_out_by_outcome(which, request):
    from harness.plots import draw

    results = request.getfixturevalue(which)
    title = draw(results)[0].axes[0].get_title()
    unplotted = [r for r in results.mutants
                 if r.outcome not in (Outcome.CAUGHT, Outcome.MISSED, Outcome.EQUIVALENT)
                 or not r.verdict.difference]
    plotted = len(results.mutants) - len(unplotted)
    assert f"{plotted} of {len(results.mutants)} mutants plotted" in title
    for outcome in Outcome:
        count = sum(r.outcome is outcome for r in unplotted)
        assert (f"{count} {outcome.value}" in title) == (count > 0), (outcome, title)


@pytest.mark.plot
def test_plot_names_an_equivalent_mutant_at_difference_zero(synthetic):
    from harness.plots import draw

    results = build_results(synthetic.target, synthetic.config, synthetic.environment,
                            synthetic.source_path, synthetic.source,
                            [r.mutant for r in (synthetic.baseline, synthetic.sentinel,
                                                *synthetic.mutants)],
                            [m if m.mutant_id != "reduction-7-db1" or m.probe else
                             Measurement(m.mutant_id, 1, "course", 1e-7, Status.OK, 0.0,
                                         {"dW1": 0.0, "db1": 0.0}, True, None, 0.25)
                             for r in (synthetic.baseline, synthetic.sentinel,
                                       *synthetic.mutants) for m in r.measurements])
    title = draw(results)[0].axes[0].get_title()
    assert "1 equivalent" in title and "crashed, invalid or timed out" not in title


@pytest.mark.plot
@pytest.mark.parametrize("which", ["synthetic", "committed"])
def test_plot_line_labels_do_not_overlap(which, request):
    from harness.plots import draw

    figure = draw(request.getfixturevalue(which))[0]
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    labels = [t for t in figure.axes[0].get_xticklabels() if t.get_text()]
    boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)
    assert len(boxes) >= 2
    for left, right in zip(boxes, boxes[1:]):
        assert left.x1 < right.x0, (left, right)


def test_the_json_shape_covers_every_stored_field():
    from dataclasses import fields

    assert {key.lstrip("~") for key in CONFIG} == {f.name for f in fields(RunConfig)}
    assert {key.lstrip("~") for key in CASE} == set(CASE_FIELDS)


def leaves(value, path=()):
    """Every path into a JSON value (objects and lists), the value itself first."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from leaves(item, (*path, number))


def replaced(value, path, new):
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = replaced(value[path[0]], path[1:], new)
    return copy


SYNTHETIC_JSON = json.loads(json.dumps(results_to_json(synthetic_results())))
PATHS = [path for path in leaves(SYNTHETIC_JSON) if "source" not in path[-1:]]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10 ** 6) | st.floats(allow_nan=True)
    | st.text(max_size=8) | st.sampled_from(["ok", "crashed", "baseline", "dW1", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                 max_size=3), max_leaves=6)


@settings(max_examples=300, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=JSON_VALUES)
def test_any_corrupt_field_is_a_usage_error_or_renders(path, value):
    """Change one field of a good results JSON: reading it either refuses with a UsageError,
    or every format renders (never a traceback from deep inside a table)."""
    data = replaced(SYNTHETIC_JSON, path, value)
    try:
        results = results_from_json(data, "corrupt.json")
    except UsageError as error:
        assert "\n" not in error.line() and error.line().startswith("corrupt.json")
        return
    for fmt in ("github", "latex", "csv", "json", "stryker"):
        render_report(results, fmt)
