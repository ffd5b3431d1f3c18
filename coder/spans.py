"""Where a coding's ends may go: word, sentence and segment boundaries in a source's text.

Words are runs of non-space characters, so a span keeps the punctuation and quote marks
that cling to its words ("ventetiden øker." rather than "ventetiden øker").
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?…]+[»”\")]*(?=\s+[«“\"(]?[A-ZÆØÅ0-9])|[.!?…]+[»”\")]*\s*$")


def snap_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words and trim the white space at either end."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    if start < len(text) and not text[start].isspace():
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    if end > start and not text[end - 1].isspace():
        while end < len(text) and not text[end].isspace():
            end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def next_word_end(text: str, pos: int, limit: int | None = None) -> int:
    """The end of the word after ``pos`` (skipping white space), at most ``limit``."""
    limit = len(text) if limit is None else limit
    i = pos
    while i < limit and text[i].isspace():
        i += 1
    while i < limit and not text[i].isspace():
        i += 1
    return i


def prev_word_start(text: str, pos: int, limit: int = 0) -> int:
    """The start of the word before ``pos`` (skipping white space), at least ``limit``."""
    i = pos
    while i > limit and text[i - 1].isspace():
        i -= 1
    while i > limit and not text[i - 1].isspace():
        i -= 1
    return i


def grow_end(text: str, start: int, end: int, limit: int | None = None) -> tuple[int, int]:
    return start, next_word_end(text, end, limit)


def shrink_end(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop the last word, keeping at least one."""
    new = prev_word_start(text, end, start)
    while new > start and text[new - 1].isspace():
        new -= 1
    return (start, new) if new > start else (start, end)


def grow_start(text: str, start: int, end: int, limit: int = 0) -> tuple[int, int]:
    return prev_word_start(text, start, limit), end


def shrink_start(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop the first word, keeping at least one."""
    new = next_word_end(text, start, end)
    while new < end and text[new].isspace():
        new += 1
    return (new, end) if new < end else (start, end)


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as spans (a sentence ends at . ! ? … before a capital)."""
    out = []
    at = start
    stops = [start + m.end() for m in _SENTENCE_END.finditer(text[start:end])]
    if not stops or stops[-1] < end:
        stops.append(end)
    for stop in stops:
        s, e = at, min(stop, end)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
        at = stop
    return out


def sentence_at(text: str, start: int, end: int, pos: int) -> tuple[int, int]:
    """The sentence of segment ``[start, end)`` that holds ``pos`` (or the nearest before it)."""
    found = (start, end)
    for span in sentences(text, start, end):
        if span[0] <= pos:
            found = span
        else:
            break
    return found
