"""Where the command line and the coding screen get a :class:`~coder.store.Project` from.

``open_for_work`` is what ``coder open`` does: open the file once (migrating it if it is older, under the
project's exclusive lock: coder/store/lock.py), settle who is coding from the open project, and say in the
project that this coding screen is open (a presence row, :meth:`~coder.store.Project.join`), so the others'
headers show «also open: kari». Several coding screens and commands work on one project at once (issue 20):
their writes are short transactions, each holding the lock file shared; an exclusive operation holds it alone.
A project on a network file system is refused for live work (coder/team/fs.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coder.codebook.service import LoadReport, load_into
from coder.errors import ProjectError
from coder.store import SUFFIX, Project
from coder.team.fs import alone_warning, network_fs, sharing_refused
from coder.team.identity import current

__all__ = ["SUFFIX", "Project", "Work", "new_project", "open_for_work", "open_project"]


def open_project(path: str | Path, on_busy: Callable[[float], None] | None = None) -> Project:
    """An existing project file, migrated to this version of coder; refused when it is not a project (and then
    left exactly as it was). ``on_busy(waited)`` is called while another process holds the write lock and this one
    waits for it (the CLI says so on stderr, with ``project.busy_with``); after ``busy_patience`` seconds a write
    raises ``ProjectBusy``."""
    project = Project.open(path)
    try:
        _network_check(project)
    except BaseException:
        project.close()
        raise
    project.on_busy = on_busy
    return project


def _network_check(project: Project) -> str | None:
    """On a network file system: refused when another session has the project open (SQLite is not safe shared
    live over one), else a warning to show; None on a local disk."""
    kind = network_fs(project.path)
    if kind is None:
        return None
    others = [p.coder or f"pid {p.pid} on {p.host}" for p in project.present()]
    if others:
        raise ProjectError(sharing_refused(project.path, kind, others))
    return alone_warning(project.path, kind)


@dataclass
class Work:
    """A project open for a working session: the file, whether it is shown as present, and who is coding."""

    project: Project
    present: bool
    coder: str
    #: said once on opening: the project is on a network file system (coder/team/fs.py)
    warning: str | None = None

    def close(self) -> None:
        try:
            if self.present:
                self.project.leave()
        except Exception:  # a busy or closed file: the heartbeat going stale ends the row all the same
            pass
        finally:
            self.project.close()


def open_for_work(
    path: str | Path, given_coder: str | None = None, present: bool = True, session: str | None = None
) -> Work:
    """Open ``path`` once and name the coder (``given_coder``, else the project's setting …); with ``present``,
    record this session as an open coding screen (who, which process, seen when) for the others to show.
    ``session``: this process's (None), or one of its own for a test app standing for another process."""
    path = Path(path)
    project = Project.open(path, session)
    try:
        work = Work(project, present, current(project, given_coder), _network_check(project))
        if present:
            project.join(work.coder)
        return work
    except BaseException:
        project.close()
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
