"""The reader remembers where you were (issue 18, item 8): per coder and source, across restarts.

Every move notes the position in memory (the cursor's segment and how many lines below the top it begins); the
project keeps it (``coding.service.remember_position``, a plain setting, no action) a moment after moving stops,
when another source is opened and when the screen closes. Opening a source, and the start, go back there — the
start to the source that was open last."""

from __future__ import annotations

from textual.timer import Timer

from coder.coding import service as editing
from coder.errors import CoderError
from coder.tui.widgets.reader import Reader

#: seconds after the last move before the position is written (one small write, not one per key)
SAVE_AFTER = 1.5


class RememberPosition:
    """Mixin for the main screen (``project``, ``coder``, ``reader``, ``source_id`` are the screen's)."""

    _positions: dict[int, tuple[int, int | None, int]]
    _position_timer: Timer | None = None
    _unsaved: int | None = None  # a source whose noted position the project does not have yet

    def first_source(self, sources: list) -> int | None:
        """The source to open at the start: the one open last, else the first."""
        last = editing.last_source(self.project, self.coder)  # type: ignore[attr-defined]
        ids = [s.id for s in sources]
        return last if last in ids else (ids[0] if ids else None)

    def on_reader_moved(self) -> None:
        """(Textual calls this besides the screen's own handler of :class:`Reader.Moved`.)"""
        self.note_position()

    def note_position(self) -> None:
        """The reader moved: note where it is, and write it once moving stops."""
        reader: Reader = self.reader  # type: ignore[attr-defined]
        shown = reader.shown
        if shown is None or not shown.segments or reader.layout_ is None or reader.cursor >= len(shown.segments):
            return
        lines = reader.layout_.seg_lines(reader.cursor)
        row = lines.start - reader.scroll_offset.y if lines else 0
        if not hasattr(self, "_positions"):
            self._positions = {}
        self._positions[shown.source_id] = (reader.cursor, shown.segments[reader.cursor].id, row)
        self._unsaved = shown.source_id
        if self._position_timer is None:
            self._position_timer = self.set_timer(SAVE_AFTER, self.save_position)  # type: ignore[attr-defined]
        else:
            self._position_timer.reset()

    def save_position(self) -> None:
        """Write the noted position of the source open now (a busy or closed project: it is not worth an error)."""
        if self._position_timer is not None:
            self._position_timer.stop()
            self._position_timer = None
        source_id, self._unsaved = self._unsaved, None
        kept = getattr(self, "_positions", {}).get(source_id) if source_id is not None else None
        if kept is None:
            return
        try:
            editing.remember_position(self.project, self.coder, source_id, *kept)  # type: ignore[attr-defined]
        except CoderError:  # busy: the next move or leaving the source writes it
            pass

    def on_unmount(self) -> None:
        """Quitting: the position moved to last is kept (the app closes the project after its screens)."""
        self.save_position()

    def restore_position(self, source_id: int) -> None:
        """After the reader shows ``source_id``: the cursor back on the segment it was on, as far down the view. The
        position noted in the source shown before is written first (its move has not been noted in this one yet)."""
        self.save_position()
        reader: Reader = self.reader  # type: ignore[attr-defined]
        shown = reader.shown
        kept = getattr(self, "_positions", {}).get(source_id)
        if kept is None:
            kept = editing.position(self.project, self.coder, source_id)  # type: ignore[attr-defined]
        if kept is None or shown is None or not shown.segments:
            return
        index, segment_id, row = kept
        ids = [s.id for s in shown.segments]
        index = ids.index(segment_id) if segment_id in ids else min(index, len(ids) - 1)
        if index == reader.cursor or (reader.only is not None and index not in reader.only):
            return
        reader.cursor = index
        reader._after_move()
        reader.cursor_to_row(row)
