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
    hits: int | None = None  # the hits the spans come from (None: one span a hit)
    skipped: int = 0  # interviewer turns among the hits, left out

    def title(self) -> str:
        """The picker's title: the same count the search screen showed."""
        n = len(self.spans) if self.hits is None else self.hits
        said = f"Code {n:,} {'hit' if n == 1 else 'hits'}"
        if self.hits is not None and len(self.spans) != self.hits:
            said += f" ({len(self.spans):,} passages)"
        if self.skipped:
            said += f", {self.skipped:,} interviewer {'turn' if self.skipped == 1 else 'turns'} skipped,"
        return said + " as…"

    def done(self, coded: int, label: str) -> str:
        """What the header says once they are coded: how many of how many, and what was left out."""
        said = f"coded {coded:,} of {len(self.spans):,} {'passage' if len(self.spans) == 1 else 'passages'} as {label}"
        return said + (f" · {self.skipped:,} interviewer turns skipped" if self.skipped else "")
