"""What the reader holds and where its cursor can go: the shown source and the selection arithmetic.

Pure functions over the source text, its segments and the line layout, no Textual: the reader widget keeps the
state (cursor, anchors, caret) and asks these where a key takes it, so each move can be tested without a screen.
Offsets are character offsets into the source text; segment indexes are positions in ``Shown.segments``.
"""

from __future__ import annotations

from dataclasses import dataclass

from coder.model import Coding, Segment
from coder.spans import next_word_end, prev_word_start, snap_words
from coder.tui.reader_layout import Layout, segment_at


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


# -- what is selected ---------------------------------------------------------------------------------------
def word_selection(text: str, anchor: int, caret: int) -> tuple[int, int] | None:
    """Span mode: the words between the anchor and the caret (at least one character), or None if empty."""
    a, b = sorted((anchor, caret))
    start, end = snap_words(text, a, max(b, a + 1))
    return (start, end) if end > start else None


def segment_selection(text: str, segments: list[Segment], cursor: int, anchor: int | None) -> tuple[int, int] | None:
    """Segment mode: the words of the segments from the anchor (the cursor alone when None) to the cursor."""
    a, b = sorted((cursor, anchor if anchor is not None else cursor))
    start, end = snap_words(text, segments[a].start, segments[b].end)
    return (start, end) if end > start else None


def selected_segments(cursor: int, anchor: int | None, only: list[int] | None) -> list[int]:
    """The segment indexes from the anchor to the cursor that are shown (``only``: the shown ones, None: all)."""
    a, b = sorted((cursor, anchor if anchor is not None else cursor))
    shown = set(only) if only is not None else None
    return [i for i in range(a, b + 1) if shown is None or i in shown]


def overlapping(codings: list[Coding], start: int, end: int) -> list[Coding]:
    """The codings that overlap ``[start, end)``, in order of place, shortest first where they start together."""
    here = [c for c in codings if c.start < end and c.end > start]
    return sorted(here, key=lambda c: (c.start, c.end - c.start, c.id))


# -- moving by segment ------------------------------------------------------------------------------------------
def shown_indexes(count: int, only: list[int] | None) -> list[int]:
    """The segment indexes shown, in order: ``only`` if the segments are filtered, else all ``count`` of them."""
    return only if only is not None else list(range(count))


def step(count: int, only: list[int] | None, seg: int, delta: int) -> int:
    """The shown segment ``delta`` steps from ``seg``, stopping at the first and the last."""
    order = shown_indexes(count, only)
    if not order:
        return seg
    try:
        at = order.index(seg) if only is not None else seg
    except ValueError:
        at = 0
    return order[max(0, min(len(order) - 1, at + delta))]


def page_target(layout: Layout, cursor: int, direction: int, height: int) -> int:
    """The segment on the line ``height`` lines up or down from the cursor's segment (a gap counts as above)."""
    y = layout.line_of(cursor) + direction * height
    y = max(0, min(len(layout.lines) - 1, y))
    line = layout.lines[y]
    while line.seg < 0 and y > 0:
        y -= 1
        line = layout.lines[y]
    return line.seg


# -- moving by word (span mode) ------------------------------------------------------------------------------------
def word_step(text: str, anchor: int, caret: int, delta: int) -> tuple[int, int]:
    """The one-word selection ``(anchor, caret)`` after the one between anchor and caret, or before it."""
    if delta > 0:
        end = next_word_end(text, caret)
        start = prev_word_start(text, end)
    else:
        start = prev_word_start(text, min(caret, anchor))
        end = next_word_end(text, start)
    return start, end


def word_extend(text: str, anchor: int, caret: int, delta: int) -> int:
    """The caret moved a word on (``delta`` > 0) or back; never onto the anchor (an empty selection)."""
    caret = next_word_end(text, caret) if delta > 0 else prev_word_start(text, caret)
    if caret == anchor:
        caret = next_word_end(text, caret) if delta < 0 else prev_word_start(text, caret)
    return caret


def caret_y(layout: Layout, segments: list[Segment], caret: int) -> int:
    """The screen line the caret is on."""
    return layout.line_of(segment_at(segments, caret), caret)


def line_step(
    layout: Layout, text: str, y: int, anchor: int, caret: int, delta: int, extend: bool
) -> tuple[int, int] | None:
    """Span mode, a line up or down from line ``y`` (the caret's), keeping the column: the new ``(anchor,
    caret)``; ``extend`` moves only the caret, else the word there is selected. None past the first or last line."""
    line = layout.lines[y]
    column = caret - line.start if line.seg >= 0 else 0
    y2 = y + delta
    while 0 <= y2 < len(layout.lines) and layout.lines[y2].seg < 0:
        y2 += delta
    if not 0 <= y2 < len(layout.lines):
        return None
    target = layout.lines[y2]
    pos = min(target.start + column, target.end)
    if extend:
        return anchor, (next_word_end(text, pos) if pos > anchor else prev_word_start(text, pos))
    start = prev_word_start(text, min(pos + 1, target.end), target.start)
    return start, next_word_end(text, start)


# -- scrolling ------------------------------------------------------------------------------------------------------
def scroll_target(top: int, bottom: int, y: int, height: int, center: bool = False) -> int:
    """The scroll offset that shows lines ``top``…``bottom`` from offset ``y``, moving as little as it can
    (``center``: with ``top`` a third of the way down)."""
    if center:
        return max(top - height // 3, 0)
    if top < y:
        return top
    if bottom >= y + height:
        return min(top, bottom - height + 1)
    return y
