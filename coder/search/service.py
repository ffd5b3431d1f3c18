"""From search hits to passages to code: the matched words, their sentence, or the whole turn or answer.

NVivo calls this the "spread" of a text search query.  Coding the sentence is the usual choice for
interviews (a turn can run for minutes); for survey answers the answer itself is the natural unit.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Literal

from coder.model import Segment, is_interviewer, plural
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
    """``(source_id, start, end)`` for each passage to code, in order, overlapping ones merged. The sentences of
    the matches in one turn or answer become one passage (from the first sentence's start to the last one's end):
    two sentences of one answer are one quote, not two."""
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
            text = texts[hit.source_id] = project.source_text_cached(hit.source_id)
        sentences = [sentence_at(text, hit.start, hit.end, s) for s, _ in hit.matches]
        raw.append((hit.source_id, min(s for s, _ in sentences), max(e for _, e in sentences)))
    merged: list[tuple[int, int, int]] = []
    for source_id, start, end in sorted(set(raw)):
        if merged and merged[-1][0] == source_id and start <= merged[-1][2]:
            last = merged[-1]
            merged[-1] = (source_id, last[1], max(last[2], end))
        else:
            merged.append((source_id, start, end))
    return merged


@dataclass
class CodingPlan:
    """What "code all hits" will code: ``spans`` from ``hits`` hits; ``skipped`` interviewer turns left out."""

    spans: list[tuple[int, int, int]]
    hits: int
    skipped: int

    def describe(self) -> str:
        """``12 hits → 12 passages · 3 interviewer turns skipped`` — the one count every message uses."""
        said = f"{plural(self.hits, 'hit')}"
        if len(self.spans) != self.hits:
            said += f" → {plural(len(self.spans), 'passage')}"
        if self.skipped:
            said += f" · {plural(self.skipped, 'interviewer turn')} skipped"
        return said


def plan_coding(project: Project, hits: list[Hit], spread: Spread, interviewer: bool = False) -> CodingPlan:
    """The passages to code for ``hits``: interviewer turns left out unless ``interviewer`` (as suggestions do: the
    questions are not data), the rest by :func:`hit_spans`."""
    kept = [h for h in hits if interviewer or not is_interviewer(h.speaker)]
    return CodingPlan(hit_spans(project, kept, spread), len(kept), len(hits) - len(kept))


# -- search by lemma: inflections and compound parts beside the typed words -----------------------------------

How = Literal["word", "lemma", "compound"]
#: how a match came about, as the search screen says it
HOW_NAMES: dict[str, str] = {"word": "the word", "lemma": "a form of", "compound": "inside a compound"}
_EDGE = ".,;:!?«»“”'()[]"


@dataclass
class MarkedHit(Hit):
    """A hit of a search by words and lemmas. ``how[i]`` says how ``matches[i]`` matched: the typed word (or a word
    it begins), another form of its lemma (*gikk* for ``gå``), or a compound with it as a part
    (*henvisningspraksis* for ``praksis``: the match is the whole word); ``via[i]`` is the lemma looked up (the
    typed word for a word match) and ``found[i]`` the matched text. The snippet marks ``matches`` in order.
    A hit found by meaning alone has no ``matches``: the whole segment is what matched (and what is coded)."""

    how: tuple[How, ...] = ()
    via: tuple[str, ...] = ()
    found: tuple[str, ...] = ()
    #: the cosine similarity to the query when the hit also (or only) matched by meaning (coder.search.meaning)
    similarity: float | None = None

    def counts(self) -> dict[str, int]:
        return {kind: self.how.count(kind) for kind in ("word", "lemma", "compound") if kind in self.how}

    def reason(self) -> str:
        """Why a hit that is not a plain word match came up: ``gikk → gå``, ``praksis in henvisningspraksisen``."""
        said: list[str] = []
        for kind, lemma, text in zip(self.how, self.via, self.found, strict=True):
            if kind == "lemma":
                note = f"{text.lower()} → {lemma}" if text.lower() != lemma else f"lemma {lemma}"
            elif kind == "compound":
                note = f"{lemma} in {text.lower()}"
            else:
                continue
            if note not in said:
                said.append(note)
        return ", ".join(said[:2]) + (" …" if len(said) > 2 else "")


def as_marked(hit: Hit, query: str = "") -> MarkedHit:
    """A hit of the surface search as a :class:`MarkedHit` whose matches are all word matches."""
    if isinstance(hit, MarkedHit):
        return hit
    n = len(hit.matches)
    return MarkedHit(*_fields(hit), how=("word",) * n, via=(query,) * n, found=("",) * n)


def plain_words(query: str) -> list[str]:
    """The words of a query typed without FTS5 syntax — those are searched by lemma too; ``[]`` for a query with
    syntax (quotes, ``*``, AND/OR/NOT …), which runs exactly as typed."""
    if _SYNTAX.search(query):
        return []
    return [w for w in (word.strip(_EDGE) for word in query.split()) if w]


def ordbank_tables(load: bool = False):
    """Norsk Ordbank's full forms (coder.nlp.ordbank.forms) if they are in memory already; ``load``: read them
    now (about a second the first time; call it in a worker). None when they are not there."""
    module = sys.modules.get("coder.nlp.ordbank")
    try:
        if module is None:
            if not load:
                return None
            from coder.nlp import ordbank as module
        if not load and (getattr(module, "forms", None) is None or not module.forms.cache_info().currsize):
            return None  # not read yet, or still being imported by the worker that reads it
        return module.forms()
    except (ImportError, OSError, ValueError):  # no spacy-lookups-data: lemmas from the pipeline only
        return None


def word_lemmas(word: str, nlp=None, tables=None) -> list[str]:
    """What to look up in the lemma index for one typed word: the word itself (``praksis`` is a lemma, and the
    parts of a compound are lemmas), the pipeline's lemma of it (``gikk`` → ``gå``) and every lemma Ordbank's
    ``tables`` give the form as a noun, verb, adjective or adverb (a word alone has no context to tell which)."""
    low = word.lower()
    found = [low]
    if nlp is not None:
        try:
            doc = nlp(word)
        except Exception:  # a pipeline that cannot take a lone word: the Ordbank lookup still works
            doc = []
        if len(doc) == 1 and doc[0].lemma_:
            found.append(doc[0].lemma_.lower())
    for table in ("noun", "verb", "adj", "adv"):
        lemma = (tables or {}).get(table, {}).get(low)
        if lemma:
            found.append(lemma.lower())
    return list(dict.fromkeys(found))


def lemma_coverage(project: Project, nlp) -> tuple[int, int]:
    """``(analysed, total)`` segments: those whose cached analysis by ``nlp`` is current, of all segments."""
    from coder.nlp.annotate import pipeline_key

    return project.nlp_coverage(pipeline_key(nlp))


def _prefix(word: str) -> re.Pattern[str]:
    """A typed word as the surface search takes it: the start of a word (FTS5 prefix query)."""
    return re.compile(r"(?<!\w)" + re.escape(word) + r"\w*", re.IGNORECASE)


def marked_snippet(text: str, spans: list[tuple[int, int]], before: int = 50, after: int = 90) -> str:
    """Part of ``text`` around its first span with every span in it marked \\x01 … \\x02 (as FTS5 ``snippet``),
    cut at spaces and with … where it is cut. ``spans`` are sorted, non-overlapping offsets into ``text``."""
    first_start, first_end = spans[0]
    start = max(0, first_start - before)
    end = min(len(text), first_end + after)
    if start > 0:
        space = text.find(" ", start, first_start)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first_end, end)
        end = space if space != -1 else end
    out = ["…" if start > 0 else ""]
    at = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e or s < at:
            continue
        out += [text[at:s], "\x01", text[s:e], "\x02"]
        at = e
    out += [text[at:end], "…" if end < len(text) else ""]
    return "".join(out).strip()


def search_with_lemmas(project: Project, query: str, nlp=None, tables=None, limit: int = 500) -> list[MarkedHit]:
    """Search for the words of ``query`` and for their lemmas: a segment is a hit when every word is in it as
    typed (the start of a word, as the surface search), as another form of one of its lemmas, or as a part of a
    compound (through the NLP cache: ``project.lemma_hits``). Hits of the surface search come first in its
    order, then those found only by lemma, in reading order; each match is marked how it matched.

    ``nlp``: the loaded pipeline, to lemmatise the typed words; ``tables``: Ordbank's full forms
    (:func:`ordbank_tables`), used beside it or instead of it while it is not loaded. A query with FTS5 syntax is
    not lemmatised: its hits come back as word matches."""
    surface = project.search_hits(typed_query(query), limit)
    words = plain_words(query)
    if not words:
        return [as_marked(h, query) for h in surface]
    # per typed word: segment id → [(start, end, how, lemma)] found through the lemma index
    by_lemma: list[dict[int, list[tuple[int, int, How, str]]]] = []
    places: dict[int, int] = {}  # segment id → source id
    for word in words:
        found: dict[int, list[tuple[int, int, How, str]]] = {}
        for lemma in word_lemmas(word, nlp, tables):
            for source_id, segment_id, spans in project.lemma_hits(lemma, limit):
                places[segment_id] = source_id
                found.setdefault(segment_id, []).extend((s, e, "lemma", lemma) for s, e in spans)
        by_lemma.append(found)

    texts: dict[int, str] = {}
    segments: dict[int, dict[int, Segment]] = {}  # source id → {segment id: its segment}
    starts: dict[int, dict[int, Segment]] = {}  # source id → {segment start: its segment}

    def source_text(source_id: int) -> str:
        if source_id not in texts:
            texts[source_id] = project.source_text_cached(source_id)
            segs = project.segments_cached(source_id)
            segments[source_id] = {g.id: g for g in segs}
            starts[source_id] = {g.start: g for g in segs}
        return texts[source_id]

    patterns = [_prefix(word) for word in words]
    # A lemma match inside a word the typed word begins is a word match: only the others need their kind (the
    # word's own lemma, or one of its compound parts), read from the segment's annotation.
    unsure: set[int] = set()
    for pattern, found in zip(patterns, by_lemma, strict=True):
        for segment_id, spans in found.items():
            text = source_text(places[segment_id])
            if any(not pattern.match(text, s) for s, _, _, _ in spans):
                unsure.add(segment_id)
    annotations = project.annotations(unsure) if unsure else {}
    for found in by_lemma:
        for segment_id, spans in found.items():
            if segment_id not in unsure:
                continue
            segment = segments[places[segment_id]].get(segment_id)
            base = segment.start if segment is not None else 0
            lemma_at = {(base + t[0], base + t[1]): t[2].lower() for t in annotations.get(segment_id, {}).get("t", ())}
            found[segment_id] = [
                (s, e, "lemma" if lemma_at.get((s, e)) == lemma else "compound", lemma) for s, e, _, lemma in spans
            ]

    typed_lemmas = {word: set(word_lemmas(word, nlp, tables)) for word in words}
    kinds_seen: dict[tuple[str, str], How] = {}

    def kinds(word: str, found: str) -> How:
        key = (word, found.lower())
        if key not in kinds_seen:
            kinds_seen[key] = word_kind(word, found, typed_lemmas[word], nlp, tables)
        return kinds_seen[key]

    names: dict[int, str] | None = None
    out: list[MarkedHit] = []
    seen: set[int] = set()

    def add(source_id: int, segment: Segment, ranked: Hit | None) -> None:
        text = source_text(source_id)
        marks: list[tuple[int, int, How, str]] = []
        for word, pattern, found in zip(words, patterns, by_lemma, strict=True):
            words_at = [(m.start(), m.end()) for m in pattern.finditer(text, segment.start, segment.end)]
            marks += [(s, e, kinds(word, text[s:e]), word) for s, e in words_at]
            marks += [m for m in found.get(segment.id, ()) if not any(s < m[1] and m[0] < e for s, e in words_at)]
        if ranked is not None and ranked.matches and not any(via == word for *_, via in marks for word in words):
            marks += [(s, e, "word", query) for s, e in ranked.matches]  # the index's tokens, where the regex differs
        marks = _no_overlaps(marks)
        if not marks:
            return
        seen.add(segment.id)
        relative = [(s - segment.start, e - segment.start) for s, e, _, _ in marks]
        nonlocal names
        if ranked is not None:
            name = ranked.source
        else:
            if names is None:
                names = {s.id: s.name for s in project.sources()}
            name = names[source_id]
        out.append(
            MarkedHit(
                source_id,
                segment.start,
                segment.end,
                segment.speaker,
                name,
                marked_snippet(text[segment.start : segment.end], relative),
                tuple((s, e) for s, e, _, _ in marks),
                how=tuple(kind for _, _, kind, _ in marks),
                via=tuple(lemma for _, _, _, lemma in marks),
                found=tuple(text[s:e] for s, e, _, _ in marks),
            )
        )

    for hit in surface:
        source_text(hit.source_id)
        segment = starts[hit.source_id].get(hit.start)
        if segment is not None and segment.id not in seen:
            add(hit.source_id, segment, hit)
    rest = sorted((places[i], i) for found in by_lemma for i in found if i not in seen)
    for source_id, segment_id in dict.fromkeys(rest):
        if len(out) >= limit:
            break
        if segment_id in seen:
            continue
        source_text(source_id)
        segment = segments[source_id].get(segment_id)
        if segment is None:
            continue
        text = texts[source_id]
        # every typed word must be there: by lemma, or as typed
        if all(
            segment_id in found or pattern.search(text, segment.start, segment.end)
            for pattern, found in zip(patterns, by_lemma, strict=True)
        ):
            add(source_id, segment, None)
    return out[:limit]


def word_kind(word: str, found: str, lemmas: set[str], nlp=None, tables=None) -> How:
    """How a word the typed ``word`` begins matched, so that a match is marked (and counted) as what it is:
    ``word`` when it is the typed word (or a start of a word no dictionary knows better), ``lemma`` when it is
    another form of one of ``lemmas`` (*henvisninger* for ``henvisning``), ``compound`` when the rest of it,
    after a linking *s* or *e*, is a word of its own (*henvisningspraksisen*)."""
    low, typed = found.lower(), word.lower()
    if low == typed:
        return "word"
    if set(word_lemmas(low, nlp, tables)[1:]) & lemmas:
        return "lemma"
    rest = low[len(typed) :] if low.startswith(typed) else ""
    for part in (rest, rest[1:] if rest[:1] in ("s", "e") else ""):
        if len(part) >= 3 and any(part in (tables or {}).get(t, {}) for t in ("noun", "verb", "adj", "adv")):
            return "compound"
    return "word"


def _fields(hit: Hit) -> tuple:
    return (hit.source_id, hit.start, hit.end, hit.speaker, hit.source, hit.snippet, hit.matches)


def _no_overlaps(marks: list[tuple[int, int, How, str]]) -> list[tuple[int, int, How, str]]:
    """Sorted by place; of overlapping marks the first kept (word before lemma before compound at one place)."""
    rank = {"word": 0, "lemma": 1, "compound": 2}
    kept: list[tuple[int, int, How, str]] = []
    for mark in sorted(marks, key=lambda m: (m[0], rank[m[2]], -m[1])):
        if kept and mark[0] < kept[-1][1]:
            continue
        kept.append(mark)
    return kept
