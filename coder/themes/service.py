"""Themes in a project's open answers: group a survey question's answers (or any set of segments) by meaning,
and turn a theme into a code whose member answers wait as suggestions to accept or reject.

Reads the embedding cache (``coder embed`` or the app's background job fills it) and the NLP cache (base forms);
the grouping itself is :mod:`coder.themes.cluster`. Interviewer turns are left out; answers without a fresh
embedding are counted as *not embedded yet* and left out of the grouping. Nothing here codes anything:
:func:`theme_to_code` makes a code and stores the theme's answers as *open* suggestions for it (``suggestion`` rows
with no decision, like ``coder suggest``'s); the review queue shows them first, most typical first, until each
is accepted or rejected (``coder.suggest.service.Suggester.review_queue``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from coder.coding import service as editing
from coder.errors import CoderError
from coder.filters import Filter
from coder.model import Code, is_interviewer
from coder.nlp import embeddings
from coder.store import Project, SegmentText
from coder.themes import cluster

MIN_ANSWERS = 10  # fewer embedded answers than this are too few to group
TYPICAL = 3  # the most typical answers shown with a theme
EXAMPLES = 8  # the most typical answers kept with a theme (a tall screen shows them all)
EDGE = 2  # the least typical answers kept with a theme: where it frays
LABEL_TERMS = 3  # base forms in the label a theme proposes
MATCH_TERMS = 5  # a theme's base forms marked in its answers (the evidence the review queue shows)


@dataclass
class Theme:
    number: int  # 1 the largest
    members: list[int]  # segment ids, the most typical first
    typicality: list[float]  # each member's cosine with the theme's centre (centred space)
    terms: list[str]  # distinctive base forms, the most distinctive first
    typical: list[SegmentText]  # the most typical answers (up to EXAMPLES; the faces show TYPICAL), each text once
    copies: list[int]  # how many members say each of them word for word («Vet ikke.» × 14)
    edge: list[SegmentText] = field(default_factory=list)  # the least typical answers, the least first

    @property
    def size(self) -> int:
        return len(self.members)

    def proposed_label(self) -> str:
        """«Kapasitet, presse, bedrift»: the top base forms, as a first label the researcher edits."""
        words = self.terms[:LABEL_TERMS]
        if not words:
            return f"Tema {self.number}"
        text = ", ".join(words)
        return text[:1].upper() + text[1:]


@dataclass
class Grouping:
    title: str
    answers: int  # answers considered (interviewer turns left out)
    not_embedded: int  # of those, without a fresh embedding: left out
    themes: list[Theme] = field(default_factory=list)
    k: int = 0
    chosen: str = ""  # "given" or "silhouette"
    silhouettes: dict[int, float] = field(default_factory=dict)
    tagged: int = 0  # answers whose base forms came from the NLP cache (the others: words as written)
    seconds: float = 0.0
    note: str = ""  # why nothing was grouped

    @property
    def grouped(self) -> int:
        return sum(t.size for t in self.themes)

    def summary(self) -> str:
        """«164 answers in 5 themes (k by silhouette) · 0.2 s» and what was left out."""
        if not self.themes:
            return self.note
        how = "k given" if self.chosen == "given" else "k by silhouette"
        parts = [f"{_plural(self.grouped, 'answer')} in {_plural(len(self.themes), 'theme')} ({how})"]
        if self.not_embedded:
            parts.append(f"{self.not_embedded:,} not embedded yet")
        if self.tagged < self.grouped:
            parts.append(f"base forms for {self.tagged:,} (the rest as written)")
        parts.append(f"{self.seconds:.1f} s")
        return " · ".join(parts)


@dataclass
class Made:
    code: Code
    suggestions: int


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


# -- which answers ------------------------------------------------------------------------------------------------
def answers_of(project: Project, source_id: int, filter: Filter | None = None) -> list[SegmentText]:
    """A source's segments the researcher codes (not the interviewer's turns), those ``filter`` lets through (as
    the reader filters a survey question's answers: the respondent's attributes and the answer's words)."""
    segments = [s for s in project.segment_texts(source_id=source_id) if not is_interviewer(s.speaker)]
    if filter is None or not filter.terms:
        return segments
    attributes = {c.name: c.attributes for c in project.cases()}
    case_of = {s.id: s.case for s in project.segments(source_id)}
    return [s for s in segments if filter.matches(attributes.get(case_of.get(s.id) or "", {}), s.text)]


def themes_for_source(project: Project, source_id: int, k: int | None = None, filter: Filter | None = None) -> Grouping:
    """The themes in a source's answers (see :func:`group`)."""
    source = next((s for s in project.sources() if s.id == source_id), None)
    if source is None:
        raise CoderError(f"no source with id {source_id}")
    title = source.name if filter is None or not filter.terms else f"{source.name} ({filter.describe()})"
    return group(project, answers_of(project, source_id, filter), k, title)


def themes_for_segments(
    project: Project, segment_ids: Sequence[int], k: int | None = None, title: str = ""
) -> Grouping:
    """The themes in these segments (interviewer turns left out)."""
    segments = [s for s in project.segment_texts(segment_ids) if not is_interviewer(s.speaker)]
    return group(project, segments, k, title or _plural(len(segments), "segment"))


def group(project: Project, segments: Sequence[SegmentText], k: int | None = None, title: str = "") -> Grouping:
    """Group ``segments`` by meaning into ``k`` themes (None: k chosen by the silhouette). A grouping without
    themes says why in ``note``: the semantic layer is off or did not load, or too few answers are embedded."""
    started = time.perf_counter()
    out = Grouping(title, len(segments), 0)
    if not embeddings.enabled(project.setting("semantic")):
        out.note = "the semantic layer is off (CODER_SEMANTIC=0 or `coder model semantic PROJECT off`)"
        return out
    loaded = embeddings.load()
    if loaded.embedder is None:
        out.note = loaded.warning or "the embedding engine did not load"
        return out
    stored = project.embeddings(loaded.embedder.key, [s.id for s in segments])
    embedded = [s for s in segments if s.id in stored]
    out.not_embedded = len(segments) - len(embedded)
    if len(embedded) < MIN_ANSWERS:
        waiting = f" ({out.not_embedded:,} not embedded yet: `coder embed` or the app does it)"
        waiting = waiting if out.not_embedded else ""
        out.note = f"{_plural(len(embedded), 'embedded answer')}{waiting}: too few to group (at least {MIN_ANSWERS})"
        return out
    vectors = embeddings.unpack([stored[s.id] for s in embedded])
    found = cluster.cluster(vectors, k)
    annotations = project.annotations([s.id for s in embedded])
    docs = [cluster.content_words(s.text, annotations.get(s.id)) for s in embedded]
    terms = cluster.distinctive(docs, [g.members for g in found.groups])
    for number, (g, words) in enumerate(zip(found.groups, terms, strict=True), 1):
        members = [embedded[i] for i in g.members]
        typical, copies = _typical(members)
        shown = {s.id for s in typical}
        edge = [s for s in reversed(members) if s.id not in shown][:EDGE]
        out.themes.append(
            Theme(
                number,
                [s.id for s in members],
                [round(float(t), 4) for t in g.typicality],
                [w for w, _ in words],
                typical,
                copies,
                edge,
            )
        )
    out.k, out.chosen, out.silhouettes = found.k, found.chosen, dict(found.silhouettes)
    out.tagged = sum(1 for s in embedded if annotations.get(s.id) is not None)
    out.seconds = time.perf_counter() - started
    return out


def _typical(members: Sequence[SegmentText]) -> tuple[list[SegmentText], list[int]]:
    """The :data:`EXAMPLES` most typical members with different words (case, spacing and punctuation aside: «Vet
    ikke.» is «vet ikke»), and how many members say each word for word."""
    same: dict[str, int] = {}
    first: dict[str, SegmentText] = {}
    for s in members:
        key = " ".join(cluster.WORDS.findall(s.text.casefold())) or s.text.strip()
        same[key] = same.get(key, 0) + 1
        first.setdefault(key, s)
    keys = list(first)[:EXAMPLES]
    return [first[k] for k in keys], [same[k] for k in keys]


# -- a theme becomes a code ---------------------------------------------------------------------------------------
def theme_to_code(project: Project, theme: Theme, label: str, coder: str, parent: str | None = None) -> Made:
    """Make a code called ``label`` and store the theme's answers as open suggestions for it, the most typical
    first, as one undoable action: undo removes the code and its open suggestions, redo brings both back. The
    suggestions are not decisions. Nothing is coded: each answer waits in the review queue to be accepted or
    rejected."""
    texts = {s.id: s.text for s in project.segment_texts(theme.members)}
    members = [(i, t) for i, t in zip(theme.members, theme.typicality, strict=True) if i in texts]
    annotations = project.annotations([i for i, _ in members])
    shown = theme.terms[:MATCH_TERMS]
    marked = set(shown)
    rows = []
    for rank, (segment_id, typicality) in enumerate(members, 1):
        evidence = {
            "rule": 0.0,
            "learned": None,
            "matches": _matches(texts[segment_id], annotations.get(segment_id), marked),
            "similar": [],
            "theme": {"rank": rank, "of": len(members), "typicality": typicality, "terms": shown},
        }
        rows.append((segment_id, _score(typicality), evidence))
    code = editing.new_code(project, label, parent, coder, suggestions=rows)
    return Made(code, len(rows))


def _score(typicality: float) -> float:
    """What an open theme suggestion is stored with: its typicality, kept inside (0, 1) (the queue orders by it)."""
    return round(float(np.clip(typicality, 0.01, 0.99)), 4)


def _matches(text: str, annotation: dict | None, terms: set[str]) -> list[list]:
    """The words of ``text`` whose base form is one of the theme's ``terms``: ``[start, end, term, "lemma"]``."""
    out: list[list] = []
    tokens = annotation.get("t") if annotation else None
    if tokens is not None:
        for start, end, lemma, *_ in tokens:
            word = (lemma or text[start:end]).lower()
            if word in terms:
                out.append([start, end, word, "lemma"])
        return out
    for found in cluster.WORD.finditer(text):
        if found.group().lower() in terms:
            out.append([found.start(), found.end(), found.group().lower(), "lemma"])
    return out
