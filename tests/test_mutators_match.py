"""mutators.match finds exactly what libcst.matchers finds, for every pattern the operators use.

The operators use gradmut's small pattern module instead of libcst.matchers (whose import costs
about 120 ms); this test translates each pattern into LibCST's own matchers and compares both
findall results, node for node, on every built-in target's source and on odd snippets.
"""
import subprocess
import sys

import libcst as cst
import libcst.matchers as lm
import pytest

from mutators import match as m
from targets import TARGETS


def to_libcst(pattern):
    """Translate a mutators.match pattern into the equivalent libcst.matchers matcher."""
    if isinstance(pattern, m.OneOf):
        return lm.OneOf(*map(to_libcst, pattern.options))
    if isinstance(pattern, m.ZeroOrMore):
        return lm.ZeroOrMore()
    if isinstance(pattern, m.NodePattern):
        kind = getattr(lm, pattern.kind.__name__)
        return kind(**{name: to_libcst(value) for name, value in pattern.fields.items()})
    if isinstance(pattern, list):
        return [to_libcst(item) for item in pattern]
    return pattern  # a literal value, or None


def operator_patterns():
    """Every module-level pattern of the mutators package, by module and name."""
    found = []
    for module_name in ("base", "activation_derivative", "drop_term", "normalization",
                        "reduction", "scale", "sign", "swap_operands", "transpose"):
        module = __import__(f"mutators.{module_name}", fromlist=["_"])
        found += [(f"{module_name}.{name}", value) for name, value in vars(module).items()
                  if isinstance(value, m.Pattern)]
    return found


EXTRA = [m.Name(), m.Name("np"), m.Param(), m.Arg(keyword=m.Name()), m.Integer() | m.Float(),
         m.BinaryOperation(operator=m.Subtract()), m.Attribute(attr=m.Name("T")),
         m.Assign(targets=[m.AssignTarget(target=m.Name())])]
SNIPPETS = [
    "def f(x, m):\n    y = np.sum(x, 1, axis=0, keepdims=True, out=None)\n"
    "    z = (x - m) @ (m - x).T * 2. / m + np.dot(x, y, out=z)\n"
    "    return -np.multiply(x, np.int64(x >= 0)) if z < 0 else np.matmul(a=x, b=y)\n",
]
SOURCES = [t.source_path.read_text() for t in TARGETS.values()] + SNIPPETS


@pytest.mark.parametrize("label, pattern", operator_patterns() + [
    (f"extra-{i}", p) for i, p in enumerate(EXTRA)])
def test_findall_equals_libcst_matchers(label, pattern):
    theirs = to_libcst(pattern)
    for source in SOURCES:
        module = cst.parse_module(source)
        for tree in [module] + [s for s in module.body if isinstance(s, cst.FunctionDef)]:
            mine = m.findall(tree, pattern)
            expected = lm.findall(tree, theirs)
            assert [id(n) for n in mine] == [id(n) for n in expected], label


def test_generating_mutants_never_imports_libcst_matchers():
    """The point of the module: a fresh run does not pay for libcst.matchers."""
    code = ("import sys, mutators\nfrom targets import get_target\n"
            "t = get_target('three-layer')\n"
            "assert mutators.generate_mutants(t.source_path.read_text(), t.function)\n"
            "print('libcst.matchers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
