"""Golden before/after helpers for the operator tests (tests/test_mutators_<operator>.py).

Not a test module itself: each operator's test file builds its `mutated` and `course_lines`
from here, so all of them read snippets and the course's backward the same way.
"""
from pathlib import Path
from textwrap import dedent

from mutators import generate_mutants

COURSE = (Path(__file__).resolve().parent.parent / "targets" / "three_layer.py").read_text()


def mutated_by(operator):
    """Return mutated(source, function="f"): the sorted function texts the operator writes."""

    def mutated(source, function="f"):
        return sorted(m.functions[0].source
                      for m in generate_mutants(dedent(source), function, [operator]))

    return mutated


def course_lines_for(operator):
    """Return course_lines(): {mutant id: its changed line} on the course's backward."""

    def course_lines():
        return {m.id: m.source.splitlines()[m.line - 1].strip()
                for m in generate_mutants(COURSE, "backward_propagation_n", [operator])}

    return course_lines
