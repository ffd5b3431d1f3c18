"""Search by meaning: the passages nearest a query in meaning, beside those its words and lemmas find.

``~lang ventetid`` finds «folk må vente i månedsvis», which shares no word with it. The query (without the ``~``)
is embedded as an E5 ``query:`` text (:meth:`coder.nlp.embeddings.Embedder.queries`) and the app's
:class:`~coder.search.vectors.VectorIndex` gives the segments nearest to it (the cosine of unit vectors). A hit by
meaning is a whole segment, marked with its similarity; no part of it matched more than another, so it is coded
whole whatever the spread (:func:`coder.search.service.hit_spans` codes a hit without matches whole).

Which segments are kept. E5's cosines are compressed: on the demo (848 segments) every query's mean similarity over
the project is 0.78–0.82 and its best 0.82–0.93, so one cut in raw cosine does not carry from one query to the next.
A segment is a hit by meaning when its similarity is

- no more than :data:`BELOW_BEST` (0.06) under the best hit. A query with sharp answers stops about where they
  thin out: «lang ventetid» (best 0.906) keeps 15 segments, 14 of them about waiting (the other: «Svært presset»);
  past them answers about waiting still come, but between «Mer tid i klasserommene», «Faste kontaktpersoner» and
  «Drøftingsmøtene». «sykefravær» and «samarbeid med skolen» keep 27. At 0.04 «lang ventetid» kept 6 and lost
  «Vi har ventetid på ca 3 mnd. Det er for lenge for et barn som strever».
- at least :data:`MARGIN` (0.02) above the query's mean similarity over the project: never a segment nearer the
  query than the average segment by less than that. It matters in a small project of one topic, where every segment
  is near every query: in a project of 24 survey answers and a short interview about PP services (the tests'),
  «lang ventetid» has its two answers about waiting 2nd and 3rd, 0.03 above the mean. A guard of 0.04 (which left
  the demo's off-topic queries 0–8 hits) left that project 0 or 1 hit a query, none for «lang ventetid»; 0.02
  keeps 2–5 there.
- among the :data:`K` (50) best: a list read to its end before «code all hits». Broad queries reach it («for få
  ansatte», «overgang fra barnehage til skole»: 8 of the demo's 11 topical queries), and the further down the list,
  the more of their hits are off the topic.

No cut tells an off-topic query: on the demo «bilreparasjon og dekk», «kattemat» … also get 36–50 hits, whose best
is 0.82–0.86 against 0.87–0.93 for the topical queries — any guard high enough to empty them empties a small
project too. The similarity is shown on each hit and the list is best first, so a weak list looks weak.

Interviewer turns are not added by meaning: a question about a topic («Hvordan er situasjonen med ventetid?») is
nearer it than most answers and would fill the top of the list. They are still found by their words.

Merged with the word and lemma hits of the same query (:func:`search`), a segment is listed once: a hit by words
keeps its marks and, when it is as near as the floor, says it matched by meaning too. The list is in order of
similarity, best first (hits whose segment is not embedded yet last, in the order the words found them).

Pure over a handed project: no SQL, no Textual.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from coder.model import is_interviewer
from coder.nlp import embeddings
from coder.search.service import MarkedHit, as_marked

if TYPE_CHECKING:
    from coder.search.vectors import VectorIndex
    from coder.store import Project
    from coder.store.sources import Hit

PREFIX = "~"  # a query that starts with it is searched by meaning too
K = 50  # at most this many segments added by meaning
MARGIN = 0.02  # a hit by meaning is at least this much above the query's mean similarity over the project …
BELOW_BEST = 0.06  # … and at most this much under the best hit
SNIPPET = 160  # characters of a hit by meaning shown (its opening: no word in it is marked)
_ASK = 4  # the index is asked for this many times K: interviewer turns are left out after

BUILDING = "by meaning: reading the project's embeddings … words and lemmas meanwhile"
EMBEDDING = "by meaning: the text is still being embedded — words and lemmas meanwhile"
NOTHING_EMBEDDED = "by meaning: nothing is embedded yet (coder embed {name} does it)"


@dataclass
class Found:
    """What :func:`search` found: the merged ``hits``, how many of them matched by meaning, the similarity a hit
    by meaning reaches at least (``floor``), and ``note``: why nothing could be searched by meaning, in words."""

    hits: list[MarkedHit]
    by_meaning: int = 0
    floor: float | None = None
    note: str | None = None
    waiting: bool = False  # the index is being built: ask again


def split_query(text: str) -> tuple[bool, str]:
    """``(by meaning, the query without the prefix)``: ``"~lang ventetid"`` → ``(True, "lang ventetid")``."""
    stripped = text.strip()
    if stripped.startswith(PREFIX):
        return True, stripped[len(PREFIX) :].strip()
    return False, stripped


def toggled(text: str) -> str:
    """The query with the meaning prefix added, or taken away."""
    meaning, rest = split_query(text)
    return rest if meaning else PREFIX + text.lstrip()


def layer_off(project: Project) -> str | None:
    """Why there is no search by meaning in this project (the semantic layer is off), or None."""
    if os.environ.get("CODER_SEMANTIC", "").strip() == "0":
        return "by meaning: off here (CODER_SEMANTIC=0) — words and lemmas only"
    if not embeddings.enabled(project.setting("semantic")):
        return f"by meaning: off for this project (coder model semantic {project.path.name} on)"
    return None


_VECTORS: dict[tuple[str, str], np.ndarray] = {}


def query_vector(embedder: embeddings.Embedder, text: str) -> np.ndarray:
    """The query as an E5 ``query:`` unit vector; the last few are kept (typing, toggling re-ask the same)."""
    key = (embedder.key, text)
    vector = _VECTORS.get(key)
    if vector is None:
        if len(_VECTORS) >= 64:
            _VECTORS.clear()
        vector = _VECTORS[key] = embedder.queries([text])[0]
    return vector


def floor(mean: float, best: float) -> float:
    """The least similarity of a hit by meaning, for a query whose mean similarity over the project is ``mean`` and
    whose best hit has ``best`` (the module's docstring says why)."""
    return max(mean + MARGIN, best - BELOW_BEST)


_CENTROID: tuple[weakref.ref, np.ndarray] | None = None


def centroid(index: VectorIndex) -> np.ndarray:
    """The mean of the index's vectors, kept for the index it was made from: the mean similarity of a query over the
    project is the query times it (one 384-product, where a pass over 100,000 vectors takes 20 ms)."""
    global _CENTROID
    if _CENTROID is None or _CENTROID[0]() is not index:
        _CENTROID = (weakref.ref(index), index.matrix.mean(axis=0, dtype=np.float32))
    return _CENTROID[1]


def nearest(
    project: Project, index: VectorIndex, vector: np.ndarray, k: int = K
) -> tuple[list[tuple[int, float]], float]:
    """The segments nearest ``vector`` that are hits by meaning, best first, as ``(segment id, similarity)``, at
    most ``k``, no interviewer turn; and the floor they clear."""
    mean = float(centroid(index) @ vector.astype(np.float32)) if len(index) else 0.0
    near = index.nearest(vector, min(len(index), _ASK * k))
    speakers = {t.id: t.speaker for t in project.segment_texts([s for s, _ in near])}
    near = [(s, sim) for s, sim in near if s in speakers and not is_interviewer(speakers[s])]
    if not near:
        return [], mean + MARGIN
    least = floor(mean, near[0][1])
    return [(s, sim) for s, sim in near if sim >= least][:k], least


def search(
    project: Project,
    index: VectorIndex | None,
    query: str,
    hits: Sequence[Hit] = (),
    embedder: embeddings.Embedder | None = None,
    k: int = K,
) -> Found:
    """``hits`` (what the words and lemmas of ``query`` found) merged with the segments nearest ``query`` in
    meaning, each listed once, best first. ``index``: the app's vector index, None while it is being built;
    ``embedder``: the loaded model (None: :func:`coder.nlp.embeddings.load`). Where there is no search by meaning
    (the layer is off, the engine did not load, nothing is embedded) ``note`` says so and the hits are the words'."""
    marked = [as_marked(h, query) for h in hits]
    off = layer_off(project)
    if off:
        return Found(marked, note=off)
    if embedder is None:
        loaded = embeddings.load()
        if loaded.embedder is None:
            return Found(marked, note=loaded.warning)
        embedder = loaded.embedder
    if index is None:
        return Found(marked, note=BUILDING, waiting=True)
    if not len(index):
        return Found(marked, note=NOTHING_EMBEDDED.format(name=project.path.name))
    if not query.strip():
        return Found(marked)
    vector = query_vector(embedder, query)
    near, least = nearest(project, index, vector, k)
    return merge(project, index, vector, marked, near, least)


def merge(
    project: Project,
    index: VectorIndex,
    vector: np.ndarray,
    marked: list[MarkedHit],
    near: list[tuple[int, float]],
    least: float,
) -> Found:
    """The word hits (``marked``) and the hits by meaning (``near``) in one list, each segment once, best first."""
    place: dict[tuple[int, int], int] = {}  # (source id, segment start) → segment id, for the word hits' sources
    for source_id in dict.fromkeys(h.source_id for h in marked):
        place.update({(source_id, g.start): g.id for g in project.segments(source_id) if g.id is not None})
    scored: list[tuple[float, int, MarkedHit]] = []
    taken: set[int] = set()
    for order, hit in enumerate(marked):
        segment_id = place.get((hit.source_id, hit.start))
        row = index.vector(segment_id) if segment_id is not None else None
        if row is None:
            scored.append((-np.inf, order, hit))
            continue
        taken.add(segment_id)
        similarity = float(row @ vector)
        scored.append((similarity, order, replace(hit, similarity=similarity) if similarity >= least else hit))
    new = [(s, sim) for s, sim in near if s not in taken]
    texts = {t.id: t for t in project.segment_texts([s for s, _ in new])}
    names = {s.id: s.name for s in project.sources()} if new else {}
    for order, (segment_id, similarity) in enumerate(new, start=len(marked)):
        seg = texts.get(segment_id)
        if seg is None:
            continue
        name = names.get(seg.source_id, "")
        hit = MarkedHit(seg.source_id, seg.start, seg.end, seg.speaker, name, opening(seg.text), similarity=similarity)
        scored.append((similarity, order, hit))
    scored.sort(key=lambda t: (-t[0], t[1]))
    hits = [hit for _, _, hit in scored]
    return Found(hits, sum(h.similarity is not None for h in hits), least)


def opening(text: str, width: int = SNIPPET) -> str:
    """The start of a segment's text on one line, cut at a space with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[:width]
    space = cut.rfind(" ", width // 2)
    return (cut[:space] if space != -1 else cut).rstrip(" ,.;:") + "…"


def coverage(index: VectorIndex | None, segments: int) -> tuple[int, int] | None:
    """``(embedded, total)`` when the index covers fewer than the project's ``segments``, else None."""
    if index is None or len(index) >= segments:
        return None
    return len(index), segments
