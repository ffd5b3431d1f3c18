"""The reader: a source as speaker turns, its codings as coloured marks, the selection.

Drawn line by line with Textual's Line API (``render_line``) from a precomputed layout,
so a 20,000-word transcript costs no more to show than a short one. The reader only
navigates and selects; coding is done by the screen, which asks for :meth:`selection`.

This module is the widget: its keys, mouse and state (cursor, anchors, caret). Where a key takes the cursor is
worked out in ``reader_cursor.py`` (pure, with the :class:`Shown` data), how a line looks in ``reader_draw.py``.
"""

from __future__ import annotations

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from coder.model import Code, Coding
from coder.spans import next_word_end, sentence_at, snap_words
from coder.tui.reader_layout import Layout, segment_at
from coder.tui.widgets import reader_cursor as moves
from coder.tui.widgets import reader_window as window
from coder.tui.widgets.reader_cursor import Shown
from coder.tui.widgets.reader_draw import (
    CodingIndex,
    Frame,
    Look,
    clock,
    code_colour,
    codings_on,
    draw_line,
    geometry,
    message,
    tint,
)
from coder.tui.widgets.reader_keys import CODING_BINDINGS
from coder.tui.widgets.reader_mouse import ReaderMouse

__all__ = ["Reader", "Shown", "clock"]


class Reader(ReaderMouse, ScrollView, can_focus=True):
    """Keyboard: ↑↓/jk move by segment, ⇧↑↓ extend, ``s`` exact-span mode (←→ by word, ⇧←→ extend)."""

    BINDINGS = [
        Binding("down,j", "move(1)", "next", show=False),
        Binding("up,k", "move(-1)", "previous", show=False),
        Binding("shift+down,J", "extend(1)", "extend", show=False),
        Binding("shift+up,K", "extend(-1)", "extend", show=False),
        Binding("right,l", "word(1)", "word →", show=False),
        Binding("left,h", "word(-1)", "word ←", show=False),
        Binding("shift+right,L", "extend_word(1)", "extend →", show=False),
        Binding("shift+left,H", "extend_word(-1)", "extend ←", show=False),
        Binding("s", "span_mode", "span", tooltip="select an exact span (by word)"),
        Binding("full_stop", "sentence", "sentence", show=False),
        Binding("escape", "collapse", "collapse", show=False),
        Binding("pagedown,space", "page(1)", "page down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("home,g", "edge(-1)", "top", show=False),
        Binding("end,G", "edge(1)", "bottom", show=False),
        *CODING_BINDINGS,
    ]

    COMPONENT_CLASSES = {
        "reader--speaker",
        "reader--time",
        "reader--cursor",
        "reader--selection",
        "reader--margin",
        "reader--empty",
    }

    DEFAULT_CSS = """
    Reader { background: $surface; overflow-y: scroll; }  /* the text's width never waits on the scrollbar */
    Reader > .reader--speaker { color: $accent; text-style: bold; }
    Reader > .reader--time { color: $text-muted; }
    Reader > .reader--cursor { background: $primary 18%; }
    Reader > .reader--selection { background: $accent 45%; }
    Reader > .reader--margin { color: $text-muted; }
    Reader > .reader--empty { color: $text-muted; text-style: italic; }
    """

    class Moved(Message):
        """The cursor or the selection changed."""

        def __init__(self, reader: Reader) -> None:
            super().__init__()
            self.reader = reader

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: Shown | None = None
        self.codes: dict[str, Code] = {}
        self.only: list[int] | None = None  # segment indexes shown (None: all)
        self.layout_: Layout | None = None
        self.span_mode = False  # exact-span selection (by word) instead of whole segments
        self.cursor = 0  # segment index
        self.seg_anchor: int | None = None  # other end of a multi-segment selection
        self.caret = 0  # character offset, span mode
        self.span_anchor = 0
        self.focus_index = 0  # which of the codings at the selection `o` has reached
        self._line_codings: CodingIndex | None = None
        self._pending_row: int | None = None  # cursor_to_row before the first layout
        self._window = (0, 0)  # the places in the shown order laid out (reader_window.py)
        self._tints: dict[str, Style] = {}
        self._geometry_cache: tuple[int, Shown | None, tuple[int, int, int]] | None = None
        self._dragging = False
        self._frame: tuple | None = None
        #: the highlighted suggestion's matched words: spans of the source text and the style they are drawn in
        self.evidence: list[tuple[int, int]] = []
        self._evidence_style: Style | None = None

    # -- content ------------------------------------------------------------------
    def invalidate(self) -> None:
        """Redraw; what is selected is worked out again, once, for the next frame."""
        self._frame = None
        self.refresh()

    def restyle(self) -> None:
        """The theme changed: work the codes' tints out again and redraw."""
        self._tints.clear()
        self.invalidate()

    def _frame_state(self) -> tuple[tuple[int, int] | None, set[int], Coding | None]:
        if self._frame is None:
            selected = set(self.selected_segments()) if not self.span_mode else set()
            self._frame = (self.selection(), selected, self.focused_coding())
        return self._frame

    def show(self, shown: Shown | None, codes: dict[str, Code], only: list[int] | None = None) -> None:
        """Show a source (None: nothing), cursor on its first shown segment; ``only``: the segments to show."""
        self.shown, self.codes, self.only = shown, codes, only
        self.evidence = []
        self.cursor = only[0] if only else 0
        self.seg_anchor = None
        self.span_mode = False
        self.focus_index, self._pending_row = 0, None
        self._relayout()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._moved()

    def filter_to(self, only: list[int] | None) -> None:
        """Show only the segments ``only`` (None: all); the cursor stays on its segment, or the next one shown."""
        self.only, self.seg_anchor, self.span_mode, self.focus_index = only, None, False, 0
        if only:
            self.cursor = only[min(window.position(only, self.cursor), len(only) - 1)]
        self._relayout()
        self._scroll_to_cursor(center=True)
        self._moved()

    def update_codings(self, codings: list[Coding], codes: dict[str, Code], memo_segments: set[int]) -> None:
        if self.shown is None:
            return
        self.shown.codings = codings
        self.shown.memo_segments = memo_segments
        self.codes = codes
        self._tints.clear()
        self._index_codings()
        self.invalidate()
        self._moved()

    def show_evidence(self, spans: list[tuple[int, int]], code_id: str | None = None) -> None:
        """Mark the words a suggestion matched (``spans`` of the source text) reversed in the code's colour."""
        spans = sorted(spans)
        if spans == self.evidence and (not spans or self._evidence_style == self._evidence_of(code_id)):
            return
        self.evidence = spans
        self._evidence_style = self._evidence_of(code_id) if spans else None
        self.invalidate()

    def _evidence_of(self, code_id: str | None) -> Style:
        return code_colour(self.codes.get(code_id or "")) + Style(reverse=True, bold=True)

    def _geometry(self) -> tuple[int, int, int]:
        """(gutter, text, margin) widths in cells for the current size; kept per width and shown source, since every
        drawn line asks and working it out looks at up to 2,000 segments' speakers."""
        width = max(self.scrollable_content_region.width, 20)
        cached = self._geometry_cache
        if cached is None or cached[0] != width or cached[1] is not self.shown:
            cached = self._geometry_cache = (
                width,
                self.shown,
                geometry(width, self.shown.segments if self.shown else None),
            )
        return cached[2]

    def _relayout(self, pos: int | None = None) -> None:
        """Lay the shown segments out at the current width: those of the window around ``pos`` (a place in the
        shown order; the cursor's when None)."""
        if self.shown is None:
            self.layout_ = None
            self.virtual_size = Size(0, 0)
            self.invalidate()
            return
        if not self.size.width:  # opened before the first layout pass: on_resize lays it out at the real width
            self.layout_ = None
            return
        _, text_width, _ = self._geometry()
        self._window = window.around(self._count(), window.position(self.only, self.cursor) if pos is None else pos)
        self.layout_ = Layout.build(self.shown.text, self.shown.segments, text_width, self.only, self._window)
        self._index_codings()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.layout_.lines))
        self.invalidate()

    def _count(self) -> int:
        return len(self.only) if self.only is not None else len(self.shown.segments) if self.shown else 0

    def _rewindow(self, pos: int) -> None:
        """Lay out the window around place ``pos`` if it must move, the segment at the top of the view kept at
        its row (a long source is laid out a window at a time: reader_window.py)."""
        if self.layout_ is None or not window.must_move(self._window, self._count(), pos):
            return
        y = int(self.scroll_offset.y)
        top = next((line for line in self.layout_.lines[y : y + 3] if line.seg >= 0), None)
        row = self.layout_.seg_first_line[top.seg] - y if top is not None else 0
        self._relayout(pos)
        if top is not None and (lines := self.layout_.seg_lines(top.seg)):
            self.scroll_to(y=max(lines.start - row, 0), animate=False, immediate=True, force=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Scrolled (the wheel, the scrollbar) near an edge of the window: move it around the view's middle."""
        super().watch_scroll_y(old, new)
        layout, middle = self.layout_, int(new) + self.scrollable_content_region.height // 2
        if layout is not None and self._count() > window.SPAN and 0 <= middle < len(layout.lines):
            line = layout.lines[middle] if layout.lines[middle].seg >= 0 else layout.lines[middle - 1]
            if window.must_move(self._window, self._count(), pos := window.position(self.only, line.seg)):
                self.call_later(self._rewindow, pos)

    def _index_codings(self) -> None:
        """For each line, the codings that touch it (so drawing a line never scans them all)."""
        if self.layout_ is None or self.shown is None:
            return
        self._line_codings = CodingIndex(self.layout_.lines, self.layout_.starts, self.shown.codings)

    def on_resize(self, event: events.Resize) -> None:
        if self.shown is not None:
            self._relayout()
            row, self._pending_row = self._pending_row, None
            self.cursor_to_row(row) if row is not None else self._scroll_to_cursor()

    def cursor_to_row(self, row: int) -> None:
        """Scroll so the cursor's segment starts ``row`` lines down the view (once it is laid out)."""
        if self.layout_ is None:
            self._pending_row = row
            return
        self._rewindow(window.position(self.only, self.cursor))
        if lines := self.layout_.seg_lines(self.cursor):
            self.scroll_to(y=max(lines.start - row, 0), animate=False, immediate=True, force=True)

    # -- what is selected -----------------------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        """The selected span ``(start, end)`` of the shown source, or None."""
        if self.shown is None or not self.shown.segments or self.only == []:
            return None
        if self.span_mode:
            return moves.word_selection(self.shown.text, self.span_anchor, self.caret)
        return moves.segment_selection(self.shown.text, self.shown.segments, self.cursor, self.seg_anchor)

    def selected_segments(self) -> list[int]:
        if self.shown is None or not self.shown.segments:
            return []
        return moves.selected_segments(self.cursor, self.seg_anchor, self.only)

    def codings_here(self) -> list[Coding]:
        """The codings that overlap the selection (in segment mode: the cursor's segment)."""
        sel = self.selection()
        if sel is None or self.shown is None:
            return []
        return moves.overlapping(self.shown.codings, *sel)

    def focused_coding(self) -> Coding | None:
        here = self.codings_here()
        return here[self.focus_index % len(here)] if here else None

    def cycle_coding(self) -> Coding | None:
        self.focus_index += 1
        self.invalidate()
        self._moved()
        return self.focused_coding()

    def select_span(self, start: int, end: int) -> None:
        """Select exactly ``[start, end)`` (span mode) and bring it into view."""
        if self.shown is None:
            return
        self.cursor = segment_at(self.shown.segments, start)
        if self.only is not None and self.cursor not in self.only:
            self.only = None
            self._relayout()
        self.seg_anchor = None
        seg = self.shown.segments[self.cursor]
        if (start, end) == snap_words(self.shown.text, seg.start, seg.end):
            self.span_mode = False
        else:
            self.span_mode = True
            self.span_anchor, self.caret = start, end
        self.focus_index = 0
        self._scroll_to_cursor(center=True)
        self.invalidate()
        self._moved()

    # -- actions -----------------------------------------------------------------------
    def _shown_indexes(self) -> list[int]:
        if self.shown is None:
            return []
        return moves.shown_indexes(len(self.shown.segments), self.only)

    def _step(self, seg: int, delta: int) -> int:
        if self.shown is None:
            return seg
        return moves.step(len(self.shown.segments), self.only, seg, delta)

    def action_move(self, delta: int) -> None:
        if self.shown is None:
            return
        if self.span_mode:
            self._caret_line(delta, extend=False)
            return
        self.seg_anchor = None
        self.cursor = self._step(self.cursor, delta)
        self.focus_index = 0
        self._after_move()

    def action_extend(self, delta: int) -> None:
        if self.shown is None:
            return
        if self.span_mode:
            self._caret_line(delta, extend=True)
            return
        if self.seg_anchor is None:
            self.seg_anchor = self.cursor
        self.cursor = self._step(self.cursor, delta)
        self.focus_index = 0
        self._after_move()

    def action_span_mode(self) -> None:
        """Toggle exact-span selection; it starts as the current segment's first word."""
        if self.shown is None or not self.shown.segments:
            return
        if self.span_mode:
            self.action_collapse()
            return
        seg = self.shown.segments[self.cursor]
        self.seg_anchor = None
        self.span_anchor = seg.start
        self.caret = next_word_end(self.shown.text, seg.start, seg.end)
        self.span_mode = True
        self._after_move()

    def action_word(self, delta: int) -> None:
        """Span mode: move the one-word selection by a word. Segment mode: enter span mode."""
        if self.shown is None:
            return
        if not self.span_mode:
            self.action_span_mode()
            return
        self.span_anchor, self.caret = moves.word_step(self.shown.text, self.span_anchor, self.caret, delta)
        self._caret_moved()

    def action_extend_word(self, delta: int) -> None:
        if self.shown is None:
            return
        if not self.span_mode:
            self.action_span_mode()
            return
        self.caret = moves.word_extend(self.shown.text, self.span_anchor, self.caret, delta)
        self._caret_moved()

    def _caret_line(self, delta: int, extend: bool) -> None:
        moved = moves.line_step(
            self.layout_, self.shown.text, self._caret_y(), self.span_anchor, self.caret, delta, extend
        )
        if moved is None:
            return
        self.span_anchor, self.caret = moved
        self._caret_moved()

    def action_sentence(self) -> None:
        """Select the sentence at the cursor (span mode)."""
        if self.shown is None or not self.shown.segments:
            return
        seg = self.shown.segments[self.cursor]
        pos = self.caret if self.span_mode else seg.start
        self.span_anchor, self.caret = sentence_at(self.shown.text, seg.start, seg.end, pos)
        self.span_mode = True
        self._caret_moved()

    def action_collapse(self) -> None:
        if self.span_mode:
            self.span_mode = False
        self.seg_anchor = None
        self._after_move()

    def action_page(self, direction: int) -> None:
        if self.layout_ is None or not self.layout_.lines:  # a filter that matches nothing shows no lines
            return
        height = max(self.scrollable_content_region.height - 2, 1)
        self.seg_anchor = None
        self.span_mode = False
        self.cursor = moves.page_target(self.layout_, self.cursor, direction, height)
        self._after_move()

    def action_edge(self, direction: int) -> None:
        order = self._shown_indexes()
        if order:
            self.seg_anchor = None
            self.span_mode = False
            self.cursor = order[0] if direction < 0 else order[-1]
            self._after_move()

    def _caret_moved(self) -> None:
        self.cursor = segment_at(self.shown.segments, max(min(self.caret, self.span_anchor), 0))
        self.focus_index = 0
        self._after_move()

    def _after_move(self) -> None:
        self._scroll_to_cursor()
        self.invalidate()
        self._moved()

    def _moved(self) -> None:
        self.post_message(self.Moved(self))

    def _caret_y(self) -> int:
        return moves.caret_y(self.layout_, self.shown.segments, self.caret)

    def _scroll_to_cursor(self, center: bool = False) -> None:
        self._rewindow(window.position(self.only, self.cursor))
        if self.layout_ is None or not self.layout_.lines:
            return
        lines = self.layout_.seg_lines(self.cursor)
        if not lines:
            return
        top, bottom = lines.start, lines.stop - 1
        if self.span_mode:
            top = bottom = self._caret_y()
        height = max(self.scrollable_content_region.height, 1)
        y = moves.scroll_target(top, bottom, self.scroll_offset.y, height, center)
        if y != self.scroll_offset.y:
            self.scroll_to(y=y, animate=False, immediate=True, force=True)

    # -- drawing ----------------------------------------------------------------------------
    def _tint(self, code_id: str) -> Style:
        style = self._tints.get(code_id)
        if style is None:
            style = self._tints[code_id] = tint(self.codes.get(code_id), self.styles.background)
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self.layout_ is None or self.shown is None:
            if y == 1:
                note = "  Choose a source on the left (Enter)." if self.shown is None else ""
                return message(note, self.get_component_rich_style("reader--empty"), width, base)
            return Strip.blank(width, base)
        index = y + self.scroll_offset.y
        if index >= len(self.layout_.lines):
            if y == 1 and self.only is not None and not self.only:
                note = "  No answers match the filter."
                return message(note, self.get_component_rich_style("reader--empty"), width, base)
            return Strip.blank(width, base)
        line = self.layout_.lines[index]
        sel, selected, focused = self._frame_state()
        frame = Frame(sel, selected, focused, self.span_mode, self.cursor, self.evidence, self._evidence_style)
        here = codings_on(self.shown, line, self._line_codings.get(index) if self._line_codings else ())
        return draw_line(self.shown, line, here, frame, self._look(base), self._geometry(), self.codes, width)

    def _look(self, base: Style) -> Look:
        style = self.get_component_rich_style
        return Look(
            base,
            style("reader--speaker"),
            style("reader--time"),
            style("reader--cursor"),
            style("reader--selection"),
            style("reader--margin"),
            self._tint,
        )
