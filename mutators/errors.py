"""The mutators' own bad-input error; the harness turns it into its UsageError (one line, exit 2)."""
from __future__ import annotations


class MutationInputError(ValueError):
    """Source or options the mutators cannot work with: what, where, and how to fix it."""

    def __init__(self, what: str, where: str | None = None, fix: str | None = None):
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(what)
