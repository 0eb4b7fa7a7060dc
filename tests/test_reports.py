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

from harness.formatting import format_float
from harness.outcomes import Outcome
from harness.records import FunctionText, Measurement, Status
from harness.report import missed_diffs, mutant_source, render_report
from harness.report_files import FILES, load_results, portable, report_bytes
from harness.results import RunConfig, build_results
from harness.session import MutantRecord
from harness.stryker import STATUS, stryker_report
from harness.tables import mutants_table, report_tables

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


def rows(mutant_id, status=Status.OK, difference=None, blocks=None, matches=False, error=None):
    checked = Measurement(mutant_id, 1, "course", 1e-7, status, difference, blocks or {},
                          matches if status is Status.OK else None, error, 0.25)
    probe = Measurement(mutant_id, 101, "course", 1e-7, Status.OK, None, {}, matches, None,
                        0.125, probe=True)
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
        + rows("scale-6-dW1-x2", difference=0.25, blocks={"dW1": 0.3, "db1": 1e-7})
        + rows("scale-7-db1-tiny", difference=1.5e-7, blocks={"dW1": 1e-7, "db1": 1.6e-7})
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


@pytest.mark.parametrize("fmt", ["latex", "latex_booktabs"])
@pytest.mark.parametrize("which", ["synthetic", "committed"])
def test_latex_is_a_sequence_of_well_formed_tabulars(fmt, which, request):
    results = request.getfixturevalue(which)
    text = render_report(results, fmt)
    assert text.count("\\begin{tabular}") == text.count("\\end{tabular}") == \
        sum(1 for table in report_tables(results) if table.rows)
    assert "\\section" not in text and "\\documentclass" not in text
    for block in tabulars(text):
        columns = len(re.match(r"\\begin\{tabular\}\{([lrc]+)\}", block).group(1))
        for line in block.splitlines():
            if line.rstrip().endswith("\\\\"):
                assert len(re.findall(r"(?<!\\)&", line)) == columns - 1, line
    verbatim = re.sub(r"\\begin\{verbatim\}.*?\\end\{verbatim\}", "", text, flags=re.S)
    unescaped = re.findall(r"(?<!\\)[%#$_]", "\n".join(line for line in verbatim.splitlines()
                                                       if not line.startswith("%")))
    assert unescaped == []


def test_latex_escapes_what_we_write(synthetic):
    text = render_report(synthetic, "latex")
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
    assert "a \\| b" in row and len(re.findall(r"(?<!\\)\|", row)) == 9  # 8 columns


def test_csv_is_the_mutants_table(synthetic):
    parsed = list(csv.reader(io.StringIO(render_report(synthetic, "csv"))))
    table = mutants_table(synthetic)
    assert tuple(parsed[0]) == table.headers and [tuple(r) for r in parsed[1:]] == \
        list(table.rows)


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
    assert by_block["db1"][1:] == ("1", "0", "1", "0.0%", "1.500e-07", "scale-7-db1-tiny")
    assert by_block["dW1"][1:] == ("1", "1", "0", "100.0%", "2.500e-01", "scale-6-dW1-x2")


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


def test_stryker_positions_match_the_source(committed):
    lines = committed.source.splitlines()
    for result in committed.mutants:
        m = result.mutant
        if m.line == m.end_line and "|" not in m.original:
            assert lines[m.line - 1][m.column - 1:m.end_column - 1] == m.original


def test_notebook_reprs_show_summary_and_mutants(synthetic):
    markdown, page = synthetic._repr_markdown_(), synthetic._repr_html_()
    assert "### Summary" in markdown and "### Mutants" in markdown
    assert "| scale-6-dW1-x2" in markdown
    assert page.count("<table>") == 2 and "scale-6-dW1-x2" in page


def test_reports_carry_no_timings(synthetic):
    data = json.loads(render_report(synthetic, "json"))
    seconds = [case["seconds"] for m in data["mutants"] for case in m["cases"]]
    assert set(seconds) == {0.0} and {m["seconds"] for m in data["mutants"]} == {0.0}


@pytest.mark.parametrize("name", [name for name, fmt in FILES.items() if fmt != "png"])
def test_committed_reports_are_fresh(name, committed):
    """Run `gradmut run --report reports/` after a change that moves any report."""
    assert report_bytes(portable(committed), FILES[name]) == (REPORTS / name).read_bytes()


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
