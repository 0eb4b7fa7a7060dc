"""Mutant ids are readable, safe, and the same in every process (no salted hash anywhere)."""
import os
import subprocess
import sys
from pathlib import Path

from mutators import generate_mutants
from mutators.ids import assign_ids, mutant_id, safe

ROOT = Path(__file__).resolve().parent.parent
COURSE_PATH = ROOT / "targets" / "three_layer.py"
SCRIPT = """\
import sys
from mutators import MutationSpace, combinations
space = MutationSpace(open(sys.argv[1]).read(), "backward_propagation_n")
first = space.first_order()
pairs = combinations(space, [m for m in first if m.operator == "reduction"])
for mutant in first + pairs:
    print(mutant.id, mutant.line, mutant.column, mutant.operator)
"""


def ids_in_a_fresh_process(hash_seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(COURSE_PATH)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout


def test_ids_are_identical_across_processes_with_different_hash_seeds():
    first, second = ids_in_a_fresh_process("1"), ids_in_a_fresh_process("987654")
    assert first == second
    assert first.count("\n") > 150 and "scale-49-dW2-x2 49 11 scale" in first


def test_an_id_is_operator_line_target_tag():
    assert mutant_id("scale", 49, "dW2", "x2") == "scale-49-dW2-x2"
    assert mutant_id("wrong-variable", 57, "grads['dW1']", "A1-A2") == \
        "wrong-variable-57-grads-dW1-A1-A2"
    assert safe("np.int64(A2 > 0)") == "np.int64-A2-0"


def test_collisions_get_suffixes_in_order_without_taking_another_keys_id():
    keys = [("drop-term", 3, "x", "no"), ("drop-term", 3, "x", "no"),
            ("drop-term", 3, "x", "no-2"), ("drop-term", 3, "x", "no")]
    assert assign_ids(keys) == ["drop-term-3-x-no", "drop-term-3-x-no-3",
                                "drop-term-3-x-no-2", "drop-term-3-x-no-4"]


def test_the_same_change_twice_on_one_line_is_numbered():
    mutants = generate_mutants("def f(A1, A2):\n    return A1 @ A1\n", "f",
                               __import__("mutators").select_operators("wrong-variable"))
    assert [m.id for m in mutants] == ["wrong-variable-2-return-A1-A2",
                                       "wrong-variable-2-return-A1-A2-2"]
