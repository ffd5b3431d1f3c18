"""One app at a time on a project: a lock file beside it, held with ``flock``.

The operating system drops the lock when the process ends, however it ends (also
``kill -9``), so a stale lock file never keeps anyone out.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from coder.errors import ProjectError

try:
    import fcntl
except ImportError:  # Windows: no flock; the app then relies on SQLite's own locking
    fcntl = None  # type: ignore[assignment]


class ProjectLock:
    def __init__(self, project: Path) -> None:
        self.path = project.with_name(project.name + ".lock")
        self.project = project
        self._fh = None

    def acquire(self) -> None:
        if fcntl is None:
            return
        fh = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise ProjectError(
                f"{self.project}: already open in coder ({holder}). Close it there first; "
                "two windows writing one project could undo each other's work."
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()}")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            try:
                self.path.unlink(missing_ok=True)
            finally:
                self._fh.close()
                self._fh = None
