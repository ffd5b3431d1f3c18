"""The reader's line layout: the fast wrap for one-cell text breaks where the character-by-character one does."""

import random
import re
from bisect import bisect_right

from coder.tui import reader_layout as rl


def _slow(monkeypatch, text: str, width: int) -> list[tuple[int, int]]:
    with monkeypatch.context() as m:
        m.setattr(rl, "_NOT_NARROW", re.compile(".", re.S))  # every character «may be wide»: the general path
        return rl.wrap(text, 0, len(text), width)


def test_the_fast_wrap_breaks_where_the_general_one_does(monkeypatch):
    rng = random.Random(1)
    alphabet = "ab cdæøå  -,.\n"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        width = rng.randint(1, 30)
        assert rl.wrap(text, 0, len(text), width) == _slow(monkeypatch, text, width), (text, width)


def test_wide_characters_still_take_two_cells():
    assert rl.wrap("日本語 abc", 0, 7, 4) == [(0, 2), (2, 3), (4, 7)]


def test_the_lazy_coding_index_finds_what_the_full_one_does():
    """CodingIndex (worked out per drawn line) against index_codings (every coding's lines walked) on random layouts."""
    from coder.model import Coding, Segment
    from coder.tui.widgets.reader_draw import CodingIndex

    rng = random.Random(3)
    for _ in range(300):
        text, segments = "", []
        for _ in range(rng.randint(1, 8)):
            body = " ".join("ord" * rng.randint(1, 3) for _ in range(rng.randint(0, 12)))
            segments.append(Segment(len(text), len(text) + len(body)))
            text += body + "\n"
        layout = rl.Layout.build(text, segments, rng.randint(4, 20))
        codings = []
        for n in range(rng.randint(0, 10)):
            a = rng.randint(0, len(text))
            b = rng.randint(a, min(len(text), a + rng.randint(0, 60)))
            codings.append(Coding(n, 1, a, b, "k", "kari", "manual", ""))
        starts = layout.starts
        walked, last = [], 0  # each line's start, a gap line taking that of the line before
        for line in layout.lines:
            last = line.start if line.seg >= 0 else last
            walked.append(last)
        assert starts == walked
        full = index_codings(layout.lines, starts, codings)
        lazy = CodingIndex(layout.lines, starts, codings)
        assert [lazy.get(y) for y in range(len(layout.lines))] == [full.get(y, []) for y in range(len(layout.lines))]


def index_codings(lines: list, starts: list[int], codings: list) -> dict[int, list[int]]:
    """The oracle: for each line that has any, the indexes of the codings that touch it, by walking every coding's
    lines (what the reader did before CodingIndex)."""
    index: dict[int, list[int]] = {}
    for n, coding in enumerate(codings):
        y = max(bisect_right(starts, coding.start) - 1, 0)
        while y < len(lines) and (lines[y].seg < 0 or lines[y].start < coding.end):
            line = lines[y]
            if line.seg < 0 or line.end > coding.start or (line.start == line.end == coding.start):
                index.setdefault(y, []).append(n)
            y += 1
    # a gap line shows only the codings running on across it
    for y in [y for y in index if lines[y].seg < 0]:
        before = set(index.get(y - 1, ()))
        after = set(index.get(y + 1, ()))
        kept = [n for n in index[y] if n in before and n in after]
        if kept:
            index[y] = kept
        else:
            del index[y]
    return index
