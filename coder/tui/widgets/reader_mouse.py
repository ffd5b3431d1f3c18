"""The reader's mouse: a click puts the cursor on a segment, a drag selects an exact span (snapped to words)."""

from __future__ import annotations

from textual import events

from coder.spans import snap_words
from coder.tui.reader_layout import offset_at, segment_at


class ReaderMouse:
    """Mixed into :class:`~coder.tui.widgets.reader.Reader`, whose state (layout, cursor, caret) it moves."""

    def _offset_at(self, event: events.MouseEvent) -> int | None:
        if self.layout_ is None or self.shown is None:
            return None
        y = event.y + self.scroll_offset.y
        if not 0 <= y < len(self.layout_.lines):
            return None
        line = self.layout_.lines[y]
        if line.seg < 0:
            return None
        gutter, _, _ = self._geometry()
        return offset_at(self.shown.text, line, max(event.x - gutter, 0))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = self._offset_at(event)
        if offset is None:
            return
        self.focus()
        self._dragging = True
        self.capture_mouse()
        self.span_mode = False
        self.seg_anchor = None
        self.caret = self.span_anchor = offset
        self.cursor = segment_at(self.shown.segments, offset)
        self.focus_index = 0
        self.invalidate()
        self._moved()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = self._offset_at(event)
        if offset is not None and offset != self.caret:
            self.caret = offset
            self.span_mode = True
            self.invalidate()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if not self._dragging:
            return
        self._dragging = False
        self.release_mouse()
        if self.span_mode:
            a, b = sorted((self.span_anchor, self.caret))
            self.span_anchor, self.caret = snap_words(self.shown.text, a, max(b, a + 1))
            self._caret_moved()
