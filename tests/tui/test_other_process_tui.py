"""The coding screen beside another coder process: it shows the other's work within a second or two without moving
the cursor or the selection, `u` leaves that work alone, and a write lock held by the other is waited out."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from coder.coding import service as editing
from coder.store import Project
from coder.store.base import new_session
from coder.tui.others import BUSY
from coder.tui.widgets.reader import Reader
from tests.tui.pilot import codings, drive, keys


async def _until(pilot, check, seconds: float = 3.0) -> float:
    """Let the app run until ``check()`` holds; returns how long it took (fails after ``seconds``)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "the screen did not show it in time"
        await pilot.pause(0.05)
    return time.monotonic() - started


def test_the_screen_shows_another_processes_codings_and_u_does_not_undo_them(project_path):
    async def script(app, pilot):
        reader = app.screen.query_one(Reader)
        await keys(pilot, "j", "j", "1", "shift+down")  # the screen codes turn 2, then selects turns 2-3
        cursor, selection = reader.cursor, reader.selection()
        source_id = reader.shown.source_id
        mine = len(reader.shown.codings)
        other = Project.open(project_path, new_session())  # another coder process writes beside the screen
        try:
            segs = other.segments(source_id)
            spans = [(source_id, s.start, s.end) for s in segs[4:10]]
            editing.code_spans(other, spans, "mandat", "batch")
            took = await _until(pilot, lambda: len(reader.shown.codings) == mine + 6)
            moved = (reader.cursor, reader.selection()) != (cursor, selection)
            counts = app.screen.codebook_panel.total.get("mandat")
            await keys(pilot, "u")  # the screen's own coding goes, the other's six stay
            after_first = len(reader.shown.codings)
            await keys(pilot, "u")  # nothing of this session left: refused, and the other's action is named
        finally:
            other.close()
        notes = [n.message for n in app._notifications]
        return took, moved, counts, after_first, len(reader.shown.codings), notes

    took, moved, counts, after_first, after_second, notes = drive(project_path, script)
    assert took < 2.0 and not moved
    assert counts == 6
    assert after_first == after_second == 6
    # (the demo was built in this test process, so the screen's session reaches back to its import, not undoable)
    refusal = "Nothing to undo in this session: its last action (import) cannot be undone; the last action, «coded 6"
    assert any(n.startswith(refusal) and "batch's, in " in n and "still running" in n for n in notes), notes
    assert sorted(c for c, _ in codings(project_path)) == ["mandat"] * 6


def test_a_held_write_lock_is_waited_out_and_the_key_then_takes_effect(project_path):
    async def script(app, pilot):
        holder = sqlite3.connect(project_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process writes for longer than the screen waits
        await keys(pilot, "j", "1")
        waiting = app.sub_title
        notes = [n.message for n in app._notifications]
        await asyncio.sleep(0.2)
        holder.execute("ROLLBACK")
        holder.close()
        await _until(pilot, lambda: bool(app.screen.query_one(Reader).shown.codings))
        return waiting, notes

    waiting, notes = drive(project_path, script)
    assert waiting == BUSY and BUSY in notes
    assert [c for c, _ in codings(project_path)] == ["kapasitet"]  # the key took effect once the lock was free
