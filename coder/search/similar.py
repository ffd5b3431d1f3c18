"""More like this: from a passage, the passages across the project most like it that do not carry a code yet.

The question is the passage's segment vector (a span over several segments: their mean; a span inside a long turn:
the turn's vector), asked of the app's :class:`~coder.search.vectors.VectorIndex`: one matrix-vector product, in which
the interviewer's turns, the passage itself and every segment a coding of the code overlaps are ruled out before the
partial sort (what the rows are is read once per index: :class:`Rows`). Only the ``k`` best are then read from the
store, fresh, for what is shown: 50 of 100,000 segments in 35-50 ms, beside 18-30 ms for the bare numpy product
in the same runs (tests/bench/bench_similar.py, 2 busy cores). Coding what was found, one passage or all of them,
is one undoable action (:func:`coder.coding.service.code_spans`).

Where there is no vector to ask with (the layer is off, the engine did not load, the passage is not embedded yet),
:class:`NotEmbedded` says so in words.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coder.coding import service as editing
from coder.errors import CoderError
from coder.model import Coding, is_interviewer
from coder.nlp import embeddings
from coder.search.vectors import VectorIndex

if TYPE_CHECKING:
    from coder.store import Project

K = 50  # passages found by default
SNIPPET = 300  # characters of a passage's text shown
SPARE = 8  # rows read beyond k, for those whose segment changed since the index was built

NOTHING_EMBEDDED = (
    "More like this compares passages by meaning, and no passage is embedded yet: the embedding runs in the "
    "background after the text analysis (or run coder embed PROJECT)."
)
NOT_EMBEDDED = (
    "This passage is not embedded yet (its text is new or changed): it will be when the background embedding "
    "has run (or run coder embed PROJECT)."
)


class NotEmbedded(CoderError):
    """More like this cannot answer: the semantic layer is off, or nothing to ask with is embedded yet."""


@dataclass
class Similar:
    """A passage found: a whole segment, with where it is, who speaks, the start of its text and the cosine."""

    segment_id: int
    source_id: int
    start: int
    end: int
    source: str
    speaker: str | None
    snippet: str
    cosine: float

    @property
    def span(self) -> tuple[int, int, int]:
        return (self.source_id, self.start, self.end)


@dataclass
class Built:
    """What :func:`build_index` made: the index, or why there is none (in words)."""

    index: VectorIndex | None
    reason: str | None = None


def layer_off(project: Project) -> str | None:
    """Why the semantic layer is off, or None when it is on."""
    if os.environ.get("CODER_SEMANTIC", "").strip() == "0":
        return "The semantic layer is off here (CODER_SEMANTIC=0): more like this and search by meaning need it."
    if not embeddings.enabled(project.setting("semantic")):
        return (
            "The semantic layer is off for this project: more like this and search by meaning need it "
            f"(coder model semantic {project.path.name} on turns it on)."
        )
    return None


def build_index(project: Project, threads: int | None = None) -> Built:
    """The index of every fresh embedding in the project (a second or two for 100,000 segments: a worker's job).
    ``threads``: the engine's thread count, should this be the process's first load of it."""
    off = layer_off(project)
    if off:
        return Built(None, off)
    loaded = embeddings.load(threads=threads)
    if loaded.embedder is None:
        return Built(None, loaded.warning)
    index = VectorIndex.build(project, loaded.embedder.key)
    rows_of(project, index)  # read here, in the builder's worker, not at the first question
    return Built(index)


def segments_under(project: Project, source_id: int, start: int, end: int) -> list[int]:
    """The segments a span of a source overlaps (a point: the segment holding it), in reading order."""
    segments = project.segments(source_id)
    if start >= end:
        return [s.id for s in segments if s.id is not None and s.start <= start < s.end][:1]
    return [s.id for s in segments if s.id is not None and s.start < end and s.end > start]


def query_vector(index: VectorIndex | None, segment_ids: Iterable[int]) -> np.ndarray:
    """The unit vector to ask with: the segments' vectors, averaged. Raises :class:`NotEmbedded` when none has one."""
    if index is None or not len(index):
        raise NotEmbedded(NOTHING_EMBEDDED)
    rows = [v for v in (index.vector(s) for s in segment_ids) if v is not None]
    if not rows:
        raise NotEmbedded(NOT_EMBEDDED)
    query = np.mean(rows, axis=0, dtype=np.float32)
    norm = float(np.linalg.norm(query))
    if norm == 0.0:
        raise NotEmbedded(NOT_EMBEDDED)
    return query / norm


class _Coded:
    """The spans one code is applied to, by source: does a segment carry the code (any coding of it overlaps)?"""

    def __init__(self, codings: Iterable[Coding]) -> None:
        self.spans: dict[int, list[tuple[int, int]]] = {}
        for c in codings:
            self.spans.setdefault(c.source_id, []).append((c.start, c.end))

    def overlaps(self, source_id: int, start: int, end: int) -> bool:
        return any(s < end and e > start for s, e in self.spans.get(source_id, ()))


@dataclass
class Rows:
    """What the lookup needs to know of each row of an index, read once per index (in the worker that builds it):
    the interviewer's rows, each source's segments by position (to find the rows a code's codings cover), and the
    sources' names. A row whose segment is gone since is in none of them; what is shown is read fresh."""

    interviewer: np.ndarray  # bool, one per row
    sources: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]  # source → starts, ends, rows; by start
    names: dict[int, str]

    @classmethod
    def read(cls, project: Project, index: VectorIndex) -> Rows:
        interviewer = np.zeros(len(index), dtype=bool)
        sources: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        names = {}
        for source in project.sources():
            names[source.id] = source.name
            segments = [s for s in project.segments(source.id) if s.id is not None]
            ids = np.array([s.id for s in segments], dtype=np.int64)
            at = np.minimum(np.searchsorted(index.ids, ids), max(len(index) - 1, 0))
            known = index.ids[at] == ids if len(index) else np.zeros(len(ids), dtype=bool)
            starts = np.array([s.start for s in segments], dtype=np.int64)
            ends = np.array([s.end for s in segments], dtype=np.int64)
            order = np.argsort(starts, kind="stable")
            keep = order[known[order]]
            sources[source.id] = (starts[keep], ends[keep], at[keep])
            talks = np.array([is_interviewer(s.speaker) for s in segments], dtype=bool)
            interviewer[at[known & talks]] = True
        return cls(interviewer, sources, names)

    def covered(self, codings: Iterable[Coding]) -> np.ndarray:
        """The rows whose segment a coding overlaps."""
        spans: dict[int, list[tuple[int, int]]] = {}
        for c in codings:
            spans.setdefault(c.source_id, []).append((c.start, c.end))
        out = [np.zeros(0, dtype=np.int64)]
        for source_id, pairs in spans.items():
            found = self.sources.get(source_id)
            if found is None:
                continue
            starts, ends, rows = found
            span = np.array(pairs, dtype=np.int64)
            first = np.searchsorted(ends, span[:, 0], side="right")  # the segments of a source do not overlap
            last = np.searchsorted(starts, span[:, 1], side="left")
            out += [rows[a:b] for a, b in zip(first.tolist(), last.tolist(), strict=True) if a < b]
        return np.concatenate(out)


_kept: tuple[weakref.ref, Rows] | None = None  # the rows of the newest index asked about


def rows_of(project: Project, index: VectorIndex) -> Rows:
    """The :class:`Rows` of ``index``, read on first need and kept while it is the index in use."""
    global _kept
    kept = _kept
    if kept is not None and kept[0]() is index:
        return kept[1]
    rows = Rows.read(project, index)
    _kept = (weakref.ref(index), rows)
    return rows


def more_like_this(
    project: Project, index: VectorIndex | None, code_id: str, segment_ids: int | Iterable[int], k: int = K
) -> list[Similar]:
    """The ``k`` segments most like ``segment_ids`` (one segment, or those under a span) that ``code_id`` is not
    applied to, best first; never the passage itself nor an interviewer's turn. Raises :class:`NotEmbedded` when
    there is nothing to ask with."""
    asked = [segment_ids] if isinstance(segment_ids, int) else list(dict.fromkeys(segment_ids))
    query = query_vector(index, asked)
    assert index is not None
    rows = rows_of(project, index)
    codings = project.codings(code_id=code_id)
    sims = index.matrix @ query
    sims[rows.interviewer] = -np.inf
    sims[rows.covered(codings)] = -np.inf
    ask = np.array(asked, dtype=np.int64)
    at = np.searchsorted(index.ids, ask)
    inside = at < len(index)
    sims[at[inside][index.ids[at[inside]] == ask[inside]]] = -np.inf
    coded = _Coded(codings)
    left = int(np.isfinite(sims).sum())
    found: list[Similar] = []
    checked: set[int] = set()
    want = min(k + SPARE, left)
    while k > 0 and want > 0:
        top = np.argpartition(-sims, want - 1)[:want]
        top = [int(i) for i in top[np.argsort(-sims[top], kind="stable")] if int(i) not in checked]
        checked.update(top)
        # read fresh: a row's segment may be gone or changed since the index was built
        texts = {t.id: t for t in project.segment_texts([int(index.ids[i]) for i in top])}
        for i in top:
            seg = texts.get(int(index.ids[i]))
            if seg is None or is_interviewer(seg.speaker) or coded.overlaps(seg.source_id, seg.start, seg.end):
                continue
            name = rows.names.get(seg.source_id)
            if name is None:
                name = rows.names[seg.source_id] = next(
                    (s.name for s in project.sources() if s.id == seg.source_id), ""
                )
            found.append(
                Similar(seg.id, seg.source_id, seg.start, seg.end, name, seg.speaker, snippet(seg.text), float(sims[i]))
            )
            if len(found) == k:
                return found
        if want >= left:
            break
        want = min(left, want * 2)
    return found


def snippet(text: str, width: int = SNIPPET) -> str:
    """The text on one line, cut at a word near ``width`` with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "…"


def coded_now(project: Project, code_id: str, found: Sequence[Similar]) -> set[int]:
    """The segments among ``found`` that ``code_id`` is applied to now (after coding some, or an undo)."""
    coded = _Coded(project.codings(code_id=code_id))
    return {f.segment_id for f in found if coded.overlaps(f.source_id, f.start, f.end)}


def code_found(project: Project, found: Sequence[Similar], code_id: str, coder: str) -> list[int]:
    """Apply ``code_id`` to each found passage (its whole segment), as one undoable action; the new codings' ids
    (a passage that has the code on that span already is skipped)."""
    if not found:
        return []
    return editing.code_spans(project, [f.span for f in found], code_id, coder)
