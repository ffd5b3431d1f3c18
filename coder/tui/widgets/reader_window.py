"""Which of a long source's shown segments the reader lays out: a window of them around the cursor.

A question of 50,000 answers wraps to some 200,000 screen lines. Laying them all out took a quarter of a second at
every open, filter and resize — for a screen that draws forty. So a source of more than :data:`SPAN` shown segments
is laid out :data:`SPAN` at a time around the cursor, and laid out again, the view held still, when the cursor or the
view comes within :data:`MARGIN` segments of an edge that is not the source's own. The scrollbar spans the window;
the status line says where the cursor is in the whole («12345/50000»). A source of up to :data:`SPAN` shown segments
(every interview, most questions) is laid out whole, as before.

Pure functions over positions in the shown order (a segment index when nothing is filtered, its place in the
filter's list when something is), no Textual.
"""

from __future__ import annotations

from bisect import bisect_left

SPAN = 4_000  # shown segments laid out at a time: 4,000 answers lay out in about 15 ms
MARGIN = 500  # segments from an edge at which the window moves (a page moves a few dozen)


def position(only: list[int] | None, segment: int) -> int:
    """The place of segment index ``segment`` in the shown order (``only``: the shown indexes, ascending)."""
    return segment if only is None else bisect_left(only, segment)


def around(count: int, pos: int) -> tuple[int, int]:
    """The window ``[lo, hi)`` of the ``count`` shown segments to lay out with ``pos`` in its middle."""
    lo = max(0, min(pos - SPAN // 2, count - SPAN))
    return lo, min(count, lo + SPAN)


def must_move(window: tuple[int, int], count: int, pos: int) -> bool:
    """Whether ``pos`` is outside the window or within :data:`MARGIN` of an edge that more segments lie beyond."""
    lo, hi = window
    return not lo <= pos < hi or (lo > 0 and pos - lo < MARGIN) or (hi < count and hi - pos <= MARGIN)
