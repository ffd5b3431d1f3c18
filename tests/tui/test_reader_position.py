"""The reader remembers where you were (issue 18, item 8): opening a source again, and reopening the project, start at
the segment (and as far down the view) where that coder left it, in the source open last; kept as a plain setting,
not an action to undo."""

from __future__ import annotations

from coder.coding import service as editing
from coder.store import Project
from tests.tui.pilot import drive, keys


def _where(app) -> tuple[int, int, int]:
    reader = app.screen.reader
    return reader.shown.source_id, reader.cursor, reader.scroll_offset.y


def test_the_reader_starts_where_you_left_each_source_also_after_a_restart(project_path):
    with Project.open(project_path) as project:
        first, second = [s.id for s in project.sources()[:2]]
        actions = len(project.action_log(100))

    async def first_session(app, pilot):
        await keys(pilot, *["j"] * 9)
        left_first = _where(app)
        app.screen.open_source(second)
        await pilot.pause()
        await keys(pilot, *["j"] * 4)
        app.screen.open_source(first)  # back: where it was, not at turn 1
        await pilot.pause()
        back = _where(app)
        app.screen.open_source(second)
        await pilot.pause()
        await keys(pilot, "j")
        left_second = _where(app)
        await keys(pilot, "q")  # quit writes the last move at once
        return left_first, back, left_second

    left_first, back, left_second = drive(project_path, first_session)
    assert left_first[1] == 9 and back == left_first
    assert left_second[:2] == (second, 5)

    async def reopened(app, pilot):
        at_start = _where(app)
        app.screen.open_source(first)
        await pilot.pause()
        return at_start, _where(app)

    at_start, first_again = drive(project_path, reopened)
    assert at_start == left_second  # the source open last, the same segment, as far down the view
    assert first_again == left_first
    with Project.open(project_path) as project:
        assert len(project.action_log(100)) == actions  # nothing to undo, nothing in the log
        assert editing.position(project, "test", second)[0] == 5
        assert editing.position(project, "someone else", second) is None  # each coder their own place


def test_a_position_past_a_changed_source_falls_back_to_its_last_segment(project_path):
    with Project.open(project_path) as project:
        source = project.sources()[0]
        n = len(project.segments(source.id))
        editing.remember_position(project, "test", source.id, n + 40, -1, 3)

    async def script(app, pilot):
        return _where(app)

    assert drive(project_path, script)[1] == n - 1
