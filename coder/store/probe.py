"""Is this file a coder project? Answered without changing a byte of it.

Opening a file with SQLite read-write and switching it to WAL, or migrating it, changes it: a SQLite file of
another program had its header bytes 18-19 rewritten before it was refused, and an empty file became a 4 KB
database. So :func:`probe` looks first, in this order, and only a file that passes is opened for writing:

1. plain file IO reads the 100-byte header: a folder, an empty file, a file that is not SQLite at all;
2. the header's application id (bytes 68-71) tells a SQLite file of another program apart — when no write-ahead
   log beside the file holds newer pages, the header is the whole truth and SQLite is not even asked;
3. SQLite read-only (``mode=ro``; ``immutable=1`` when there is no write-ahead log, else SQLite would create the
   ``-wal`` and ``-shm`` files and leave them behind) reads the id, the schema version and the tables: a newer
   schema, coder's id without coder's tables, a damaged file.

Reading the header with Python's ``open()`` is only safe while no SQLite connection of this process has the file
open: closing any descriptor of a file drops every POSIX lock the process holds on it (SQLite's "How To Corrupt"
§2.2). ``coder.store.base`` keeps count of the files this process has open and skips the probe for those (they
were probed when first opened).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

from coder.errors import ProjectError
from coder.store.migrations import LATEST, MIGRATIONS

APPLICATION_ID = 0x636F6472  # "codr": marks a SQLite file as a coder project
MAGIC = b"SQLite format 3\x00"
_TABLE = re.compile(r'\b(CREATE(?:\s+VIRTUAL)?|DROP)\s+TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"?(\w+)"?', re.I)


def expected_tables(version: int) -> set[str]:
    """The tables a project file of schema ``version`` has, read from the migrations themselves."""
    tables: set[str] = set()
    for script in MIGRATIONS[:version]:
        for verb, name in _TABLE.findall(script):
            (tables.discard if verb.upper() == "DROP" else tables.add)(name)
    return tables


def _refuse(path: Path, what: str) -> ProjectError:
    return ProjectError(f"{path}: not a coder project ({what}); the file was not changed")


def probe(path: Path) -> None:
    """Raise :class:`ProjectError` saying what ``path`` is when it is not a coder project this coder can open."""
    if not path.exists():
        raise ProjectError(f"{path}: no such project (create it with 'coder init {path}')")
    if path.is_dir():
        raise ProjectError(f"{path}: a folder, not a coder project file")
    if not path.is_file():
        raise ProjectError(f"{path}: not a regular file, not a coder project")
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as error:
        raise ProjectError(f"{path}: cannot be read ({error.strerror or error})") from None
    if not head:
        raise _refuse(path, "an empty file")
    if not head.startswith(MAGIC):
        raise _refuse(path, "not a SQLite file")
    if len(head) < 100:
        raise _refuse(path, "a damaged SQLite file: it ends inside its header")
    wal = Path(f"{path}-wal")
    has_wal = wal.exists() and wal.stat().st_size > 0
    marked = int.from_bytes(head[68:72], "big") == APPLICATION_ID
    if not has_wal:  # the header is the whole truth
        if not marked:
            raise _refuse(path, "a SQLite file of another program")
        if _cut_short(path, head):
            raise _damaged(path, "it is shorter than its header says: cut off")
    _look_inside(path, immutable=not has_wal, marked=marked)


def _cut_short(path: Path, head: bytes) -> bool:
    """The header's page count (valid when its version-valid-for number matches the change counter) times the page
    size is more than the file holds: a copy or download cut off."""
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    valid = head[92:96] == head[24:28]
    return valid and pages > 0 and path.stat().st_size < pages * page_size


def _damaged(path: Path, what: str) -> ProjectError:
    return ProjectError(
        f"{path}: the coder project file is damaged ({what}); the file was not changed. Open a backup copy"
    )


def _look_inside(path: Path, immutable: bool, marked: bool) -> None:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro" + ("&immutable=1" if immutable else "")
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=5)
    except sqlite3.Error as error:
        raise ProjectError(f"{path}: cannot be opened ({error}); the file was not changed") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise _damaged(path, str(error)) if marked else _refuse(path, f"a damaged SQLite file: {error}") from None
    finally:
        conn.close()
    if app_id != APPLICATION_ID:
        raise _refuse(path, "a SQLite file of another program")
    if version > LATEST:
        raise ProjectError(
            f"{path}: made by a newer coder (schema {version}, this one knows {LATEST}); update coder. "
            "The file was not changed"
        )
    missing = expected_tables(version) - tables
    if version == 0 or missing:
        what = "no tables" if version == 0 or not tables & expected_tables(LATEST) else "missing tables"
        shown = ", ".join(sorted(missing)[:5]) + (" …" if len(missing) > 5 else "")
        detail = f"{what}: {shown}" if missing else what
        raise ProjectError(
            f"{path}: marked as a coder project but damaged or unfinished ({detail}); the file was not changed. "
            "Open a backup copy, or create a new project with 'coder init'"
        )
