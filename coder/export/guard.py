"""The anonymisation guard: identifiers in exported quotes that nobody has reviewed yet.

The anonymisation check (:func:`coder.anonymise.candidates.run_check`) lists candidate identifiers with every place
they occur. An export is flagged for each *open* candidate (not dismissed, not pseudonymised) that occurs
inside a quote it prints — in the passage's span, and, for a quote with a report text, still in that text (a
name the researcher cut from the report text is no longer exported). The CLI warns and lists them, or with
``--strict`` refuses and writes nothing; the TUI warns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coder.export.passages import Quote

if TYPE_CHECKING:
    from coder.store import Project


@dataclass
class Flag:
    """An unreviewed identifier in an exported quote."""

    quote: int  # the quote's number in the export
    kind: str  # PER, LOC, PHONE …
    text: str
    source: str
    start: int  # offsets into the source's text
    end: int
    context: str


def unreviewed(project: Project, quotes: Iterable[Quote], nlp=None, candidates=None) -> list[Flag]:
    """Open candidates of the anonymisation check inside ``quotes``, in quote order.

    ``nlp``: the pipeline for names, places and organisations (None: the patterns only — e-mail, phone,
    fødselsnummer, dates of birth, addresses). ``candidates``: a check already run (the TUI's), else it runs."""
    quotes = list(quotes)
    if not quotes:
        return []
    if candidates is None:
        from coder.anonymise.check import run_check

        candidates = run_check(project, nlp)
    by_source: dict[int, list[Quote]] = {}
    for q in quotes:
        by_source.setdefault(q.source_id, []).append(q)
    flags: list[Flag] = []
    seen: set[tuple[int, str, str]] = set()
    for cand in candidates:
        if cand.status != "open":
            continue
        for hit in cand.hits:
            for q in by_source.get(hit.source_id, []):
                if not (hit.start < q.end and q.start < hit.end):
                    continue
                if q.report_text and hit.text.casefold() not in q.report_text.casefold():
                    continue
                key = (q.number, cand.kind, cand.text)
                if key not in seen:
                    seen.add(key)
                    flags.append(Flag(q.number, cand.kind, cand.text, hit.source_name, hit.start, hit.end, hit.context))
    return sorted(flags, key=lambda f: (f.quote, f.start))


def describe(flags: list[Flag]) -> list[str]:
    """One line per flag: ``Intervju 04  1831–1843  PER «Kari Nordvik»  (quote 3)``."""
    return [f"{f.source}  {f.start}–{f.end}  {f.kind} «{f.text}»  (quote {f.quote})" for f in flags]
