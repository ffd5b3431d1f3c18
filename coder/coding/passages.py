"""Retrieval's passages: codings of the same code that overlap or nest are one passage.

A whole turn coded Ventetid and a sentence inside it coded Ventetid again are one stretch of text about waiting,
not two: retrieval lists (and counts) it once, as the stretch they cover together. The first coding of the stretch
stands for it (its id is the passage's: quote marks, memos and exports act on it); ``members`` keeps them all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coder.store.codings import Retrieved


@dataclass
class Merged:
    """One passage: ``passage`` spans what ``members`` (coding ids, the first the one that stands for it) cover."""

    passage: Retrieved
    members: list[int]


def merge_passages(passages: list[Retrieved]) -> list[Retrieved]:
    """``passages`` (in source order, as ``Project.retrieve`` gives them) with the overlapping or nested codings of
    one code in one source joined into one :class:`Retrieved` spanning them all (a ★ when any of them has one).
    The joined ones keep the id of the first (the widest where two start together); :func:`merged` has them all."""
    return [m.passage for m in merged(passages)]


def merged(passages: list[Retrieved]) -> list[Merged]:
    out: list[Merged] = []
    open_at: dict[tuple[int, str], Merged] = {}  # (source, code) → the passage still open for joining
    for p in sorted(passages, key=lambda p: (p.coding.source_id, p.coding.start, -p.coding.end)):
        key = (p.coding.source_id, p.coding.code_id)
        last = open_at.get(key)
        if last is not None and p.coding.start < last.passage.coding.end:
            a = last.passage
            if p.coding.end > a.coding.end:
                text = a.text + p.text[a.coding.end - p.coding.start :]
                a = replace(a, coding=replace(a.coding, end=p.coding.end), text=text)
            last.passage = replace(a, quote=a.quote or p.quote)
            last.members.append(p.coding.id)
            continue
        open_at[key] = Merged(p, [p.coding.id])
        out.append(open_at[key])
    # retrieval's order (interviews, then surveys, then documents), by each passage's first coding
    position = {p.coding.id: i for i, p in enumerate(passages)}
    return sorted(out, key=lambda m: position[m.members[0]])
