"""From search hits to passages to code: the matched words, their sentence, or the whole turn or answer.

NVivo calls this the "spread" of a text search query.  Coding the sentence is the usual choice for
interviews (a turn can run for minutes); for survey answers the answer itself is the natural unit.
"""

from __future__ import annotations

import re
from typing import Literal

from coder.spans import sentence_at
from coder.store import Project
from coder.store.sources import Hit

Spread = Literal["sentence", "segment", "words"]
SPREADS: tuple[Spread, ...] = ("sentence", "segment", "words")
SPREAD_NAMES = {"sentence": "the sentence", "segment": "the whole turn or answer", "words": "the words found"}


_SYNTAX = re.compile(r'["*():^]|\b(?:AND|OR|NOT|NEAR)\b')


def typed_query(text: str) -> str:
    """What a search box sends to FTS5: plain words become prefixes, so ``kapasitet`` also finds
    ``kapasiteten`` and ``kapasitetsutfordringer``; a query with FTS5 syntax (quotes, ``*``, AND/OR/NOT,
    parentheses) is left exactly as typed."""
    if _SYNTAX.search(text):
        return text
    return " ".join('"' + word.replace('"', "") + '"*' for word in text.split())


def hit_spans(project: Project, hits: list[Hit], spread: Spread) -> list[tuple[int, int, int]]:
    """``(source_id, start, end)`` for each passage to code, in order, overlapping ones merged."""
    texts: dict[int, str] = {}
    raw: list[tuple[int, int, int]] = []
    for hit in hits:
        if spread == "segment" or not hit.matches:
            raw.append((hit.source_id, hit.start, hit.end))
            continue
        if spread == "words":
            raw.extend((hit.source_id, s, e) for s, e in hit.matches)
            continue
        text = texts.get(hit.source_id)
        if text is None:
            text = texts[hit.source_id] = project.source_text(hit.source_id)
        for s, _ in hit.matches:
            start, end = sentence_at(text, hit.start, hit.end, s)
            raw.append((hit.source_id, start, end))
    merged: list[tuple[int, int, int]] = []
    for source_id, start, end in sorted(set(raw)):
        if merged and merged[-1][0] == source_id and start <= merged[-1][2]:
            last = merged[-1]
            merged[-1] = (source_id, last[1], max(last[2], end))
        else:
            merged.append((source_id, start, end))
    return merged
