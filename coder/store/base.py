"""Opening, creating and migrating a project file; transactions and the action log."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import socket
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from coder.errors import ProjectBusy, ProjectError
from coder.store.lock import ProjectLock
from coder.store.migrations import LATEST, MIGRATIONS
from coder.store.probe import APPLICATION_ID, probe

SUFFIX = ".coder"
HOST = socket.gethostname()

#: The files this process has open (by device and inode → how many connections) and its live sessions (→ how many
#: connections). A file open here is not probed again with plain file IO (see coder/store/probe.py); a session open
#: here is alive.
_OPEN_FILES: dict[tuple[int, int], int] = {}
LIVE_SESSIONS: dict[str, int] = {}
_REGISTRY = threading.Lock()
_PROCESS_SESSION: tuple[int, str] | None = None


def new_session() -> str:
    """A new session id (tests use one to stand for another process; issue 20's presence rows key on it)."""
    return uuid.uuid4().hex[:12]


def process_session() -> str:
    """This process's session: every connection it opens shares it, so the coding screen's worker threads (an
    accept-all, an import) act in the screen's session and ``u`` takes their work back too. Made again after a
    fork: a child process is another session."""
    global _PROCESS_SESSION
    with _REGISTRY:
        if _PROCESS_SESSION is None or _PROCESS_SESSION[0] != os.getpid():
            _PROCESS_SESSION = (os.getpid(), new_session())
        return _PROCESS_SESSION[1]


def _env_seconds(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        return default


def _program() -> str:
    """What this process is, in words for the action log: ``coder suggest``, ``coder open``, ``pytest``."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    verb = next((a for a in sys.argv[1:2] if not a.startswith("-")), "") if name == "coder" else ""
    return f"{name} {verb}".strip()


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class ProjectBase:
    """A connection to one project file. Use :meth:`create` or :meth:`open`."""

    #: seconds SQLite itself waits for another connection's write lock before an attempt fails
    #: (``CODER_BUSY_TIMEOUT``); then :meth:`transaction` tries again, calling ``on_busy(waited)`` each time, until
    #: ``busy_patience`` seconds have passed in all (``CODER_BUSY_PATIENCE``), and then raises ``ProjectBusy``
    busy_timeout: float = 5.0
    busy_patience: float = 120.0
    on_busy: Callable[[float], None] | None = None
    #: what a write waits for while ``on_busy`` is called: «kari is pseudonymising», or another coder process writing
    busy_with: str = "another coder process is writing"

    def __init__(self, path: Path, conn: sqlite3.Connection, session: str | None = None):
        self.path = path
        self.conn = conn
        #: the session (this process's, unless given): every action logged carries it; undo picks its own actions
        self.session = session or process_session()
        self.program = _program()
        self.busy_timeout = _env_seconds("CODER_BUSY_TIMEOUT", self.busy_timeout)
        self.busy_patience = _env_seconds("CODER_BUSY_PATIENCE", self.busy_patience)
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        self._file = _file_key(path)
        with _REGISTRY:
            _OPEN_FILES[self._file] = _OPEN_FILES.get(self._file, 0) + 1
            LIVE_SESSIONS[self.session] = LIVE_SESSIONS.get(self.session, 0) + 1
        self._closed = False
        #: the project's lock file: shared while this connection writes, exclusive in :meth:`exclusive`
        self.lock = ProjectLock(path)
        self._exclusive = 0
        self._floor = 0  # the last action logged before this session began (set once the schema is current)

    @functools.cached_property
    def db(self):
        """sqlite-utils over the same connection, for table-shaped writes.  Imported on first use:
        sqlite-utils pulls in numpy, which would add a sixth of a second to every ``coder open``."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # -- opening ----------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, session: str | None = None):
        """Create a new, empty project file at ``path`` (which must not exist)."""
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path}: already exists")
        if not path.parent.exists():
            raise ProjectError(f"{path}: the folder {path.parent} does not exist")
        conn = cls._connect(path)
        project = cls(path, conn, session)
        project._migrate(mark=True)
        with project.transaction():
            project.set_setting("created_at", now())
        return project

    @classmethod
    def open(cls, path: str | Path, session: str | None = None):
        """Open an existing project, migrating it to the current schema.

        What is not a coder project (a folder, an empty file, another program's SQLite file, a damaged or newer
        one) is refused with a :class:`ProjectError` before anything could write to it (coder/store/probe.py)."""
        path = Path(path)
        if not _open_here(path):
            probe(path)
        try:
            conn = cls._connect(path)
        except sqlite3.DatabaseError as error:
            raise ProjectError(f"{path}: cannot be opened ({error})") from None
        project = cls(path, conn, session)
        try:
            project._migrate()
        except BaseException:
            project.close()
            raise
        return project

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        timeout = _env_seconds("CODER_BUSY_TIMEOUT", ProjectBase.busy_timeout)
        conn = sqlite3.connect(path, isolation_level=None, timeout=timeout, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: a crash loses nothing committed
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _migrate(self, mark: bool = False) -> None:
        """Bring the schema up to date, one transaction per migration (``mark``: a new file, which gets coder's
        application id in the first one, so that a file is never marked as a project without its tables)."""
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > LATEST:
            raise ProjectError(
                f"{self.path}: made by a newer coder (schema {version}, this one knows {LATEST}); update coder"
            )
        if version < LATEST and not mark:
            # an upgrade runs only under the exclusive lock: no other process writes with the old schema meanwhile
            with self.exclusive(f"upgrading the project file to schema {LATEST}", patience=10.0):
                self._migrate_from(self.conn.execute("PRAGMA user_version").fetchone()[0], mark)
        else:
            self._migrate_from(version, mark)
        self._floor = self.conn.execute("SELECT coalesce(max(id), 0) FROM action").fetchone()[0]

    def _migrate_from(self, version: int, mark: bool) -> None:
        for number in range(version + 1, LATEST + 1):
            with self.transaction():
                if mark and number == 1:
                    self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                for statement in _statements(MIGRATIONS[number - 1]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.conn.close()
            self.lock.close()
        finally:
            with _REGISTRY:
                if LIVE_SESSIONS.get(self.session, 0) > 1:
                    LIVE_SESSIONS[self.session] -= 1
                else:
                    LIVE_SESSIONS.pop(self.session, None)
                left = _OPEN_FILES.get(self._file, 0) - 1
                if left > 0:
                    _OPEN_FILES[self._file] = left
                else:
                    _OPEN_FILES.pop(self._file, None)

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
        self._gate()
        try:
            self._begin()
            try:
                yield
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        finally:
            if not self._exclusive:
                self.lock.release()

    def _gate(self) -> None:
        """Hold the lock file shared for this write (unless this connection holds it exclusive): while an exclusive
        operation runs, wait, saying what it is (``busy_with``), then :class:`ProjectBusy` after ``busy_patience``."""
        if self._exclusive:
            return

        def waiting(who: str, waited: float) -> None:
            self.busy_with = who
            if self.on_busy is not None:
                self.on_busy(waited)

        try:
            self.lock.shared(self.busy_patience, waiting)
        finally:
            self.busy_with = ProjectBase.busy_with

    @contextlib.contextmanager
    def exclusive(self, doing: str, patience: float | None = None) -> Iterator[None]:
        """An operation that needs the project to itself (pseudonymisation, ``import --replace``, a schema
        migration): the lock file exclusive, announced as ``doing`` («kari is pseudonymising»), while the block
        runs. It waits for the writes under way (they are short) and, up to ``patience`` seconds (at least 5),
        for another exclusive operation; other processes' writes wait for it and show ``doing``."""
        if self._exclusive:
            self._exclusive += 1
            try:
                yield
            finally:
                self._exclusive -= 1
            return

        def waiting(who: str, waited: float) -> None:
            self.busy_with = who
            if self.on_busy is not None:
                self.on_busy(waited)

        try:
            self.lock.exclusive(max(self.busy_patience, 5.0) if patience is None else patience, waiting)
        finally:
            self.busy_with = ProjectBase.busy_with
        self._exclusive = 1
        try:
            self.lock.announce(doing)
            yield
        finally:
            self._exclusive = 0
            self.lock.release()

    def _begin(self) -> None:
        """Take the write lock. Another process writing longer than ``busy_timeout`` is waited for again and again
        (``on_busy`` says so each time) up to ``busy_patience`` seconds; then :class:`ProjectBusy`. Nothing has
        been written when it is raised, so the caller may simply try again later."""
        started = time.monotonic()
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    raise
            waited = time.monotonic() - started
            if waited >= self.busy_patience:
                raise ProjectBusy(
                    f"{self.path}: the project is busy: another coder process has been writing to it for "
                    f"{waited:.0f} s; nothing was changed. Try again when it is done"
                )
            if self.on_busy is not None:
                self.on_busy(waited)
            if self.busy_timeout < 0.05:
                time.sleep(0.05)

    def write_free(self) -> bool:
        """True when no other connection holds the write lock this moment (asks without waiting)."""
        if not self._exclusive:
            if not self.lock.try_shared():
                return False
            self.lock.release()
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError as error:
            if is_busy(error):
                return False
            raise
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")

    def set_busy_timeout(self, seconds: float, patience: float | None = None) -> None:
        """How long SQLite waits for another writer per attempt (and, given, how long in all before ProjectBusy)."""
        self.busy_timeout = max(0.0, seconds)
        if patience is not None:
            self.busy_patience = max(0.0, patience)
        self.conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")

    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version``: it changes when another connection (another process, or a worker
        thread's own connection) commits to the file, never for this connection's own commits. Cheap: no I/O
        beyond the shared-memory index, no lock."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def change_mark(self) -> tuple:
        """A small fingerprint of what the coding screen shows: the action log (new actions, undo and redo), the
        codings, codes, sources, memos and suggestion decisions. Asked after :meth:`data_version` moved, to tell
        whether a redraw is due (a background cache write moves data_version too, and needs none)."""
        return self.conn.execute(
            "SELECT (SELECT count(*) FROM action), (SELECT coalesce(max(id), 0) FROM action), "
            "(SELECT coalesce(sum(undone), 0) FROM action), (SELECT count(*) FROM coding), "
            "(SELECT coalesce(max(id), 0) FROM coding), (SELECT count(*) FROM code), (SELECT count(*) FROM source), "
            "(SELECT coalesce(max(updated_at), '') FROM memo), (SELECT count(*) FROM memo), "
            "(SELECT count(*) FROM suggestion WHERE decision IS NOT NULL)"
        ).fetchone()

    def log(self, kind: str, payload: dict, coder: str) -> int:
        """Record an action (inside the caller's transaction) for undo and the audit trail, with this session."""
        self._session_row()
        cur = self.conn.execute(
            "INSERT INTO action (at, coder, kind, payload, session) VALUES (?, ?, ?, ?, ?)",
            (now(), coder, kind, json.dumps(payload, ensure_ascii=False), self.session),
        )
        return cur.lastrowid

    def _session_row(self) -> None:
        """This session's row (inside the caller's transaction): which program, process and machine, since when."""
        self.conn.execute(
            "INSERT OR IGNORE INTO session (id, program, pid, host, started_at) VALUES (?, ?, ?, ?, ?)",
            (self.session, self.program, os.getpid(), HOST, now()),
        )

    def actions(self) -> list[dict]:
        rows = self.conn.execute("SELECT id, at, coder, kind, payload, undone, session FROM action ORDER BY id")
        return [
            {
                "id": r[0],
                "at": r[1],
                "coder": r[2],
                "kind": r[3],
                "payload": json.loads(r[4]),
                "undone": bool(r[5]),
                "session": r[6],
            }
            for r in rows
        ]

    def checkpoint(self) -> bool:
        """Copy the write-ahead log into the file and truncate it; False if another reader kept it."""
        busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0


def is_busy(error: sqlite3.OperationalError) -> bool:
    """SQLite's «database is locked» / «database is busy»: another connection holds the write lock."""
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _file_key(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, hash(str(path.resolve())))
    return (st.st_dev, st.st_ino)


def _open_here(path: Path) -> bool:
    """True when a connection of this process has ``path`` open (then it must not be read with plain file IO)."""
    if not path.exists():
        return False
    with _REGISTRY:
        return _file_key(path) in _OPEN_FILES


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
