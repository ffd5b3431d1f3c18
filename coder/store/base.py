"""Opening, creating and migrating a project file; transactions and the action log."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from coder.errors import ProjectError
from coder.store.migrations import LATEST, MIGRATIONS

APPLICATION_ID = 0x636F6472  # "codr": marks a SQLite file as a coder project
SUFFIX = ".coder"


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class ProjectBase:
    """A connection to one project file. Use :meth:`create` or :meth:`open`."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn

    @functools.cached_property
    def db(self):
        """sqlite-utils over the same connection, for table-shaped writes.  Imported on first use:
        sqlite-utils pulls in numpy, which would add a sixth of a second to every ``coder open``."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # -- opening ----------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path):
        """Create a new, empty project file at ``path`` (which must not exist)."""
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path}: already exists")
        if not path.parent.exists():
            raise ProjectError(f"{path}: the folder {path.parent} does not exist")
        conn = cls._connect(path)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        project = cls(path, conn)
        project._migrate()
        with project.transaction():
            project.set_setting("created_at", now())
        return project

    @classmethod
    def open(cls, path: str | Path):
        """Open an existing project, migrating it to the current schema."""
        path = Path(path)
        if not path.exists():
            raise ProjectError(f"{path}: no such project (create it with 'coder init {path}')")
        # SQLite itself tells a non-database file apart. Never open() the file from Python to look: closing any
        # descriptor of it drops every POSIX lock this process's SQLite connections hold on it (SQLite's "How To
        # Corrupt" §2.2), and another process could then delete the write-ahead log in use.
        conn = None
        try:
            conn = cls._connect(path)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        except sqlite3.DatabaseError:
            if conn is not None:
                conn.close()
            raise ProjectError(f"{path}: not a coder project (not a SQLite file)") from None
        if app_id != APPLICATION_ID:
            conn.close()
            raise ProjectError(f"{path}: not a coder project (a SQLite file of another program)")
        project = cls(path, conn)
        project._migrate()
        return project

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: a crash loses nothing committed
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > LATEST:
            raise ProjectError(
                f"{self.path}: made by a newer coder (schema {version}, this one knows {LATEST}); update coder"
            )
        for number in range(version + 1, LATEST + 1):
            with self.transaction():
                for statement in _statements(MIGRATIONS[number - 1]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def name(self) -> str:
        return self.path.name

    # -- transactions and the action log ------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One user action: everything inside commits together or not at all."""
        if self.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def log(self, kind: str, payload: dict, coder: str) -> int:
        """Record an action (inside the caller's transaction) for undo and the audit trail."""
        cur = self.conn.execute(
            "INSERT INTO action (at, coder, kind, payload) VALUES (?, ?, ?, ?)",
            (now(), coder, kind, json.dumps(payload, ensure_ascii=False)),
        )
        return cur.lastrowid

    def actions(self) -> list[dict]:
        rows = self.conn.execute("SELECT id, at, coder, kind, payload, undone FROM action ORDER BY id")
        return [
            {"id": r[0], "at": r[1], "coder": r[2], "kind": r[3], "payload": json.loads(r[4]), "undone": bool(r[5])}
            for r in rows
        ]

    def checkpoint(self) -> bool:
        """Copy the write-ahead log into the file and truncate it; False if another reader kept it."""
        busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0


def _statements(script: str) -> list[str]:
    """Split a migration into statements (``executescript`` would commit mid-transaction)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
