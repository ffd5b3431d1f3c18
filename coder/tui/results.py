"""What a screen hands back to the main screen when it closes (``Screen.dismiss(result)``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class JumpTo:
    """Show this place of a source in the reader and select it."""

    source_id: int
    start: int
    end: int


@dataclass
class CodeHits:
    """Code these ``(source_id, start, end)`` spans with a code the user picks next."""

    spans: list[tuple[int, int, int]]
    query: str = ""  # the search they are the hits of (kept with the codings: coded in bulk)
