"""``--clean``: the cleanup proposal (:mod:`coder.export.report_text`) applied to every quote of an export.

A quote with a saved report text prints that, always: the researcher's own edit wins. Every other quote prints
what :func:`~coder.export.report_text.propose` makes of its words — fillers, hesitations and the transcriber's
notes cut, a […] and a capital where the passage starts mid-sentence, a […] where it stops mid-sentence — and is
marked ``cleaned`` so the trace table says the text was cleaned automatically. Nothing is saved: the project
keeps the words as said, and an export without ``--clean`` prints them again.

Pure: the caller hands in each source's text and segments (their character spans), so this runs on what the
export has already read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

from coder.export.passages import Quote
from coder.export.report_text import passage_edges, propose

Spans = Sequence[tuple[int, int]]


def segment_bounds(spans: Spans, start: int, end: int, length: int) -> tuple[int, int]:
    """Where the segment (turn, answer, paragraph) holding ``start`` begins and the one holding ``end`` ends;
    the whole text when there are no segments. ``spans`` are sorted by start."""
    if not spans:
        return 0, length
    starts = [s for s, _ in spans]
    first_i = max(bisect_right(starts, start) - 1, 0)
    last_i = max(bisect_right(starts, max(end - 1, start)) - 1, 0)
    first = spans[first_i][0] if spans[first_i][0] <= start else 0
    last = spans[last_i][1] if spans[last_i][1] >= end else length
    return first, last


def clean_quotes(quotes: Sequence[Quote], source_text: Callable[[int], str], segments: Callable[[int], Spans]) -> int:
    """Put the proposal as the report text of each quote that has none and that it changes; returns how many."""
    done = 0
    for quote in quotes:
        if quote.report_text:
            continue
        text = source_text(quote.source_id)
        first, last = segment_bounds(segments(quote.source_id), quote.start, quote.end, len(text))
        before, words, after = text[first : quote.start], text[quote.start : quote.end], text[quote.end : last]
        mid_start, mid_end = passage_edges(before, words, after)
        proposed = propose(words, mid_start=mid_start, mid_end=mid_end, capital=True).text
        if proposed and " ".join(proposed.split()) != quote.text:
            quote.report_text = proposed
            quote.cleaned = True
            done += 1
    return done
