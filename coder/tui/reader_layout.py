"""Lay a source's segments out as screen lines, keeping every line's character offsets.

Pure Python, no Textual: the reader draws only the lines on screen from this table
(Toolong's way), and turns a screen position back into a character offset with it.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from rich.cells import cell_len

from coder.model import Segment


class Line(NamedTuple):
    """One screen line: ``text[start:end]`` of segment ``seg`` (-1 for the gap between segments). A named tuple,
    made in C: a question of 50,000 answers lays out some 200,000 of them, and a frozen dataclass took three times
    as long to make."""

    seg: int
    start: int
    end: int
    first: bool  # the segment's first line (gets the speaker)
    index_in_seg: int = 0


GAP = Line(-1, 0, 0, False)
_NOT_NARROW = re.compile("[^ -\u02ff]")  # a character that may not take exactly one cell (or a line break)


def wrap(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Break ``text[start:end]`` into spans of at most ``width`` cells, at spaces where possible.
    A line break in the text always breaks; the spaces at a break belong to no line."""
    width = max(width, 4)
    out: list[tuple[int, int]] = []
    if _NOT_NARROW.search(text, start, end) is None:  # one paragraph of one-cell characters: most answers
        _wrap_narrow(text, start, end, width, out)
        return out or [(start, start)]
    para = start
    while para <= end:
        nl = text.find("\n", para, end)
        stop = end if nl == -1 else nl
        _wrap_paragraph(text, para, stop, width, out)
        if nl == -1:
            break
        para = nl + 1
    return out or [(start, start)]


def _wrap_paragraph(text: str, start: int, end: int, width: int, out: list[tuple[int, int]]) -> None:
    if start >= end:
        return
    if _NOT_NARROW.search(text, start, end) is None:
        _wrap_narrow(text, start, end, width, out)
        return
    line_start = start
    cells = 0
    last_space = -1
    i = start
    while i < end:
        ch = text[i]
        w = 1 if " " <= ch < "\u0300" else cell_len(ch)
        if ch == " ":
            last_space = i
        if cells + w > width and i > line_start:
            if last_space > line_start:
                out.append((line_start, last_space))
                i = last_space + 1
            else:  # one word longer than the line: cut it
                out.append((line_start, i))
            while i < end and text[i] == " ":
                i += 1
            line_start = i
            cells = 0
            last_space = -1
            continue
        cells += w
        i += 1
    if line_start < end:
        out.append((line_start, end))


def _wrap_narrow(text: str, start: int, end: int, width: int, out: list[tuple[int, int]]) -> None:
    """:func:`_wrap_paragraph` where every character takes one cell (Norwegian text nearly always): the same breaks,
    found with ``str.rfind`` a line at a time instead of a character at a time — a survey question of 50,000
    answers is laid out in a fraction of the time."""
    line_start = start
    while end - line_start > width:
        space = text.rfind(" ", line_start + 1, line_start + width + 1)
        if space == -1:  # one word longer than the line: cut it
            out.append((line_start, line_start + width))
            i = line_start + width
        else:
            out.append((line_start, space))
            i = space + 1
        while i < end and text[i] == " ":
            i += 1
        line_start = i
    if line_start < end:
        out.append((line_start, end))


@dataclass
class Layout:
    """The lines of one source at one width, and where each segment starts among them."""

    lines: list[Line]
    seg_first_line: list[int]  # segment index → its first line
    width: int
    starts: list[int]  # line → the offset it starts at (a gap line: that of the line before), for bisecting

    @classmethod
    def build(
        cls,
        text: str,
        segments: list[Segment],
        width: int,
        visible: list[int] | None = None,
        window: tuple[int, int] | None = None,
    ) -> Layout:
        """``visible``: the indexes of the segments to show (all when None), e.g. filtered answers; ``window``: lay
        out only the shown ones at places ``[lo, hi)`` of that order (coder/tui/widgets/reader_window.py)."""
        lines: list[Line] = []
        starts: list[int] = []
        add, mark = lines.append, starts.append  # the loop runs once per line: 200,000 times for 50,000 answers
        first = [-1] * len(segments)
        order = range(len(segments)) if visible is None else visible
        if window is not None:
            order = order[window[0] : window[1]]
        collecting = gc.isenabled()
        gc.disable()  # the lines are tuples the collector would walk again and again as they are made: 3× slower
        try:
            for n, i in enumerate(order):
                seg = segments[i]
                spans = wrap(text, seg.start, seg.end, width)
                if n:
                    add(GAP)
                    mark(starts[-1])
                first[i] = len(lines)
                a, b = spans[0]
                add(Line(i, a, b, True, 0))
                mark(a)
                for k in range(1, len(spans)):
                    a, b = spans[k]
                    add(Line(i, a, b, False, k))
                    mark(a)
        finally:
            if collecting:
                gc.enable()
        return cls(lines, first, width, starts)

    def line_of(self, seg: int, offset: int | None = None) -> int:
        """The line that shows ``offset`` of segment ``seg`` (its first line when None)."""
        y = self.seg_first_line[seg]
        if offset is None or y < 0:
            return max(y, 0)
        while y + 1 < len(self.lines) and self.lines[y + 1].seg == seg and self.lines[y + 1].start <= offset:
            y += 1
        return y

    def seg_lines(self, seg: int) -> range:
        y = self.seg_first_line[seg]
        if y < 0:
            return range(0)
        end = y
        while end < len(self.lines) and self.lines[end].seg == seg:
            end += 1
        return range(y, end)


def offset_at(text: str, line: Line, column: int) -> int:
    """The character offset under screen column ``column`` (0 = the line's first cell)."""
    cells = 0
    for i in range(line.start, line.end):
        w = cell_len(text[i])
        if cells + w > column:
            return i
        cells += w
    return line.end


def segment_at(segments: list[Segment], offset: int) -> int:
    """The index of the segment holding ``offset`` (or the last one starting before it)."""
    starts = [s.start for s in segments]
    return max(bisect_right(starts, offset) - 1, 0)
