"""coder's offsets ↔ the positions a REFI-QDA file counts.

REFI-QDA positions are zero-based, end-exclusive counts of Unicode code points in the source's
plain-text file, line ends included as they stand in the file: a CRLF is two positions. That is
how MAXQDA and QualCoder count (Python ``str`` indices are code points too). Two programs differ:
ATLAS.ti writes CRLF files but counts each CRLF as one position; NVivo counts UTF-16 code units,
so a character beyond U+FFFF (an emoji) takes two positions.

coder keeps a transcript's text without its speaker labels (they live on the segments). Other
programs have only the text, so the export writes each turn as ``IP: …`` (``[00:01:23] IP: …``
when the turn has a time) and moves every offset past the labels inserted before it; ``--crlf``
then doubles every line end for MAXQDA and moves the offsets again.

The import runs the other way, keeping at each step a map from positions in the file to offsets
in coder's text: decode, count line ends the way the exporting program did, normalise the text
as every import does (NFC, ``\\n``, no stray control characters), find the speaker turns (the
same label shapes as ``coder import``) and take the labels out of the text.
"""

from __future__ import annotations

import bisect
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from coder.ingest.turns import _LABEL as LABEL_LINE  # the label shapes the transcript importer reads
from coder.ingest.turns import Turn, find_labels, looks_like_transcript, seconds
from coder.model import Segment

_BREAKS = frozenset("\r\x0b\x0c\x85\u2028\u2029")
_CONTROL = frozenset(chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])


# -- export ------------------------------------------------------------------------------------
def clock(t: float) -> str:
    """83.5 → ``00:01:23.500``; 83.0 → ``00:01:23``: what the transcript importer reads back exactly."""
    millis = round(t * 1000)
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}" + (f".{ms:03d}" if ms else "")


def label(segment: Segment) -> str:
    """What goes before a turn in the exported text: ``IP: `` or ``[00:01:23] IP: ``."""
    if not segment.speaker:
        return ""
    stamp = f"[{clock(segment.t_start)}] " if segment.t_start is not None else ""
    return f"{stamp}{segment.speaker}: "


@dataclass
class Rendered:
    """A source's text as written into the archive, and where coder's offsets land in it."""

    text: str
    inserts: list[int] = field(default_factory=list)  # coder offsets where a label went in, ascending
    inserted: list[int] = field(default_factory=list)  # characters inserted up to and including each
    breaks: list[int] | None = None  # offsets of "\n" in the labelled text, when written as CRLF

    def start(self, offset: int) -> int:
        """A start offset: past a label inserted right there (the label is not part of the coding)."""
        return self._crlf(offset + self._shift(bisect.bisect_right(self.inserts, offset)))

    def end(self, offset: int) -> int:
        """An end offset: before a label inserted right there."""
        return self._crlf(offset + self._shift(bisect.bisect_left(self.inserts, offset)))

    def _shift(self, count: int) -> int:
        return self.inserted[count - 1] if count else 0

    def _crlf(self, position: int) -> int:
        return position if self.breaks is None else position + bisect.bisect_left(self.breaks, position)


def render(text: str, segments: list[Segment], crlf: bool = False) -> Rendered:
    """The plain text of a source for other programs: labels before turns; CRLF line ends if asked."""
    parts: list[str] = []
    inserts: list[int] = []
    inserted: list[int] = []
    at = 0
    total = 0
    for seg in sorted(segments, key=lambda s: s.start):
        tag = label(seg)
        if not tag or (inserts and inserts[-1] == seg.start):
            continue
        parts.append(text[at : seg.start])
        parts.append(tag)
        at = seg.start
        total += len(tag)
        inserts.append(seg.start)
        inserted.append(total)
    parts.append(text[at:])
    labelled = "".join(parts)
    if not crlf:
        return Rendered(labelled, inserts, inserted)
    breaks = [i for i, ch in enumerate(labelled) if ch == "\n"]
    return Rendered(labelled.replace("\n", "\r\n"), inserts, inserted, breaks)


# -- import ------------------------------------------------------------------------------------
@dataclass
class Mapped:
    """A text derived from another, with ``at[p]``: where position ``p`` of the other one is in it.
    A position inside something removed lands where the removal was. The maps are arrays of machine
    integers (8 bytes a position, not the 36 of a list of ints): a long text has one entry per character."""

    text: str
    at: Sequence[int]

    def then(self, other: Mapped) -> Mapped:
        """This map followed by ``other`` (which was made from ``self.text``)."""
        return Mapped(other.text, array("q", (other.at[p] for p in self.at)))

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """``[start, end)`` in the derived text; None if the positions are not in the original."""
        if not 0 <= start <= end < len(self.at):
            return None
        return self.at[start], self.at[end]


@dataclass(frozen=True)
class Counting:
    """How a program counted positions: a CRLF as 2 or 1, a character beyond U+FFFF as 1 or 2."""

    crlf: int = 2
    astral: int = 1

    def length(self, raw: str) -> int:
        """How many positions ``raw`` has, counted this way."""
        n = len(raw) - (raw.count("\r\n") if self.crlf == 1 else 0)
        return n + (sum(1 for ch in raw if ord(ch) > 0xFFFF) if self.astral == 2 else 0)


STANDARD = Counting()
COUNTINGS = {"standard": STANDARD, "atlas": Counting(crlf=1), "nvivo": Counting(astral=2)}


def normalised(raw: str, counting: Counting = STANDARD) -> Mapped:
    """The text as coder keeps every import (see ``ingest.decode.normalise``), mapped from the
    file's positions as ``counting`` says the program counted them."""
    out: list[str] = []
    at = array("q", [0])
    i, n = 0, len(raw)
    leading = True  # a BOM is dropped only at the very start
    while i < n:
        ch = raw[i]
        if ch == "\r" and i + 1 < n and raw[i + 1] == "\n":
            if counting.crlf == 2:
                at.append(len(out))  # the \r: nothing yet
            out.append("\n")
            at.append(len(out))
            i += 2
            leading = False
            continue
        if ch == "\ufeff" and leading:
            pass
        elif ch in _BREAKS:
            out.append("\n")
        elif ch not in _CONTROL:
            out.append(ch)
        if ch != "\ufeff":
            leading = False
        if counting.astral == 2 and ord(ch) > 0xFFFF:
            at.append(at[-1])  # the first UTF-16 unit: before the character
        at.append(len(out))
        i += 1
    text = "".join(out)
    if unicodedata.is_normalized("NFC", text):
        return Mapped(text, at)
    return Mapped(text, at).then(_nfc(text))


def _nfc(text: str) -> Mapped:
    """NFC with a map: characters that compose into one map to where it starts (ends: past it)."""
    out: list[str] = []
    at = array("q")
    size = 0
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _joins(text[i:j], text[j]):
            j += 1
        at.extend([size] * (j - i))
        composed = unicodedata.normalize("NFC", text[i:j])
        out.append(composed)
        size += len(composed)
        i = j
    at.append(size)
    result = "".join(out)
    if result != unicodedata.normalize("NFC", text):  # pragma: no cover - a composition across starters
        raise ValueError("the text cannot be normalised position by position")
    return Mapped(result, at)


def _joins(cluster: str, ch: str) -> bool:
    if unicodedata.combining(ch):
        return True
    nfc = unicodedata.normalize
    return nfc("NFC", cluster + ch) != nfc("NFC", cluster) + nfc("NFC", ch)


def without(text: str, cuts: list[tuple[int, int]]) -> Mapped:
    """``text`` with the ascending, disjoint ranges ``cuts`` taken out."""
    parts: list[str] = []
    at = array("q")
    kept = 0
    prev = 0
    for a, b in cuts:
        parts.append(text[prev:a])
        at.extend(range(kept, kept + a - prev))
        kept += a - prev
        at.extend([kept] * (b - a))
        prev = b
    parts.append(text[prev:])
    at.extend(range(kept, kept + len(text) - prev + 1))
    return Mapped("".join(parts), at)


@dataclass
class Piece:
    """A turn or paragraph found in the text: where its words are, and the label before it."""

    start: int
    end: int
    speaker: str | None = None
    t_start: float | None = None
    cut: tuple[int, int] | None = None  # the label, to take out of the text


def pieces(text: str, speakers: set[str] | None = None, turns_cross_blank_lines: bool = True) -> list[Piece]:
    """Speaker turns and paragraphs of ``text``, the way ``coder import`` finds them.

    ``speakers`` given: exactly these labels start turns (coder's own export says which);
    otherwise the labels that recur at line starts do. Text before the first turn is cut into
    paragraphs at blank lines. A turn runs to the next label (or, if not
    ``turns_cross_blank_lines``, to the next blank line)."""
    lines = text.split("\n")
    labels = set(speakers) if speakers is not None else set(find_labels(lines))
    out: list[Piece] = []
    current: Piece | None = None
    paragraph: Piece | None = None
    pos = 0
    for line in lines:
        line_start = pos
        pos += len(line) + 1
        match = LABEL_LINE.match(line[:300]) if labels else None
        if match and match["label"] in labels:
            if paragraph:
                out.append(paragraph)
                paragraph = None
            if current and current.start < current.end:
                out.append(current)
            stamp = match["ts"] or match["ts2"]
            rest = match.start("rest") if match["rest"] is not None else len(line)
            current = Piece(-1, -1, match["label"], seconds(stamp) if stamp else None, (line_start, line_start + rest))
            _extend(current, line, line_start, rest)
            continue
        if not line.strip():
            if current and not turns_cross_blank_lines:
                if current.start < current.end:
                    out.append(current)
                current = None
            if paragraph:
                out.append(paragraph)
                paragraph = None
            continue
        if current:
            _extend(current, line, line_start, 0)
        else:
            if paragraph is None:
                paragraph = Piece(-1, -1)
            _extend(paragraph, line, line_start, 0)
    if current and current.start < current.end:
        out.append(current)
    if paragraph:
        out.append(paragraph)
    return out


def _extend(piece: Piece, line: str, line_start: int, skip: int) -> None:
    """Grow ``piece`` over the words of ``line`` after its first ``skip`` characters."""
    body = line[skip:]
    words = body.strip()
    if not words:
        return
    first = line_start + skip + (len(body) - len(body.lstrip()))
    last = first + len(words)
    if piece.start < 0:
        piece.start = first
    piece.end = last


def lines_as_paragraphs(text: str) -> list[Piece]:
    """A text without blank lines (one paragraph a line, as Word and most QDA programs write it)."""
    out: list[Piece] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            piece = Piece(-1, -1)
            _extend(piece, line, pos, 0)
            out.append(piece)
        pos += len(line) + 1
    return out


@dataclass
class SourceText:
    """A source read back: coder's text, its segments, its kind, and the map from file positions."""

    kind: str
    text: str
    segments: list[Segment]
    map: Mapped


def read_back(
    raw: str,
    counting: Counting = STANDARD,
    speakers: set[str] | None = None,
    answers: list[tuple[int, int, str]] | None = None,
) -> SourceText:
    """Turn a REFI plain text into coder's text and segments.

    ``speakers``: the labels coder's own export listed (exact); None: find them as ``coder import``
    does. ``answers``: spans in file positions that belong to a case (survey answers): then the
    source is a survey and those spans are its segments."""
    norm = normalised(raw, counting)
    if answers:
        segments = []
        for start, end, case in sorted(answers):
            span = norm.span(start, end)
            if span and span[0] < span[1]:
                segments.append(Segment(span[0], span[1], case=case))
        return SourceText("survey", norm.text, segments, norm)
    found = pieces(norm.text, speakers, turns_cross_blank_lines=speakers is None)
    if speakers is not None:
        kind = "transcript" if any(p.speaker for p in found) else "document"
    else:
        turns = [Turn(p.speaker, norm.text[p.start : p.end]) for p in found]
        kind = "transcript" if looks_like_transcript(turns) else "document"
    if kind == "document":
        found = pieces(norm.text, set())
        if speakers is None and len(found) == 1 and "\n" in norm.text[found[0].start : found[0].end]:
            found = lines_as_paragraphs(norm.text)  # another program's text without blank lines
        return SourceText(kind, norm.text, [Segment(p.start, p.end) for p in found], norm)
    cut = without(norm.text, [p.cut for p in found if p.cut])
    segments = [Segment(cut.at[p.start], cut.at[p.end], p.speaker, p.t_start) for p in found]
    return SourceText(kind, cut.text, segments, norm.then(cut))
