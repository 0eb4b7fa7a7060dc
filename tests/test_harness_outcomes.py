"""Each outcome from a tiny hand-written mutant, through the real worker pool and classify()."""
import pytest

from harness.executors import LocalPool
from harness.outcomes import Outcome, classify
from harness.records import CheckConfig, FunctionText, WorkItem
from harness.targets_resolve import builtin_ref, load_target

SIGNATURE = "def backward_propagation_n(X, Y, cache):\n"
BLOCKS = "[('dW1', (5, 4)), ('db1', (5, 1)), ('dW2', (3, 5)), ('db2', (3, 1)), " \
         "('dW3', (1, 3)), ('db3', (1, 1))]"

BODIES = {
    "hang": "    while True:\n        pass\n",
    "kill-worker": "    import os\n    os._exit(7)\n",
    "nan": f"    return {{k: np.full(s, np.nan) for k, s in {BLOCKS}}}\n",
    "missing-key": "    return {'dW1': np.zeros((5, 4))}\n",
    "wrong-size": f"    return {{k: np.zeros((s[0], s[1] + 1)) for k, s in {BLOCKS}}}\n",
    "shape-crash": "    return np.dot(cache[1], cache[1])\n",
    "zeros": f"    return {{k: np.zeros(s) for k, s in {BLOCKS}}}\n",
    "memory": "    return np.ones((10 ** 6, 10 ** 6))\n",
}
EXPECTED = {"hang": Outcome.TIMEOUT, "kill-worker": Outcome.CRASHED, "nan": Outcome.INVALID,
            "missing-key": Outcome.INVALID, "wrong-size": Outcome.INVALID,
            "shape-crash": Outcome.CRASHED, "zeros": Outcome.CAUGHT, "memory": Outcome.CRASHED}


@pytest.fixture(scope="module")
def verdicts():
    loaded = load_target(builtin_ref("three-layer"))
    items = [WorkItem(name, (FunctionText("backward_propagation_n", 1, SIGNATURE + body),),
                      (1,), (CheckConfig(),), (101,)) for name, body in BODIES.items()]
    pool = LocalPool(loaded, 2)
    try:
        rows = [row for batch in pool.execute(items, timeout=2.0) for row in batch]
    finally:
        pool.close()
    by_id = {}
    for row in rows:
        by_id.setdefault(row.mutant_id, []).append(row)
    return {name: classify(rows, 2e-7) for name, rows in by_id.items()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_synthetic_mutant_gets_its_outcome(verdicts, name):
    assert verdicts[name].outcome is EXPECTED[name], verdicts[name]


def test_failures_keep_their_reason(verdicts):
    assert "exit code 7" in verdicts["kill-worker"].reason
    assert "ValueError" in verdicts["shape-crash"].reason
    assert "MemoryError" in verdicts["memory"].reason
    assert "no gradient for b1" in verdicts["missing-key"].reason
    assert "non-finite" in verdicts["nan"].reason


def test_the_pool_survives_a_dead_and_a_hung_worker(verdicts):
    # The items after 'hang' and 'kill-worker' still ran on fresh workers.
    assert verdicts["zeros"].difference == pytest.approx(1.0)
