"""Errors the user can act on.

An :class:`InputError` always names the file and, where it applies, the line
(or row) so the CLI can print ``error: FILE[:LINE]: what is wrong`` and the TUI
can show the same words in a notification. Anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


class CoderError(Exception):
    """Base of every error coder reports to the user as a message."""


class InputError(CoderError):
    """A file the user gave us cannot be read or does not make sense."""

    def __init__(self, path: str | Path | None, message: str, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.message = message
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class ProjectError(CoderError):
    """The project file is missing, not a coder project, or from a newer coder."""


class NothingToDo(CoderError):
    """Undo or redo asked for when there is nothing (or nothing allowed) to undo or redo."""


class ProjectBusy(CoderError):
    """Another process has held the project's write lock for longer than this one would wait; nothing was written."""
