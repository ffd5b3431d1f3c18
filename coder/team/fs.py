"""Is a project's folder on a network file system? SQLite must not be shared live over one.

SQLite's write-ahead log keeps its index in shared memory (the ``-shm`` file mapped by every process), and its
locks, like coder's own (coder/store/lock.py), are file locks: on NFS, SMB/CIFS or sshfs neither is shared
reliably between machines, and two writers can damage the file (sqlite.org/wal.html, «WAL does not work over a
network filesystem»; sqlite.org/lockingv3.html, section 6). Linux says which file system a folder is on in
``/proc/self/mounts``: the mount point that is the longest prefix of the folder's real path.
"""

from __future__ import annotations

from pathlib import Path

#: file system types that are shared over a network (Linux names)
NETWORK = {
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "9p",
    "afs",
    "ceph",
    "glusterfs",
    "lustre",
    "gpfs",
    "beegfs",
    "fuse.sshfs",
    "fuse.glusterfs",
    "fuse.s3fs",
    "fuse.rclone",
    "fuse.gcsfuse",
    "fuse.davfs2",
    "davfs",
}

MOUNTS = Path("/proc/self/mounts")


def _unescape(field: str) -> str:
    """/proc/mounts writes a space, tab, newline and backslash in a path as octal escapes (\\040 …)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def fs_type(folder: Path, mounts: str | None = None) -> str | None:
    """The file system type of ``folder`` (``ext4``, ``nfs4``, ``fuse.sshfs`` …), or None where it cannot be told
    (not Linux). ``mounts``: the text of /proc/self/mounts (tests give their own)."""
    if mounts is None:
        try:
            mounts = MOUNTS.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    try:
        real = Path(folder).resolve()
    except OSError:
        return None
    best, kind = -1, None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = Path(_unescape(fields[1]))
        if (real == point or point in real.parents) and len(point.parts) > best:
            best, kind = len(point.parts), fields[2]
    return kind


def network_fs(project: Path, mounts: str | None = None) -> str | None:
    """The network file system type the project's folder is on, or None when it is on a local disk."""
    kind = fs_type(Path(project).parent, mounts)
    return kind if kind in NETWORK else None


def sharing_refused(project: Path, kind: str, others: list[str]) -> str:
    """Why live work with ``others`` on a network file system is refused, and what to do instead."""
    names = ", ".join(others)
    return (
        f"{project}: the project is on a network file system ({kind}) and is open elsewhere ({names}); SQLite "
        "cannot be shared live over a network file system without risk of damaging it. Work on a copy each "
        "(on a local disk or the server's own disk) and bring the copies together with coder merge "
        "(docs/team.md)"
    )


def alone_warning(project: Path, kind: str) -> str:
    return (
        f"{project.name} is on a network file system ({kind}): fine for one coder at a time, but nobody else may open "
        "it while you work — for a team, use copies and coder merge (docs/team.md)"
    )
