"""A pytest file as a second killer: it runs against every mutant under the module's own name,
the report says what each catches that the other does not, and the user's tree is untouched."""
import hashlib
import importlib
import json

import pytest

from harness.cli import main
from harness.pytest_killer import kill_with_pytest
from harness.targets_resolve import load_target, target_ref
from test_user_targets import GC_UTILS_FILE

run_module = importlib.import_module("harness.run")
UNIT_TESTS = """import numpy as np
from student import backward_propagation_n, forward_propagation_n
from testCases import gradient_check_n_test_case


def test_gradient_shapes_and_db3():
    X, Y, parameters = gradient_check_n_test_case()
    _, cache = forward_propagation_n(X, Y, parameters)
    grads = backward_propagation_n(X, Y, cache)
    for name in ("W1", "b1", "W2", "b2", "W3", "b3"):
        assert grads["d" + name].shape == parameters[name].shape
    assert np.allclose(grads["db3"], [[0.21225753]])
"""
OPERATORS = ["reduction", "sign"]


def named(ids, tail):
    """The one id that ends with `tail` ('db2-nokeepdims'): line numbers depend on the file."""
    found = [i for i in ids if i.endswith(tail)]
    assert len(found) == 1, (tail, found)
    return found[0]


def tree(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "student.py").write_text(GC_UTILS_FILE)
    (tmp_path / "test_student.py").write_text(UNIT_TESTS)
    return tmp_path


def test_each_killer_catches_what_the_other_does_not(project):
    before = tree(project)
    loaded = load_target(target_ref(str(project / "student.py")))
    results = run_module.run(loaded, operators=OPERATORS, jobs=2)
    kills = kill_with_pytest(loaded, results, str(project / "test_student.py"), jobs=2)
    groups = {mutant_id: name for name, ids in kills.groups().items() for mutant_id in ids}
    assert groups[named(groups, "db2-nokeepdims")] == "unit tests only"  # a shape, flattened
    assert groups[named(groups, "dW2-neg")] == "gradient check only"  # no test looks at dW2
    assert groups[named(groups, "db3-neg")] == "both"
    assert set(groups) == {r.mutant.id for r in results.mutants}
    assert tree(project) == before  # no cache, no bytecode, no mutant left in the user's tree


def test_the_cli_adds_the_comparison_to_screen_and_json(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    argv = ["run", "student.py", "--operators", "reduction", "--pytest", "test_student.py"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Gradient check vs unit tests (test_student.py)" in out
    assert "unit tests only      3" in out
    assert main(argv + ["--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pytest"]["module"] == "student"
    verdicts = data["pytest"]["verdicts"]
    assert verdicts[named(verdicts, "db3-nokeepdims")] == "killed"


def test_tests_that_fail_on_the_original_are_refused(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    (project / "test_student.py").write_text(UNIT_TESTS.replace("0.21225753", "0.5"))
    assert main(["run", "student.py", "--operators", "reduction", "--pytest",
                 "test_student.py"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "do not pass on the unmutated code" in err


def test_a_hanging_mutant_counts_as_killed_by_timeout(project):
    (project / "test_student.py").write_text(UNIT_TESTS.replace(
        '    assert np.allclose(grads["db3"], [[0.21225753]])',
        '    while not np.allclose(grads["db3"], [[0.21225753]]):\n        pass'))
    loaded = load_target(target_ref(str(project / "student.py")))
    results = run_module.run(loaded, operators=["sign"], jobs=0)
    kills = kill_with_pytest(loaded, results, str(project / "test_student.py"), jobs=2,
                             timeout=1.5)
    assert kills.verdicts[named(kills.verdicts, "db3-neg")] == "timeout"
    assert kills.verdicts[named(kills.verdicts, "dW2-neg")] == "survived"


def test_the_users_own_helpers_and_sibling_modules_serve_the_tests(tmp_path):
    """As for the gradient check, a gc_utils.py beside the file is the user's and wins, and the
    file's other sibling modules import, though the tests live in another folder."""
    code, tests = tmp_path / "code", tmp_path / "tests"
    code.mkdir(), tests.mkdir()
    (code / "student.py").write_text(GC_UTILS_FILE.replace(
        "import gc_utils\n", "import gc_utils\nimport student_config\n", 1))
    (code / "student_config.py").write_text("LEARNING_RATE = 0.1\n")
    helpers = open("targets/course_helpers.py").read()
    (code / "gc_utils.py").write_text(helpers + "\nOWN = True\n")
    (tests / "test_student.py").write_text(UNIT_TESTS.replace(
        "import numpy as np\n", "import numpy as np\nfrom gc_utils import OWN\n", 1))
    loaded = load_target(target_ref(str(code / "student.py")))
    results = run_module.run(loaded, operators=["sign"], jobs=0)
    kills = kill_with_pytest(loaded, results, str(tests / "test_student.py"), jobs=1)
    assert kills.verdicts[named(kills.verdicts, "db3-neg")] == "killed"
    assert kills.verdicts[named(kills.verdicts, "dW2-neg")] == "survived"
