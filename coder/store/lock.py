"""Who may write a project now: a lock file beside it (``NAME.coder.lock``), held with ``flock``.

Several coder processes work on one project at once (issue 20): each write transaction holds the lock *shared*
(``LOCK_SH``) while it runs, so any number of them go on side by side and SQLite puts their short transactions in
a row. An *exclusive* operation — pseudonymisation, ``import --replace``, a schema migration, overwriting a merge
output — holds it *exclusive* (``LOCK_EX``): it waits for the writes under way to end, then no other process
starts one until it is done, and the lock file says who is doing what («kari is pseudonymising»), which the
others show while they wait. The operating system drops the lock when the process ends, however it ends (also
``kill -9``), so a stale lock file never keeps anyone out; the announcement of a process that is gone is ignored.

The file is an empty file of a few bytes. A connection that closes removes it when it can lock it exclusively
(nobody else is using it); whoever locks it checks afterwards that the name still leads to the file locked, and
else locks the new one, so two processes never lock two different files of the same name.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

from coder.errors import ProjectBusy, ProjectError

try:
    import fcntl
except ImportError:  # Windows: no flock; the app then relies on SQLite's own locking
    fcntl = None  # type: ignore[assignment]

HOST = socket.gethostname()


def lock_path(project: Path) -> Path:
    return project.with_name(project.name + ".lock")


class ProjectLock:
    """The lock of one project file, one per connection (flock locks belong to an open file, so two connections of
    one process exclude each other as two processes do)."""

    def __init__(self, project: Path) -> None:
        self.path = lock_path(project)
        self.project = project
        self._fd: int | None = None
        self.mode: str | None = None  # "shared", "exclusive" or None

    # -- taking and giving back ------------------------------------------------------------------------------------
    def try_shared(self) -> bool:
        """Take the shared lock if no exclusive operation holds it (without waiting)."""
        return self._take(fcntl.LOCK_SH if fcntl else 0, "shared")

    def try_exclusive(self) -> bool:
        """Take the exclusive lock if nobody holds it (without waiting)."""
        return self._take(fcntl.LOCK_EX if fcntl else 0, "exclusive")

    def shared(self, patience: float, on_wait: Callable[[str, float], None] | None = None) -> None:
        """Take the shared lock, waiting while an exclusive operation runs (``on_wait(who, waited)`` says so); after
        ``patience`` seconds :class:`ProjectBusy`, naming it."""
        self._wait(self.try_shared, patience, on_wait)

    def exclusive(self, patience: float, on_wait: Callable[[str, float], None] | None = None) -> None:
        """Take the exclusive lock, waiting for the writes under way (and another exclusive operation)."""
        self._wait(self.try_exclusive, patience, on_wait)

    def announce(self, doing: str) -> None:
        """Say in the lock file what this exclusive holder does («kari is pseudonymising»), for the others."""
        if self._fd is None or self.mode != "exclusive":
            return
        try:
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, f"{os.getpid()} {HOST} {doing}".encode(), 0)
        except OSError:  # opened read-only (another member's file): the others see a generic «busy»
            pass

    def release(self) -> None:
        """Give the lock back (an exclusive holder clears its announcement first); the file stays open for the next."""
        if self._fd is None or self.mode is None:
            return
        try:
            if self.mode == "exclusive":
                with contextlib.suppress(OSError):
                    os.ftruncate(self._fd, 0)
        finally:
            self.mode = None
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Give the lock back and close the file; remove it when nobody else has it locked."""
        self.release()
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                    self.path.unlink()
        except OSError:
            pass  # somebody holds it (or removed it): it stays
        finally:
            os.close(fd)  # closing the descriptor drops the flock

    def holder(self) -> str | None:
        """Who holds the exclusive lock, in words («kari is pseudonymising»), from its announcement; None when it
        said nothing (or nobody does) or its process is gone."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            text = ""
        pid, host, doing = (text.split(" ", 2) + ["", "", ""])[:3] if text else ("", "", "")
        if doing and pid.isdigit() and (host != HOST or _alive(int(pid))):
            return doing
        return None

    # -- inner workings ----------------------------------------------------------------------------------------------
    def _take(self, how: int, mode: str) -> bool:
        if fcntl is None:
            self.mode = mode
            return True
        if self._fd is not None and self.mode == mode:
            return True
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)  # the umask decides (docs/team.md)
            except PermissionError:
                try:  # another member's file without group write (umask 022): flock needs only reading
                    self._fd = os.open(self.path, os.O_RDONLY)
                except OSError as error:
                    raise ProjectError(f"{self.path}: cannot open the lock file ({error.strerror})") from None
            except OSError as error:
                raise ProjectError(f"{self.path}: cannot create the lock file ({error.strerror})") from None
        try:
            fcntl.flock(self._fd, how | fcntl.LOCK_NB)
        except OSError:
            if self.mode is not None:  # a failed conversion may have dropped the lock held (flock(2)): take it again
                held = fcntl.LOCK_SH if self.mode == "shared" else fcntl.LOCK_EX
                try:
                    fcntl.flock(self._fd, held | fcntl.LOCK_NB)
                except OSError:
                    self.mode = None
            return False
        try:
            same = os.fstat(self._fd).st_ino == os.stat(self.path).st_ino
        except OSError:
            same = False
        if not same:  # removed by a closing process between our open and our lock: lock the file there now
            os.close(self._fd)
            self._fd = None
            return self._take(how, mode)
        self.mode = mode
        return True

    def _wait(self, attempt: Callable[[], bool], patience: float, on_wait) -> None:
        started = time.monotonic()
        step = 0.01
        while not attempt():
            waited = time.monotonic() - started
            who = self.holder() or "another coder process needs the project to itself"
            if waited >= patience:
                raise ProjectBusy(
                    f"{self.project}: {who}; waited {waited:.0f} s and nothing was changed. Try again when it is done"
                )
            if on_wait is not None:
                on_wait(who, waited)
            time.sleep(step)
            step = min(step * 2, 0.2)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
