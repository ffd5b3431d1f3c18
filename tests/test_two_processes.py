"""Two sessions on one project: each undoes its own work, each notices the other's, a busy lock is waited out.

A session is a process; two connections (``Project``) in this process with sessions of their own stand for two
processes, and a real second process (``python -c`` through coder's services, or the ``coder`` command) is used where
the process matters: whether it is still running, and the command line's words while it waits.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.codebook.files import load_codebook
from coder.coding import service as editing
from coder.errors import NothingToDo, ProjectBusy
from coder.ingest.service import import_files
from coder.model import Code
from coder.store import Project
from coder.store.base import _statements, new_session
from coder.store.migrations import MIGRATIONS
from coder.store.probe import APPLICATION_ID
from tests.conftest import FIXTURES, REPO


@pytest.fixture
def path(tmp_path) -> Path:
    path = tmp_path / "p.coder"
    with Project.create(path, new_session()) as project:  # made by a process that has ended
        with project.transaction():
            project.merge_codebook(load_codebook(FIXTURES / "mini-kodebok.yaml"))
            project.add_code(Code("mandat", "Mandat"))
        import_files(project, [FIXTURES / "intervju-kort.txt"])
    return path


def turn(project: Project, n: int) -> tuple[int, int, int]:
    source = project.sources()[0]
    seg = project.segments(source.id)[n]
    return source.id, seg.start, seg.end


def codes(project: Project) -> list[tuple[str, int]]:
    return sorted((c.code_id, c.start) for c in project.codings())


# -- undo: each session its own -----------------------------------------------------------------------------------
def test_undo_takes_back_only_this_sessions_actions(path):
    with Project.open(path) as screen, Project.open(path, new_session()) as batch:
        editing.code_spans(screen, [turn(screen, 1)], "kapasitet", "ane")
        editing.code_spans(batch, [turn(batch, 2), turn(batch, 3)], "mandat", "batch")
        editing.code_spans(screen, [turn(screen, 4)], "ventetid", "ane")
        batch_codings = [c for c in codes(screen) if c[0] == "mandat"]
        assert editing.undo(screen) == "undone: coded 1 passage as Ventetid"
        assert editing.undo(screen) == "undone: coded 1 passage as Kapasitet"
        assert codes(screen) == batch_codings  # the batch's two codings were not touched
        with pytest.raises(NothingToDo) as refused:
            editing.undo(screen)
        message = str(refused.value)
        assert "nothing of this session to undo" in message and "coded 2 passages as Mandat" in message
        assert "batch's" in message and "still running" in message and "--action" in message
        assert codes(batch) == batch_codings
        # redo is per session too: the screen's own two come back, in order
        assert editing.redo(screen) == "redone: coded 1 passage as Kapasitet"
        assert batch.redo_label() is None
        editing.redo(screen)
        assert len(codes(screen)) == 4


def test_another_sessions_action_is_undone_only_when_asked_for_and_named(path):
    with Project.open(path) as screen, Project.open(path, new_session()) as batch:
        editing.code_spans(batch, [turn(batch, 2)], "mandat", "batch")
        action = batch.action_log(1)[0]
        assert action.mine and action.running and action.session == batch.session
        message = editing.undo(screen, action.id)
        assert message.startswith("undone: coded 1 passage as Mandat (batch's, in ")
        assert "still running" in message
        assert codes(batch) == []
        with pytest.raises(NothingToDo, match="undone already"):
            editing.undo(screen, action.id)


def test_a_new_action_in_one_session_leaves_the_others_redo(path):
    with Project.open(path) as a, Project.open(path, new_session()) as b:
        editing.code_spans(a, [turn(a, 1)], "kapasitet", "ane")
        editing.code_spans(b, [turn(b, 2)], "mandat", "ola")
        editing.undo(a)
        editing.code_spans(b, [turn(b, 3)], "mandat", "ola")
        assert a.redo_label() == "coded 1 passage as Kapasitet"  # b's action did not end a's redo
        editing.redo(a)
        assert len(codes(a)) == 3
        editing.code_spans(a, [turn(a, 4)], "ventetid", "ane")
        assert a.redo_label() is None


def test_redo_is_refused_cleanly_when_another_session_took_the_row_since(path):
    """SQLite gives a deleted row's id to the next insert: a's redo would overwrite b's coding. It is refused."""
    with Project.open(path) as a, Project.open(path, new_session()) as b:
        [coding_id] = editing.code_spans(a, [turn(a, 1)], "kapasitet", "ane")
        editing.undo(a)
        assert editing.code_spans(b, [turn(b, 2)], "mandat", "ola") == [coding_id]
        with pytest.raises(NothingToDo, match=f"cannot redo «coded 1 passage as Kapasitet»: coding {coding_id}"):
            editing.redo(a)
        assert codes(a) == [("mandat", turn(a, 2)[1])]


def test_undo_refuses_when_another_session_changed_the_row_since(path):
    with Project.open(path) as a, Project.open(path, new_session()) as b:
        [coding_id] = editing.code_spans(a, [turn(a, 1)], "kapasitet", "ane")
        editing.recode(b, coding_id, "mandat", "ola")
        with pytest.raises(NothingToDo, match=f"coding {coding_id} was changed since by another action"):
            editing.undo(a)
        assert codes(a) == [("mandat", turn(a, 1)[1])]  # nothing of the refused undo happened


def test_after_a_restart_undo_reaches_the_earlier_sessions_work_but_not_past_others_since(path):
    with Project.open(path, new_session()) as first:  # a session that then ends
        editing.code_spans(first, [turn(first, 1)], "kapasitet", "ane")
    with Project.open(path) as again:
        assert again.undo_label() == "coded 1 passage as Kapasitet"
        with Project.open(path, new_session()) as beside:
            editing.code_spans(beside, [turn(beside, 2)], "mandat", "ola")
            # another session acted since this one began: undo does not reach back past it unasked
            with pytest.raises(NothingToDo, match="ola's"):
                editing.undo(again)
            editing.undo(beside)
        message = editing.undo(again)
        assert message.startswith("undone: coded 1 passage as Kapasitet (ane's, in ") and message.endswith("ended)")


SECOND_PROCESS = """
import sys
from coder.coding import service as editing
from coder.store import Project
with Project.open(sys.argv[1]) as p:
    source = p.sources()[0]
    spans = [(source.id, s.start, s.end) for s in p.segments(source.id)[1:4]]
    editing.code_spans(p, spans, "mandat", "batch")
    print("coded", flush=True)
    sys.stdin.readline()  # stays running until told
"""


def _second_process(path: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", SECOND_PROCESS, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout.readline().strip() == "coded"
    return proc


def test_a_running_process_is_refused_unasked_an_ended_one_undoes_after_a_restart(path):
    """The reported case: a batch ran while the screen was open; u on the screen must not undo it."""
    with Project.open(path) as screen:
        proc = _second_process(path)
        try:
            assert len(codes(screen)) == 3
            with pytest.raises(NothingToDo, match="batch's, in .*still running"):
                editing.undo(screen)
            assert len(codes(screen)) == 3
        finally:
            proc.communicate("\n", timeout=30)
        with pytest.raises(NothingToDo, match="ended"):  # ended now, but it acted while this session ran
            editing.undo(screen)
    # a new session (the screen opened again, or `coder undo`) may take back an ended process's work
    result = CliRunner().invoke(main, ["undo", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("undone: coded 3 passages as Mandat (batch's, in ")
    with Project.open(path) as project:
        assert codes(project) == []


def test_coder_undo_list_says_who_and_which_process(path):
    with Project.open(path) as p:
        editing.code_spans(p, [turn(p, 1)], "kapasitet", "ane")
    result = CliRunner().invoke(main, ["undo", str(path), "--list"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert "coded 1 passage as Kapasitet" in first and "ane, " in first and "(pid " in first
    assert "not undoable" in result.output  # the import


# -- noticing the other's changes --------------------------------------------------------------------------------------
def test_data_version_moves_for_the_others_commits_only(path):
    with Project.open(path) as screen, Project.open(path, new_session()) as other:
        version, mark = screen.data_version(), screen.change_mark()
        editing.code_spans(screen, [turn(screen, 1)], "kapasitet", "ane")
        assert screen.data_version() == version  # its own commit
        own_mark = screen.change_mark()
        assert own_mark != mark
        editing.code_spans(other, [turn(other, 2)], "mandat", "ola")
        assert screen.data_version() != version
        assert screen.change_mark() != own_mark
        moved = screen.data_version()
        with other.transaction():
            other.set_setting("theme", "textual-light")  # a write the screen need not redraw for
        assert screen.data_version() != moved
        assert screen.change_mark()[:7] == other.change_mark()[:7]


# -- a busy project --------------------------------------------------------------------------------------------------
def _hold_write_lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_write_lock_held_too_long_raises_project_busy_after_waiting_and_saying_so(path):
    with Project.open(path) as project:
        project.set_busy_timeout(0.1, patience=0.4)
        waits: list[float] = []
        project.on_busy = waits.append
        holder = _hold_write_lock(path)
        started = time.monotonic()
        with pytest.raises(ProjectBusy, match="the project is busy: another coder process"):
            editing.code_spans(project, [turn(project, 1)], "kapasitet", "ane")
        assert 0.4 <= time.monotonic() - started < 3
        assert len(waits) >= 2 and waits == sorted(waits)
        holder.execute("ROLLBACK")
        holder.close()
        assert codes(project) == []  # nothing was written
        editing.code_spans(project, [turn(project, 1)], "kapasitet", "ane")  # and it works once free
        assert len(codes(project)) == 1


def test_a_write_waits_while_the_lock_is_held_and_goes_through_when_it_is_released(path):
    with Project.open(path) as project:
        project.set_busy_timeout(0.1, patience=10)
        waits: list[float] = []
        project.on_busy = waits.append
        holder = _hold_write_lock(path)
        release = threading.Timer(0.5, lambda: holder.execute("ROLLBACK"))
        release.start()
        editing.code_spans(project, [turn(project, 1)], "kapasitet", "ane")
        release.join()
        holder.close()
        assert waits and len(codes(project)) == 1


def test_write_free_asks_without_waiting(path):
    with Project.open(path) as project:
        project.set_busy_timeout(5)
        assert project.write_free()
        holder = _hold_write_lock(path)
        started = time.monotonic()
        assert not project.write_free()
        assert time.monotonic() - started < 0.5
        holder.execute("ROLLBACK")
        holder.close()
        assert project.write_free()


def test_the_command_line_says_it_waits_then_gives_a_clear_error(path):
    holder = _hold_write_lock(path)
    env = {**os.environ, "CODER_BUSY_TIMEOUT": "0.2", "CODER_BUSY_PATIENCE": "1"}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "coder.cli", "undo", str(path)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=60,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"{path}: the project is busy (another coder process is writing) — waiting…"
    assert lines[-1].startswith(f"error: {path}: the project is busy: another coder process has been writing")
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr


# -- the migration ---------------------------------------------------------------------------------------------------
def test_a_schema_6_file_gains_sessions_and_its_old_actions_still_undo_and_redo(tmp_path):
    path = tmp_path / "old.coder"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for script in MIGRATIONS[:6]:
        for statement in _statements(script):
            raw.execute(statement)
    raw.execute("PRAGMA user_version = 6")
    raw.execute(
        "INSERT INTO source (id, kind, name, text, hash, imported_at) VALUES (1, 'document', 'Notat', "
        "'Ventetida er lang.', 'h', '2026-01-01')"
    )
    raw.execute("INSERT INTO code (id, label) VALUES ('ventetid', 'Ventetid')")
    raw.execute(
        'INSERT INTO coding (id, source_id, start, "end", code_id, coder, origin, created_at) '
        "VALUES (1, 1, 0, 9, 'ventetid', 'kari', 'manual', '2026-01-01')"
    )
    row = {"id": 1, "source_id": 1, "start": 0, "end": 9, "code_id": "ventetid", "coder": "kari", "origin": "manual",
           "created_at": "2026-01-01"}  # fmt: skip

    raw.execute(
        "INSERT INTO action (at, coder, kind, payload) VALUES ('2026-01-01', 'kari', 'code', ?)",
        (
            json.dumps(
                {"label": "coded 1 passage as Ventetid", "ops": [{"op": "insert", "table": "coding", "row": row}]}
            ),
        ),
    )
    raw.commit()
    raw.close()
    with Project.open(path) as p:
        assert {"session", "undone_by"} <= {r[1] for r in p.conn.execute("PRAGMA table_info(action)")}
        assert p.actions()[0]["session"] is None
        assert editing.undo(p) == "undone: coded 1 passage as Ventetid (kari's, in an earlier session, ended)"
        assert p.codings() == []
        editing.redo(p)
        assert [c.id for c in p.codings()] == [1]
        with p.action("code", "coded", "kari"):
            p.add_coding(1, 10, 17, "ventetid", "kari")
        assert p.actions()[-1]["session"] == p.session
        assert p.conn.execute("SELECT pid FROM session WHERE id = ?", (p.session,)).fetchone()[0] == os.getpid()
