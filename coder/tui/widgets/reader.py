"""The reader: a source as speaker turns, its codings as coloured marks, the selection.

Drawn line by line with Textual's Line API (``render_line``) from a precomputed layout,
so a 20,000-word transcript costs no more to show than a short one. The reader only
navigates and selects; coding is done by the screen, which asks for :meth:`selection`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment as RichSegment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from coder.model import Code, Coding, Segment
from coder.spans import next_word_end, prev_word_start, sentence_at, snap_words
from coder.tui.reader_layout import GAP, Layout, Line, offset_at, segment_at


def clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


@dataclass
class Shown:
    """What the reader holds: one source with its segments and codings."""

    source_id: int
    title: str
    kind: str
    text: str
    segments: list[Segment]
    codings: list[Coding]
    memo_segments: set[int]


class Reader(ScrollView, can_focus=True):
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
    Reader { background: $surface; }
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
        self._line_codings: list[list[int]] = []
        self._line_starts: list[int] = []
        self._tints: dict[str, Style] = {}
        self._dragging = False
        self._frame: tuple | None = None
        #: the highlighted suggestion's matched words: spans of the source text and the style they are drawn in
        self.evidence: list[tuple[int, int]] = []
        self._evidence_style: Style | None = None

    # -- content ------------------------------------------------------------------
    def _invalidate(self) -> None:
        """Redraw; what is selected is worked out again, once, for the next frame."""
        self._frame = None
        self.refresh()

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
        self.focus_index = 0
        self._relayout()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._moved()

    def update_codings(self, codings: list[Coding], codes: dict[str, Code], memo_segments: set[int]) -> None:
        if self.shown is None:
            return
        self.shown.codings = codings
        self.shown.memo_segments = memo_segments
        self.codes = codes
        self._tints.clear()
        self._index_codings()
        self._invalidate()
        self._moved()

    def show_evidence(self, spans: list[tuple[int, int]], code_id: str | None = None) -> None:
        """Mark the words a suggestion matched (``spans`` of the source text) reversed in the code's colour."""
        spans = sorted(spans)
        if spans == self.evidence and (not spans or self._evidence_style == self._evidence_of(code_id)):
            return
        self.evidence = spans
        self._evidence_style = self._evidence_of(code_id) if spans else None
        self._invalidate()

    def _evidence_of(self, code_id: str | None) -> Style:
        return self._code_colour(code_id or "") + Style(reverse=True, bold=True)

    def _geometry(self) -> tuple[int, int, int]:
        """(gutter, text, margin) widths in cells for the current size."""
        width = max(self.scrollable_content_region.width, 20)
        shown = self.shown
        labels = 2
        if shown and shown.segments:
            names = {s.speaker or s.case or "" for s in shown.segments[:2000]}
            labels = max((len(n) for n in names), default=2)
        timed = bool(shown and shown.segments and shown.segments[0].t_start is not None)
        wide = width >= 70
        gutter = min(max(labels, 8 if timed and wide else 0), 12 if wide else 6) + 1
        margin = 16 if wide else 3
        return gutter, max(width - gutter - margin - 1, 10), margin

    def _relayout(self) -> None:
        if self.shown is None:
            self.layout_ = None
            self.virtual_size = Size(0, 0)
            self._invalidate()
            return
        _, text_width, _ = self._geometry()
        self.layout_ = Layout.build(self.shown.text, self.shown.segments, text_width, self.only)
        self._line_starts = []
        last = 0
        for line in self.layout_.lines:
            last = line.start if line.seg >= 0 else last
            self._line_starts.append(last)
        self._index_codings()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.layout_.lines))
        self._invalidate()

    def _index_codings(self) -> None:
        """For each line, the codings that touch it (so drawing a line never scans them all)."""
        if self.layout_ is None or self.shown is None:
            return
        lines = self.layout_.lines
        index: list[list[int]] = [[] for _ in lines]
        for n, coding in enumerate(self.shown.codings):
            y = max(bisect_right(self._line_starts, coding.start) - 1, 0)
            while y < len(lines) and (lines[y].seg < 0 or lines[y].start < coding.end):
                line = lines[y]
                if line.seg < 0 or line.end > coding.start or (line.start == line.end == coding.start):
                    index[y].append(n)
                y += 1
        # a gap line shows only the codings running on across it
        for y, line in enumerate(lines):
            if line.seg < 0:
                before = set(index[y - 1]) if y else set()
                after = set(index[y + 1]) if y + 1 < len(lines) else set()
                index[y] = [n for n in index[y] if n in before and n in after]
        self._line_codings = index

    def on_resize(self, event: events.Resize) -> None:
        if self.shown is not None:
            self._relayout()
            self._scroll_to_cursor()

    # -- what is selected -----------------------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        """The selected span ``(start, end)`` of the shown source, or None."""
        if self.shown is None or not self.shown.segments or self.only == []:
            return None
        if self.span_mode:
            a, b = sorted((self.span_anchor, self.caret))
            start, end = snap_words(self.shown.text, a, max(b, a + 1))
            return (start, end) if end > start else None
        a, b = sorted((self.cursor, self.seg_anchor if self.seg_anchor is not None else self.cursor))
        segs = self.shown.segments
        start, end = snap_words(self.shown.text, segs[a].start, segs[b].end)
        return (start, end) if end > start else None

    def selected_segments(self) -> list[int]:
        if self.shown is None or not self.shown.segments:
            return []
        a, b = sorted((self.cursor, self.seg_anchor if self.seg_anchor is not None else self.cursor))
        return [i for i in range(a, b + 1) if self.only is None or i in set(self.only)]

    def codings_here(self) -> list[Coding]:
        """The codings that overlap the selection (in segment mode: the cursor's segment)."""
        sel = self.selection()
        if sel is None or self.shown is None:
            return []
        start, end = sel
        here = [c for c in self.shown.codings if c.start < end and c.end > start]
        return sorted(here, key=lambda c: (c.start, c.end - c.start, c.id))

    def focused_coding(self) -> Coding | None:
        here = self.codings_here()
        return here[self.focus_index % len(here)] if here else None

    def cycle_coding(self) -> Coding | None:
        self.focus_index += 1
        self._invalidate()
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
        self._invalidate()
        self._moved()

    # -- actions -----------------------------------------------------------------------
    def _shown_indexes(self) -> list[int]:
        if self.shown is None:
            return []
        return self.only if self.only is not None else list(range(len(self.shown.segments)))

    def _step(self, seg: int, delta: int) -> int:
        order = self._shown_indexes()
        if not order:
            return seg
        try:
            at = order.index(seg) if self.only is not None else seg
        except ValueError:
            at = 0
        return order[max(0, min(len(order) - 1, at + delta))]

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
        text = self.shown.text
        if delta > 0:
            end = next_word_end(text, self.caret)
            start = prev_word_start(text, end)
        else:
            start = prev_word_start(text, min(self.caret, self.span_anchor))
            end = next_word_end(text, start)
        self.span_anchor, self.caret = start, end
        self._caret_moved()

    def action_extend_word(self, delta: int) -> None:
        if self.shown is None:
            return
        if not self.span_mode:
            self.action_span_mode()
            return
        text = self.shown.text
        self.caret = next_word_end(text, self.caret) if delta > 0 else prev_word_start(text, self.caret)
        if self.caret == self.span_anchor:  # never an empty selection
            self.caret = next_word_end(text, self.caret) if delta < 0 else prev_word_start(text, self.caret)
        self._caret_moved()

    def _caret_line(self, delta: int, extend: bool) -> None:
        layout, text = self.layout_, self.shown.text
        y = self._caret_y()
        line = layout.lines[y]
        column = self.caret - line.start if line.seg >= 0 else 0
        y2 = y + delta
        while 0 <= y2 < len(layout.lines) and layout.lines[y2].seg < 0:
            y2 += delta
        if not 0 <= y2 < len(layout.lines):
            return
        target = layout.lines[y2]
        pos = min(target.start + column, target.end)
        if extend:
            self.caret = next_word_end(text, pos) if pos > self.span_anchor else prev_word_start(text, pos)
        else:
            start = prev_word_start(text, min(pos + 1, target.end), target.start)
            self.span_anchor, self.caret = start, next_word_end(text, start)
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
        if self.layout_ is None:
            return
        height = max(self.scrollable_content_region.height - 2, 1)
        y = self.layout_.line_of(self.cursor) + direction * height
        y = max(0, min(len(self.layout_.lines) - 1, y))
        line = self.layout_.lines[y]
        while line.seg < 0 and y > 0:
            y -= 1
            line = self.layout_.lines[y]
        self.seg_anchor = None
        self.span_mode = False
        self.cursor = line.seg
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
        self._invalidate()
        self._moved()

    def _moved(self) -> None:
        self.post_message(self.Moved(self))

    def _caret_y(self) -> int:
        return self.layout_.line_of(segment_at(self.shown.segments, self.caret), self.caret)

    def _scroll_to_cursor(self, center: bool = False) -> None:
        if self.layout_ is None or not self.layout_.lines:
            return
        lines = self.layout_.seg_lines(self.cursor)
        if not lines:
            return
        top, bottom = lines.start, lines.stop - 1
        if self.span_mode:
            top = bottom = self._caret_y()
        height = max(self.scrollable_content_region.height, 1)
        y = self.scroll_offset.y
        if center:
            y = max(top - height // 3, 0)
        elif top < y:
            y = top
        elif bottom >= y + height:
            y = min(top, bottom - height + 1)
        if y != self.scroll_offset.y:
            self.scroll_to(y=y, animate=False, immediate=True)

    # -- mouse ----------------------------------------------------------------------------
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
        self._invalidate()
        self._moved()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = self._offset_at(event)
        if offset is not None and offset != self.caret:
            self.caret = offset
            self.span_mode = True
            self._invalidate()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if not self._dragging:
            return
        self._dragging = False
        self.release_mouse()
        if self.span_mode:
            a, b = sorted((self.span_anchor, self.caret))
            self.span_anchor, self.caret = snap_words(self.shown.text, a, max(b, a + 1))
            self._caret_moved()

    # -- drawing ----------------------------------------------------------------------------
    def _tint(self, code_id: str) -> Style:
        style = self._tints.get(code_id)
        if style is None:
            code = self.codes.get(code_id)
            base = self.styles.background if self.styles.background.a else Color(0, 0, 0)
            try:
                colour = Color.parse(code.colour) if code and code.colour else Color(128, 128, 128)
            except Exception:
                colour = Color(128, 128, 128)
            style = Style(bgcolor=base.blend(colour, 0.45).rich_color)
            self._tints[code_id] = style
        return style

    def _code_colour(self, code_id: str) -> Style:
        code = self.codes.get(code_id)
        try:
            return Style(color=Color.parse(code.colour).rich_color) if code and code.colour else Style()
        except Exception:
            return Style()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self.layout_ is None or self.shown is None:
            if y == 1:
                message = "  Choose a source on the left (Enter)." if self.shown is None else ""
                return Strip([RichSegment(message, self.get_component_rich_style("reader--empty"))]).adjust_cell_length(
                    width, base
                )
            return Strip.blank(width, base)
        index = y + self.scroll_offset.y
        if index >= len(self.layout_.lines):
            if y == 1 and self.only is not None and not self.only:
                message = "  No answers match the filter."
                style = self.get_component_rich_style("reader--empty")
                return Strip([RichSegment(message, style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        return self._render(index, width, base)

    def _render(self, index: int, width: int, base: Style) -> Strip:
        shown = self.shown
        line: Line = self.layout_.lines[index]
        gutter, text_width, margin = self._geometry()
        sel, selected, focused = self._frame_state()
        in_cursor = line.seg >= 0 and (line.seg in selected or (self.span_mode and line.seg == self.cursor))
        row = base + self.get_component_rich_style("reader--cursor") if in_cursor else base
        segs: list[RichSegment] = []
        # gutter: speaker (or respondent) on a segment's first line, its time on the second
        label = ""
        label_style = self.get_component_rich_style("reader--speaker")
        if line.seg >= 0:
            seg = shown.segments[line.seg]
            if line.first:
                label = (seg.speaker or seg.case or "")[: gutter - 1]
            elif line.index_in_seg == 1 and seg.t_start is not None and gutter > 8:
                label = clock(seg.t_start)
                label_style = self.get_component_rich_style("reader--time")
        memo_mark = line.seg >= 0 and line.first and shown.segments[line.seg].id in shown.memo_segments
        segs.append(RichSegment(label.ljust(gutter - 1), row + label_style))
        segs.append(RichSegment("✎" if memo_mark else " ", row + self.get_component_rich_style("reader--time")))
        # text with coding tints and the selection
        here = [shown.codings[n] for n in self._line_codings[index]] if line is not GAP else []
        cuts = {line.start, line.end}
        for c in here:
            cuts.update(p for p in (c.start, c.end) if line.start < p < line.end)
        if sel:
            cuts.update(p for p in sel if line.start < p < line.end)
        marked = [e for e in self.evidence if e[0] < line.end and e[1] > line.start] if line.seg >= 0 else []
        for e in marked:
            cuts.update(p for p in e if line.start < p < line.end)
        points = sorted(cuts)
        text = shown.text
        sel_style = self.get_component_rich_style("reader--selection")
        for a, b in zip(points, points[1:], strict=False):
            piece = text[a:b]
            style = row
            covering = [c for c in here if c.start <= a and c.end >= b]
            if covering:
                inner = min(covering, key=lambda c: c.end - c.start)
                style = style + self._tint(inner.code_id)
                if focused is not None and any(c.id == focused.id for c in covering):
                    style = style + Style(underline=True)
            if self.span_mode and sel and sel[0] <= a and b <= sel[1]:
                style = style + sel_style
            if marked and self._evidence_style and any(e[0] <= a and b <= e[1] for e in marked):
                style = style + self._evidence_style
            segs.append(RichSegment(piece, style))
        used = cell_len(text[line.start : line.end]) if line.seg >= 0 else 0
        segs.append(RichSegment(" " * max(text_width - used, 0) + " ", row))
        # margin: a bar per coding on this line, the label where the coding begins
        bars: list[RichSegment] = []
        ordered = sorted(here, key=lambda c: (c.start, c.id))[:3]
        for c in ordered:
            bars.append(RichSegment("▐", self._code_colour(c.code_id)))
        room = margin - len(bars)
        starting = [c for c in ordered if line.start <= c.start < max(line.end, line.start + 1)]
        if starting and room >= 2:
            code = self.codes.get(starting[0].code_id)
            name = code.label if code else starting[0].code_id
            extra = f"+{len(starting) - 1}" if len(starting) > 1 else ""
            room_for_name = room - 1 - len(extra)
            if len(name) > room_for_name:
                name = name[:room_for_name] if room_for_name < 4 else name[: room_for_name - 1] + "…"
            bold = Style(bold=True) if focused is not None and starting[0].id == focused.id else Style()
            bars.append(RichSegment(" " + name, self._code_colour(starting[0].code_id) + bold))
            bars.append(RichSegment(extra, self.get_component_rich_style("reader--margin")))
        segs.extend(bars)
        return Strip(segs).adjust_cell_length(width, base)
