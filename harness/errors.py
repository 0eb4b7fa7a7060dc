"""The one error type for user mistakes; the CLI prints it as a single line and exits 2."""
from __future__ import annotations


class UsageError(Exception):
    """Bad input: what is wrong, where (a file, an option), and how to fix it."""

    def __init__(self, what: str, where: str | None = None, fix: str | None = None):
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.line())

    def line(self) -> str:
        """Return the message as one line: 'where: what; fix'."""
        text = f"{self.where}: {self.what}" if self.where else self.what
        if self.fix:
            text += f"; {self.fix}"
        return " ".join(text.split())
