"""Drawing the reader, one screen line at a time: the gutter, the text with its marks, the margin.

A line is drawn from the layout (``coder/tui/reader_layout.py``) and what one frame shows over the text (a
:class:`Frame`): the speaker or time in the gutter, a ✎ for a segment with a memo, the text tinted by the codings
on it (the innermost one's colour, underlined if it is the focused coding), the selection and a suggestion's
evidence, then in the margin a bar per coding and the label of the one that begins on the line. The widget
(``coder/tui/widgets/reader.py``) decides what is on screen; this module only turns one line into a Strip.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment as RichSegment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from coder.model import Code, Coding, Segment, plain
from coder.tui.literal import visible
from coder.tui.reader_layout import GAP, Line
from coder.tui.shorten import distinct, fit, prefixes
from coder.tui.widgets.reader_cursor import Shown

GREY = Color(128, 128, 128)


def clock(seconds: float | None) -> str:
    """A time in the recording as ``hh:mm:ss`` ("" when there is none)."""
    if seconds is None:
        return ""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def geometry(width: int, segments: list[Segment] | None) -> tuple[int, int, int]:
    """(gutter, text, margin) widths in cells for a reader ``width`` cells wide showing ``segments``."""
    labels = 2
    if segments:
        names = {s.speaker or s.case or "" for s in segments[:2000]}
        labels = max((len(n) for n in names), default=2)
    timed = bool(segments and segments[0].t_start is not None)
    wide = width >= 70
    gutter = min(max(labels, 8 if timed and wide else 0), 12 if wide else 6) + 1
    margin = 16 if wide else 6  # narrow: a bar and a name that tells the code apart («Kap», «Kom»)
    return gutter, max(width - gutter - margin - 1, 10), margin


# -- which codings each line shows ------------------------------------------------------------------------------
class CodingIndex:
    """Which codings touch each line, worked out for a line when it is drawn and kept until the codings change.

    A question of 50,000 answers has some 200,000 lines; indexing every coding's lines up front after every coding
    (5,000 codings of one code) cost a tenth of a second per key. Here the codings are sorted by start once, with the
    running maximum of their ends, so a line finds its codings by bisecting and walking back only over codings that
    can still reach it. tests/test_reader_layout.py holds it to the plain walk over every coding's lines."""

    def __init__(self, lines: list[Line], starts: list[int], codings: list[Coding]) -> None:
        self.lines, self.starts = lines, starts
        self.order = sorted(range(len(codings)), key=lambda n: codings[n].start)
        self.begin = [codings[n].start for n in self.order]
        self.end = [codings[n].end for n in self.order]
        self.reach: list[int] = []  # the furthest end among the codings up to each, in start order
        far = -1
        for e in self.end:
            far = max(far, e)
            self.reach.append(far)
        self.first = [max(bisect_right(starts, b) - 1, 0) for b in self.begin]  # the line a coding starts on
        self._memo: dict[int, list[int]] = {}

    def get(self, y: int, default: Sequence[int] = ()) -> Sequence[int]:
        if not 0 <= y < len(self.lines):
            return default
        found = self._memo.get(y)
        if found is None:
            found = self._memo[y] = self._gap(y) if self.lines[y].seg < 0 else self._text(y)
        return found

    def _text(self, y: int) -> list[int]:
        line = self.lines[y]
        out = []
        j = bisect_right(self.begin, line.end) - 1
        while j >= 0 and self.reach[j] >= line.start:
            b, e = self.begin[j], self.end[j]
            if self.first[j] <= y and line.start < e and (line.end > b or line.start == line.end == b):
                out.append(self.order[j])
            j -= 1
        return sorted(out)

    def _gap(self, y: int) -> list[int]:
        """A gap line shows only the codings running on across it."""
        if y == 0 or y + 1 >= len(self.lines):
            return []
        after = set(self.get(y + 1))
        return [n for n in self.get(y - 1) if n in after]


# -- the colours of the codes ------------------------------------------------------------------------------------
def tint(code: Code | None, background: Color) -> Style:
    """The background coded text gets: the code's colour blended into the reader's ``background``."""
    base = background if background.a else Color(0, 0, 0)
    try:
        colour = Color.parse(code.colour) if code and code.colour else GREY
    except Exception:
        colour = GREY
    return Style(bgcolor=base.blend(colour, 0.45).rich_color)


def code_colour(code: Code | None) -> Style:
    """The code's colour as a foreground (its bars and label in the margin); plain if it has none."""
    try:
        return Style(color=Color.parse(code.colour).rich_color) if code and code.colour else Style()
    except Exception:
        return Style()


# -- one line --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Look:
    """The styles a line is drawn in: the widget's own and its component classes, and a code's tint."""

    base: Style
    speaker: Style
    time: Style
    cursor: Style
    selection: Style
    margin: Style
    tint: Callable[[str], Style]  # code id → the background of text it codes


@dataclass(frozen=True, slots=True)
class Frame:
    """What is drawn over the text: the selection, the selected segments, the focused coding, the evidence."""

    selection: tuple[int, int] | None
    selected: set[int]
    focused: Coding | None
    span_mode: bool
    cursor: int
    evidence: list[tuple[int, int]]
    evidence_style: Style | None


def message(text: str, style: Style, width: int, base: Style) -> Strip:
    """A line with a note (nothing shown, nothing matches) instead of text."""
    return Strip([RichSegment(text, style)]).adjust_cell_length(width, base)


def draw_line(
    shown: Shown,
    line: Line,
    here: list[Coding],
    frame: Frame,
    look: Look,
    widths: tuple[int, int, int],
    codes: dict[str, Code],
    width: int,
) -> Strip:
    """``line`` of ``shown``, ``width`` cells wide; ``here``: the codings on it; ``widths``: from :func:`geometry`."""
    gutter, text_width, margin = widths
    in_cursor = line.seg >= 0 and (line.seg in frame.selected or (frame.span_mode and line.seg == frame.cursor))
    row = look.base + look.cursor if in_cursor else look.base
    segs: list[RichSegment] = []
    # gutter: speaker (or respondent) on a segment's first line, its time on the second
    label = ""
    label_style = look.speaker
    if line.seg >= 0:
        seg = shown.segments[line.seg]
        if line.first:
            label = speaker_names(shown.segments, gutter - 1)[plain(seg.speaker or seg.case or "")]
        elif line.index_in_seg == 1 and seg.t_start is not None and gutter > 8:
            label = clock(seg.t_start)
            label_style = look.time
    memo_mark = line.seg >= 0 and line.first and shown.segments[line.seg].id in shown.memo_segments
    segs.append(RichSegment(label.ljust(gutter - 1), row + label_style))
    segs.append(RichSegment("✎" if memo_mark else " ", row + look.time))
    segs.extend(_text(shown.text, line, here, frame, look, row))
    used = cell_len(shown.text[line.start : line.end]) if line.seg >= 0 else 0
    segs.append(RichSegment(" " * max(text_width - used, 0) + " ", row))
    segs.extend(_margin(line, here, frame.focused, margin, codes, look))
    return Strip(segs).adjust_cell_length(width, look.base)


def _text(text: str, line: Line, here: list[Coding], frame: Frame, look: Look, row: Style) -> list[RichSegment]:
    """The line's text cut where a coding, the selection or the evidence begins or ends, each piece styled."""
    sel, focused = frame.selection, frame.focused
    cuts = {line.start, line.end}
    for c in here:
        cuts.update(p for p in (c.start, c.end) if line.start < p < line.end)
    if sel:
        cuts.update(p for p in sel if line.start < p < line.end)
    marked = [e for e in frame.evidence if e[0] < line.end and e[1] > line.start] if line.seg >= 0 else []
    for e in marked:
        cuts.update(p for p in e if line.start < p < line.end)
    points = sorted(cuts)
    pieces: list[RichSegment] = []
    for a, b in zip(points, points[1:], strict=False):
        style = row
        covering = [c for c in here if c.start <= a and c.end >= b]
        if covering:
            inner = min(covering, key=lambda c: c.end - c.start)
            style = style + look.tint(inner.code_id)
            if focused is not None and any(c.id == focused.id for c in covering):
                style = style + Style(underline=True)
        if frame.span_mode and sel and sel[0] <= a and b <= sel[1]:
            style = style + look.selection
        if marked and frame.evidence_style and any(e[0] <= a and b <= e[1] for e in marked):
            style = style + frame.evidence_style
        pieces.append(RichSegment(visible(text[a:b]), style))
    return pieces


def _margin(
    line: Line, here: list[Coding], focused: Coding | None, margin: int, codes: dict[str, Code], look: Look
) -> list[RichSegment]:
    """A bar per coding on the line (three at most), and the label of the coding that begins on it."""
    bars: list[RichSegment] = []
    ordered = sorted(here, key=lambda c: (c.start, c.id))[:3]
    for c in ordered:
        bars.append(RichSegment("▐", code_colour(codes.get(c.code_id))))
    room = margin - len(bars)
    starting = [c for c in ordered if line.start <= c.start < max(line.end, line.start + 1)]
    if starting and room >= 2:
        code = codes.get(starting[0].code_id)
        name = plain(code.label if code else starting[0].code_id)
        extra = f"+{len(starting) - 1}" if len(starting) > 1 else ""
        room_for_name = room - 1 - len(extra)
        if room_for_name < 3:  # no room to tell the codes apart: how many begin here
            name, extra = "", f"×{len(starting)}" if len(starting) > 1 else ""
        elif len(name) > room_for_name:
            name = margin_names(codes, room_for_name).get(name, name[:room_for_name])
        bold = Style(bold=True) if focused is not None and starting[0].id == focused.id else Style()
        bars.append(RichSegment(" " + name, code_colour(codes.get(starting[0].code_id)) + bold))
        bars.append(RichSegment(extra, look.margin))
    return bars


# -- names shortened so that they stay apart (coder/tui/shorten.py), worked out once per source / codebook and room --
_shortened: dict[tuple[int, int], tuple[object, dict[str, str]]] = {}


def _cached(owner: object, room: int, work: Callable[[], dict[str, str]]) -> dict[str, str]:
    key = (id(owner), room)
    hit = _shortened.get(key)
    if hit is not None and hit[0] is owner:
        return hit[1]
    if len(_shortened) > 32:
        _shortened.clear()
    names = work()
    _shortened[key] = (owner, names)
    return names


def speaker_names(segments: list[Segment], room: int) -> dict[str, str]:
    """The speakers' (or respondents') names in the gutter's ``room``, each told apart from the others («Interv…»
    and «PP-led…», never two the same); names that fit stay whole."""

    def work() -> dict[str, str]:
        names = list(dict.fromkeys(plain(s.speaker or s.case or "") for s in segments[:2000]))
        if len(names) > 300:  # respondents: each cut on its own, when first drawn
            return _Fitted(room)
        return _Fitted(room, zip(names, distinct(names, room), strict=True))

    return _cached(segments, room, work)


class _Fitted(dict):
    """Names told apart, and any name not among them (respondent 30,001 of a survey; the first 2,000 segments are
    looked at) cut to the room on its own when first asked for."""

    def __init__(self, room: int, told_apart=()) -> None:
        super().__init__(told_apart)
        self.room = room

    def __missing__(self, name: str) -> str:
        fitted = self[name] = fit(name, self.room)
        return fitted


def margin_names(codes: dict[str, Code], room: int) -> dict[str, str]:
    """The codes' labels in the margin's ``room``: the shortest prefixes that tell them apart when the room is small
    («Kap», «Kom»), else shortened together with their parents' labels."""

    def work() -> dict[str, str]:
        listed = list(codes.values())
        labels = [plain(c.label) for c in listed]
        if room < 8:
            return prefixes(labels, room)
        parents = [plain(codes[c.parent].label) if c.parent in codes else None for c in listed]
        return dict(zip(labels, distinct(labels, room, parents), strict=True))

    return _cached(codes, room, work)


def codings_on(shown: Shown, line: Line, indexes: Sequence[int]) -> list[Coding]:
    """The codings on ``line`` from their indexes (see :class:`CodingIndex`); none on the shared gap line."""
    return [shown.codings[n] for n in indexes] if line is not GAP else []
