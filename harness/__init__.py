"""gradmut's harness: running, checking, storing and reporting mutants of a backward pass.

The public API (the CLI is a thin shell over it):

    from harness import run, check, diagnose, Outcome
    results = run("three-layer", operators=["scale"], seeds=[1, 2, 3])

`harness.run`, `harness.check` and `harness.diagnose` are these functions; their modules are
`importlib.import_module("harness.run")` and so on.
"""
from harness.check import check
from harness.diagnose import diagnose
from harness.errors import UsageError
from harness.outcomes import Outcome, classify
from harness.records import Measurement, Status
from harness.results import Results, RunConfig
from harness.results_io import load_json, results_to_json
from harness.run import run

__all__ = ["Measurement", "Outcome", "Results", "RunConfig", "Status", "UsageError", "check",
           "classify", "diagnose", "load_json", "results_to_json", "run"]
