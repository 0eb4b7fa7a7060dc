"""Mutants change only the named function; every mutant compiles; ids are unique and safe."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mutators import MutationInputError, MutationSpace, generate_mutants

COURSE_PATH = Path(__file__).resolve().parent.parent / "targets" / "three_layer.py"
COURSE = COURSE_PATH.read_text()


@pytest.fixture(scope="module")
def mutants():
    return generate_mutants(COURSE, "backward_propagation_n", filename=str(COURSE_PATH))


def test_bytes_outside_the_function_are_identical(mutants):
    space = MutationSpace(COURSE, "backward_propagation_n")
    original = space.function_text(space.functions["backward_propagation_n"])
    start = COURSE.index("def backward_propagation_n")
    before, after = COURSE[:start], COURSE[start + len(original):]
    for mutant in mutants:
        function = mutant.functions[0]
        assert mutant.source == before + function.source + after, mutant.id
        assert before.count("\n") + 1 == function.first_line


def test_every_mutant_compiles_differs_and_has_a_unique_safe_id(mutants):
    assert len(mutants) > 100
    ids = [m.id for m in mutants]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", i) for i in ids)
    texts = [m.functions[0].source for m in mutants]
    assert len(set(texts)) == len(texts)
    for mutant in mutants:
        compile(mutant.source, "mutant.py", "exec")
        assert mutant.source != COURSE


def test_positions_are_one_based_and_point_at_the_original_snippet(mutants):
    lines = COURSE.splitlines()
    for mutant in mutants:
        if mutant.line == mutant.end_line:
            text = lines[mutant.line - 1][mutant.column - 1:mutant.end_column - 1]
            assert text == mutant.original, mutant.id


IDS_SCRIPT = ("import sys; from mutators import generate_mutants; "
              "src = open(sys.argv[1]).read(); "
              "print('\\n'.join(m.id for m in generate_mutants(src, 'backward_propagation_n')))")


def test_ids_are_stable_across_processes_with_different_hash_seeds():
    outputs = []
    for seed in ("1", "12345"):
        done = subprocess.run([sys.executable, "-c", IDS_SCRIPT, str(COURSE_PATH)],
                              capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"})
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and outputs[0].count("\n") > 100


def test_missing_function_and_syntax_error_are_input_errors():
    with pytest.raises(MutationInputError) as missing:
        MutationSpace(COURSE, "backward_propagation", "three_layer.py")
    assert "backward_propagation_n" in missing.value.fix
    with pytest.raises(MutationInputError) as broken:
        MutationSpace("def f(:\n    pass\n", "f", "broken.py")
    assert broken.value.where.startswith("broken.py:1:")
