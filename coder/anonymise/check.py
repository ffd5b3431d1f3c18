"""The anonymisation check, its deciding half and the module the faces call (``coder check``, the TUI's check
screen): dismiss a candidate or replace it by a pseudonym, allow a word, name a candidate typed by hand.

Finding the candidates (``run_check``, :class:`Candidate`, :class:`Hit`, and the rules for which entities are
dropped and how first names and surnames join their full name) is :mod:`coder.anonymise.candidates`; this module
re-exports what the faces use of it.

``dismiss`` remembers (kind, text) for the whole project; it is an undoable action. ``pseudonymise``
replaces every occurrence of the identifier in every source by one tag per identity (``[NAVN 1]``), moves
segments and codings with the text, rewrites memos, quote texts and every other stored text, refreshes the
search index, and logs what it did — the tag, counts per source and a salted hash, never the identifier.
It cannot be undone (undo would have to keep the identifier) and undo does not reach past it. A full name's
first name and surname alone are replaced by the same tag, but only in the sources where the full name occurs
(another source's «Kari» may be someone else: it stays a candidate of its own there), except where such a word
is a common word at the start of a sentence and the check did not list it as the name's hit («Per i dag …»).
Memos, quote texts and the other stored texts, whose source is not known, get the short forms replaced
wherever they occur (under the same exception): a copy of the source's words must not keep what it lost.

What is left of the old text in the file: the transaction runs with ``PRAGMA secure_delete`` (freed pages and
cells are zeroed), the FTS5 indexes are merged (``optimize``) so old terms leave their pages, and the
write-ahead log is checkpointed and truncated afterwards. ``source.hash`` (a SHA-256 of the original file's
text) is kept so re-importing the original is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coder.anonymise.candidates import (
    KIND_ORDER,
    Candidate,
    Hit,
    allow_list,
    capital_position,
    identifier_hash,
    overlaps,
    run_check,
    short_form_spans,
    short_forms,
)
from coder.anonymise.pseudonyms import NAME_KINDS, TAG, OffsetMap, next_number, occurrences, replace_spans, tag
from coder.errors import CoderError

__all__ = [
    "KIND_NAMES",
    "KIND_ORDER",
    "KIND_SINGULAR",
    "Candidate",
    "Hit",
    "NotFound",
    "PseudonymReport",
    "add_allowed",
    "allow_list",
    "candidate",
    "capital_position",
    "dismiss",
    "load_nlp",
    "pseudonymise",
    "run_check",
]

#: The kinds of identifier as the faces name them; a kind typed by hand must be one of these.
KIND_NAMES = {
    "PER": "names",
    "LOC": "places",
    "GPE": "places (political)",
    "ORG": "organisations",
    "EMAIL": "e-mail addresses",
    "PHONE": "phone numbers",
    "FNR": "fødselsnummer",
    "DOB": "dates of birth",
    "ADDRESS": "addresses",
}
KIND_SINGULAR = {
    "PER": "name",
    "LOC": "place",
    "GPE": "place (political)",
    "ORG": "organisation",
    "EMAIL": "e-mail address",
    "PHONE": "phone number",
    "FNR": "fødselsnummer",
    "DOB": "date of birth",
    "ADDRESS": "address",
}


@dataclass
class PseudonymReport:
    tag: str
    occurrences: int
    sources: int
    codings_moved: int
    other_rows: dict[str, int] = field(default_factory=dict)  # memos, quotes … rewritten, per table
    checkpointed: bool = True  # the write-ahead log was emptied into the file


class NotFound(CoderError):
    """Asked to act on an identifier that is not in the project."""


# -- the allow-list --------------------------------------------------------------------------------------
def add_allowed(project, word: str, coder: str) -> None:
    """Put ``word`` on the project's allow-list (an undoable action)."""
    word = " ".join(word.split())
    if not word:
        raise CoderError("an empty word cannot be allowed")
    words = project.allowed_words()
    if word in words:
        return
    with project.action("anonymise-allow", f"Allowed «{word}» in the anonymisation check", coder):
        project.set_allowed_words([*words, word])


# -- decisions -----------------------------------------------------------------------------------------------
def dismiss(project, candidate: Candidate, coder: str) -> None:
    """Remember that ``candidate`` is no identifier (kind and text, for the whole project); undoable."""
    key = candidate.key or candidate.text
    with project.action("anonymise-dismiss", f"Dismissed «{candidate.text}» ({candidate.kind})", coder):
        digest = identifier_hash(project.anonymise_salt(), key)
        project.decide_identifier(candidate.kind, digest, candidate.text, "dismissed", None, coder)


def pseudonymise(project, candidate: Candidate, coder: str) -> PseudonymReport:
    """Replace every occurrence of ``candidate`` in the project by its tag (one transaction); see the module
    docstring for what is rewritten and what is logged. Raises :class:`NotFound` if it occurs nowhere."""
    kind, text = candidate.kind, candidate.text
    key = candidate.key or _default_key(kind, text)
    if kind not in KIND_NAMES:
        raise CoderError(f"unknown kind {kind!r}: use one of {', '.join(KIND_NAMES)}")
    if TAG.fullmatch(text.strip()):
        raise CoderError(f"{text} is already a pseudonym")
    find = occurrences(kind, text, key)
    shorts = short_forms(text) if kind == "PER" else []
    listed = _listed_short_forms(candidate, shorts)
    secure_before = project.secure_delete(True)
    try:  # the project to itself (coder/store/lock.py): the others' writes wait, their screens say who and why
        with project.exclusive(f"{coder} is pseudonymising"), project.transaction():
            salt = project.anonymise_salt()
            digest = identifier_hash(salt, key)
            label = project.pseudonym_of(digest) or tag(kind, next_number(kind, project.pseudonym_tags()))
            report = PseudonymReport(label, 0, 0, 0)
            per_source: dict[str, int] = {}
            for sid, _name, source_text in project.anon_sources():
                spans = find(source_text)
                if not spans:
                    continue
                if shorts:  # the first name and surname alone, in the sources where the full name occurs
                    extra = short_form_spans(source_text, [text])
                    extra += [(s, e) for i, s, e in listed if i == sid and source_text[s:e] in shorts]
                    spans = sorted({*spans, *(x for x in extra if not overlaps(*x, spans))})
                new_text, edits = replace_spans(source_text, spans, label)
                moved = OffsetMap(edits)
                segments, changed = [], set()
                for seg_id, start, end in _segments_of(project, sid):
                    new = (seg_id, moved.start(start), moved.end(end))
                    segments.append(new)
                    if any(start < e.end and e.start < end for e in edits):
                        changed.add(seg_id)
                codings = []
                for coding_id, start, end in project.codings_of(sid):
                    new = (coding_id, moved.start(start), moved.end(end))
                    codings.append(new)
                    report.codings_moved += new[1:] != (start, end)
                project.rewrite_source(sid, new_text, segments, codings, changed)
                report.occurrences += len(edits)
                report.sources += 1
                per_source[str(sid)] = len(edits)
            if report.occurrences == 0:
                raise NotFound(f"«{text}» ({kind}) does not occur in the project: nothing replaced")

            def spans_in(value: str) -> list[tuple[int, int]]:
                spans = find(value)
                if shorts:  # other texts: the short forms wherever they occur (module docstring)
                    spans += [x for x in short_form_spans(value, [text]) if not overlaps(*x, spans)]
                return sorted(spans)

            def probe(value: str) -> bool:
                return bool(spans_in(value))

            def rewrite(value: str) -> str:
                return replace_spans(value, spans_in(value), label)[0]

            report.other_rows = project.scrub_texts(probe, rewrite)
            project.forget_dismissals(digest)
            project.decide_identifier(kind, digest, None, "pseudonymised", label, coder)
            project.log_barrier(
                "pseudonymise",
                {
                    "label": f"Pseudonymised a {kind} identifier as {label}",
                    "tag": label,
                    "kind": kind,
                    "hash": f"sha256(salt+text):{digest}",
                    "occurrences": report.occurrences,
                    "sources": per_source,
                    "codings_moved": report.codings_moved,
                    "other_rows": report.other_rows,
                },
                coder,
            )
            project.optimize_search_index()
            project.optimize_lemma_index()  # the lemma index kept the name's lemma in its pages too
    finally:
        project.secure_delete(secure_before)
    report.checkpointed = project.checkpoint()
    return report


def _listed_short_forms(candidate: Candidate, shorts: list[str]) -> list[tuple[int, int, int]]:
    """``(source id, start, end)`` of the candidate's hits on a first name or surname alone (the genitive ``s``
    left outside, as everywhere)."""
    out = []
    for hit in candidate.hits:
        word = hit.text
        if word not in shorts and word.endswith("s") and word[:-1] in shorts:
            out.append((hit.source_id, hit.start, hit.end - 1))
        elif word in shorts:
            out.append((hit.source_id, hit.start, hit.end))
    return out


def _segments_of(project, source_id: int) -> list[tuple[int, int, int]]:
    return [(s.id, s.start, s.end) for s in project.segments(source_id)]


def _default_key(kind: str, text: str) -> str:
    if kind in ("PHONE", "FNR"):
        digits = re.sub(r"\D", "", text)
        return digits[-8:] if kind == "PHONE" and len(digits) > 8 else digits
    if kind == "EMAIL":
        return text.lower()
    if kind in NAME_KINDS:
        return text
    return " ".join(text.split())


def candidate(kind: str, text: str) -> Candidate:
    """A candidate from what a user typed (``coder check --dismiss PER:Kari``), without running the check."""
    kind = kind.strip().upper()
    text = " ".join(text.split())
    if kind not in KIND_NAMES:
        raise CoderError(f"unknown kind {kind!r}: use one of {', '.join(KIND_NAMES)}")
    if not text:
        raise CoderError("say which text, as KIND:TEXT (e.g. PER:Kari Hansen)")
    return Candidate(kind, text, [], key=_default_key(kind, text))


def load_nlp(project):
    """The pipeline the check uses: the project's setting, an installed one, the bundled one, or blank."""
    from coder.nlp.loading import load_pipeline

    return load_pipeline(project.setting("nlp_model"))
