"""LibCST operators that write the bugs people write in backward passes.

Source text and function names in, Mutant records out; nothing here knows numpy or checking,
and nothing is written to disk. CATALOG's order is the default order.
"""
from __future__ import annotations

from mutators.base import Operator
from mutators.bugsets import (combinations, combine, higher_order, parse_bugset,
                              read_bugset)
from mutators.catalog import CATALOG, select_operators
from mutators.diff import unified_diff
from mutators.errors import MutationInputError
from mutators.generate import MutationSpace, generate_mutants
from mutators.records import ChangedFunction, Example, Mutant, Replacement

__all__ = ["CATALOG", "ChangedFunction", "Example", "Mutant", "MutationInputError",
           "MutationSpace", "Operator", "Replacement", "combinations", "combine",
           "generate_mutants", "higher_order", "parse_bugset", "read_bugset",
           "select_operators", "unified_diff"]
