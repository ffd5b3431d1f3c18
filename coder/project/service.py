"""Where the command line and the coding screen get a :class:`~coder.store.Project` from.

``open_for_work`` is what ``coder open`` does: take the lock first, then open the file once (migrating it if it
is older), then settle who is coding from the open project. Nothing touches the file before the lock is held,
so a second ``coder open`` is refused before it could migrate or read anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coder.codebook.service import LoadReport, load_into
from coder.store import SUFFIX, Project
from coder.store.lock import ProjectLock
from coder.team.identity import current

__all__ = ["SUFFIX", "Project", "Work", "new_project", "open_for_work", "open_project"]


def open_project(path: str | Path, on_busy: Callable[[float], None] | None = None) -> Project:
    """An existing project file, migrated to this version of coder; refused when it is not a project (and then
    left exactly as it was). ``on_busy(waited)`` is called while another process holds the write lock and this one
    waits for it (the CLI says so on stderr); after ``busy_patience`` seconds a write raises ``ProjectBusy``."""
    project = Project.open(path)
    project.on_busy = on_busy
    return project


@dataclass
class Work:
    """A project open for a working session: the file, its lock (None when not taken) and who is coding."""

    project: Project
    lock: ProjectLock | None
    coder: str

    def close(self) -> None:
        try:
            self.project.close()
        finally:
            if self.lock is not None:
                self.lock.release()


def open_for_work(path: str | Path, given_coder: str | None = None, lock: bool = True) -> Work:
    """Lock ``path``, then open it once and name the coder (``given_coder``, else the project's setting …).

    Raises ``ProjectError`` when another coder process holds the lock; the lock is released again when the file
    cannot be opened."""
    path = Path(path)
    held = ProjectLock(path) if lock else None
    if held is not None:
        held.acquire()
    try:
        project = Project.open(path)
    except BaseException:
        if held is not None:
            held.release()
        raise
    try:
        return Work(project, held, current(project, given_coder))
    except BaseException:
        Work(project, held, "").close()
        raise


def new_project(path: str | Path, codebook: Path | None = None, coder: str | None = None) -> LoadReport | None:
    """Create the project file at ``path``, with ``codebook`` loaded into it when given (by ``coder``, else who
    :func:`~coder.team.identity.current` names). A codebook file that cannot be read leaves no project behind."""
    path = Path(path)
    with Project.create(path) as project:
        if codebook is None:
            return None
        try:
            return load_into(project, codebook, current(project, coder))
        except BaseException:
            project.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            raise
