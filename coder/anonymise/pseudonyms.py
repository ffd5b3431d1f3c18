"""Pseudonyms: the tag each kind of identifier gets, where an identifier occurs, and how offsets move.

Pure functions over text; :mod:`coder.anonymise.check` applies them to the project.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from coder.anonymise import detect

PREFIX = {
    "PER": "NAVN",
    "LOC": "STED",
    "GPE": "STED",
    "ORG": "ORG",
    "EMAIL": "E-POST",
    "PHONE": "TELEFON",
    "FNR": "FØDSELSNUMMER",
    "DOB": "DATO",
    "ADDRESS": "ADRESSE",
}
TAG = re.compile(r"\[(?:NAVN|STED|ORG|E-POST|TELEFON|FØDSELSNUMMER|DATO|ADRESSE) \d+\]")
NAME_KINDS = ("PER", "LOC", "GPE", "ORG")


def tag(kind: str, number: int) -> str:
    return f"[{PREFIX[kind]} {number}]"


def next_number(kind: str, tags: list[str]) -> int:
    """The next free number for ``kind``'s prefix among the tags already given."""
    prefix = f"[{PREFIX[kind]} "
    used = [int(t[len(prefix) : -1]) for t in tags if t.startswith(prefix) and t[len(prefix) : -1].isdigit()]
    return max(used, default=0) + 1


def occurrences(kind: str, text: str, key: str) -> Callable[[str], list[tuple[int, int]]]:
    """A function that finds every occurrence of one identifier in a text, as ``(start, end)`` spans.

    Names, places, organisations and addresses: the words as written (case-sensitive), whole words,
    any whitespace between them (a name may be wrapped over two lines); a genitive ``s`` after it stays
    outside the span, so ``Hansens`` becomes ``[NAVN 1]s``. E-mail: case-insensitive. Phone and
    fødselsnummer: the same digits in any grouping. Date of birth: only where it is given as one
    (``født …``), so the same year elsewhere is left alone.
    """
    if kind in ("PHONE", "FNR"):
        sep = r"[ \u00a0.-]?"
        digits = sep.join(key)
        prefix = r"(?:(?:\+|00)\s?47[ \u00a0.-]?)?" if kind == "PHONE" else ""
        pattern = re.compile(rf"(?<![\d+]){prefix}{digits}(?!\d)")
    elif kind == "EMAIL":
        pattern = re.compile(rf"(?<![\w.+-]){re.escape(text)}(?![\w@-])", re.I)
    elif kind == "DOB":
        return lambda s: [(f.start, f.end) for f in detect.dates_of_birth(s) if f.key == key]
    else:
        words = r"\s+".join(re.escape(w) for w in text.split())
        pattern = re.compile(rf"(?<![\w@.-]){words}(?=s?(?![\w@-]))")

    def find(s: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in pattern.finditer(s)]

    return find


@dataclass(frozen=True)
class Edit:
    """``text[start:end]`` of the old text became ``new_start:new_end`` of the new one."""

    start: int
    end: int
    new_start: int
    new_end: int


def replace_spans(text: str, spans: list[tuple[int, int]], replacement: str) -> tuple[str, list[Edit]]:
    """Replace non-overlapping ``spans`` of ``text``; return the new text and where each span went."""
    out: list[str] = []
    edits: list[Edit] = []
    at = shift = 0
    for start, end in sorted(spans):
        if start < at:
            continue  # overlaps the previous span: already replaced
        out.append(text[at:start])
        new_start = start + shift
        out.append(replacement)
        edits.append(Edit(start, end, new_start, new_start + len(replacement)))
        shift += len(replacement) - (end - start)
        at = end
    out.append(text[at:])
    return "".join(out), edits


class OffsetMap:
    """Moves offsets of the old text to the new one. An offset inside a replaced span snaps to its edges:
    a start to the start of the replacement, an end to its end, so a coding that began or ended inside
    a name now holds the whole tag, and no span becomes empty."""

    def __init__(self, edits: list[Edit]):
        self.edits = edits
        self._ends = [e.end for e in edits]

    def _last_before(self, p: int) -> int:
        """Index of the last edit that ends at or before ``p`` (-1 if none)."""
        return bisect.bisect_right(self._ends, p) - 1

    def start(self, p: int) -> int:
        return self._map(p, snap_to_end=False)

    def end(self, p: int) -> int:
        return self._map(p, snap_to_end=True)

    def _map(self, p: int, snap_to_end: bool) -> int:
        """``p`` in the new text; a ``p`` inside a replaced span snaps to the tag's start or end."""
        i = self._last_before(p)
        nxt = self.edits[i + 1] if i + 1 < len(self.edits) else None
        if nxt is not None and nxt.start < p:
            return nxt.new_end if snap_to_end else nxt.new_start
        return p if i < 0 else p - self.edits[i].end + self.edits[i].new_end
