"""Opening what is not a coder project refuses it with a clear message and leaves the file exactly as it was.

Each kind of file is built here, small; for each, the store, ``open_for_work`` (``coder open``'s way in, which also
takes the lock) and the command line are asked to open it, and afterwards the file's bytes, its mtime and the
folder's listing (no ``-wal``/``-shm``/``.lock`` left behind) are compared with before.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.errors import ProjectError
from coder.project import service
from coder.store import Project
from coder.store.base import _statements
from coder.store.migrations import LATEST, MIGRATIONS
from coder.store.probe import APPLICATION_ID, expected_tables


def _sqlite(path: Path, *statements: str, wal: bool = False) -> Path:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()  # the last connection checkpoints and removes -wal and -shm
    return path


def _project(path: Path) -> Path:
    Project.create(path).close()
    return path


def _flipped(path: Path) -> Path:
    data = bytearray(_project(path).read_bytes())
    for at in range(120, len(data), 97):  # every page but the header damaged
        data[at] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def _cut(path: Path, keep: float) -> Path:
    data = _project(path).read_bytes()
    path.write_bytes(data[: int(len(data) * keep)] if keep < 1 else data[:50])
    return path


def _missing_table(path: Path) -> Path:
    _project(path)
    return _sqlite(path, "DROP TABLE memo")


KINDS = {
    "folder": (lambda p: (p.mkdir(), p)[1], "a folder"),
    "empty": (lambda p: (p.write_bytes(b""), p)[1], "an empty file"),
    "text": (lambda p: (p.write_text("Intervju 1\nI: Hei\n" * 50, encoding="utf-8"), p)[1], "not a SQLite file"),
    "other program": (
        lambda p: _sqlite(p, "CREATE TABLE notes (a)", "INSERT INTO notes VALUES (1)"),
        "another program",
    ),
    "other program, WAL": (lambda p: _sqlite(p, "CREATE TABLE notes (a)", wal=True), "another program"),
    "coder id, no tables": (lambda p: _sqlite(p, f"PRAGMA application_id = {APPLICATION_ID}"), "no tables"),
    "coder id and schema, no tables": (
        lambda p: _sqlite(p, f"PRAGMA application_id = {APPLICATION_ID}", f"PRAGMA user_version = {LATEST}"),
        "no tables",
    ),
    "a table missing": (_missing_table, "missing tables: memo"),
    "corrupt": (_flipped, "damaged"),
    "cut in half": (lambda p: _cut(p, 0.5), "damaged"),
    "cut in the header": (lambda p: _cut(p, 1), "damaged"),
    "newer schema": (lambda p: _sqlite(_project(p), f"PRAGMA user_version = {LATEST + 1}"), "newer coder"),
}


def _state(folder: Path, path: Path) -> tuple:
    listing = sorted(os.listdir(folder))
    if path.is_dir():
        return listing, None, None
    return listing, path.read_bytes(), path.stat().st_mtime_ns


@pytest.fixture(params=list(KINDS))
def bad(request, tmp_path) -> tuple[Path, str]:
    make, words = KINDS[request.param]
    path = make(tmp_path / "p.coder")
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))  # a past mtime a write would move
    return path, words


def test_the_store_refuses_and_changes_nothing(bad):
    path, words = bad
    before = _state(path.parent, path)
    with pytest.raises(ProjectError, match=words):
        Project.open(path)
    assert _state(path.parent, path) == before


def test_open_for_work_refuses_frees_the_lock_and_changes_nothing(bad):
    path, words = bad
    before = _state(path.parent, path)
    with pytest.raises(ProjectError, match=words):
        service.open_for_work(path, "kari")
    assert _state(path.parent, path) == before  # the .lock file is gone again too


@pytest.mark.parametrize("command", [["stats"], ["sources"], ["undo"], ["whoami"], ["open"]])
def test_the_command_line_says_so_in_one_line(bad, command, monkeypatch):
    path, words = bad
    monkeypatch.setenv("CODER_FORCE_TUI", "1")  # `coder open` gets as far as opening the file
    before = _state(path.parent, path)
    result = CliRunner().invoke(main, [*command, str(path)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: ") and words in result.output, result.output
    assert "unexpected failure" not in result.output and "Traceback" not in result.output
    assert _state(path.parent, path) == before


def test_a_real_project_still_opens_and_a_fresh_one_is_marked_with_its_tables(tmp_path):
    path = _project(tmp_path / "p.coder")
    head = path.read_bytes()[:100]
    assert int.from_bytes(head[68:72], "big") == APPLICATION_ID and int.from_bytes(head[60:64], "big") == LATEST
    with Project.open(path) as project:
        tables = {r[0] for r in project.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert expected_tables(LATEST) <= tables
        assert "session" in expected_tables(LATEST) and "suggestion" in expected_tables(4)


def test_a_project_whose_newest_pages_are_in_its_write_ahead_log_still_opens(tmp_path):
    """After a crash the newest pages — for a new project even the header with coder's id — may be only in the
    -wal file: then the probe asks SQLite (read-only, through the log) instead of trusting the file's header."""
    path = tmp_path / "p.coder"
    keeper = sqlite3.connect(path)  # keeps the log from being checkpointed, as a process killed mid-work leaves it
    keeper.execute("PRAGMA journal_mode = WAL")
    keeper.execute("PRAGMA wal_autocheckpoint = 0")
    keeper.execute("CREATE TABLE placeholder (a)")
    keeper.execute("DROP TABLE placeholder")
    keeper.commit()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("BEGIN")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for script in MIGRATIONS:
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {LATEST}")
    conn.execute("COMMIT")
    conn.close()
    assert int.from_bytes(path.read_bytes()[68:72], "big") == 0  # coder's id is not in the file itself yet
    with Project.open(path) as project:
        assert project.stats()["sources"] == 0
    keeper.close()


def test_a_second_connection_in_one_process_skips_the_file_read(tmp_path):
    """While this process has the file open, the probe does not open() it (closing that descriptor would drop
    SQLite's POSIX locks): a second Project on the same file opens without reading the header."""
    path = _project(tmp_path / "p.coder")
    with Project.open(path) as first:
        real_open = Path.open

        def no_plain_open(self, *args, **kwargs):
            assert self != path, "the project file was read with plain file IO while open here"
            return real_open(self, *args, **kwargs)

        Path.open = no_plain_open
        try:
            with Project.open(path) as second:
                assert second.stats() == first.stats()
        finally:
            Path.open = real_open
