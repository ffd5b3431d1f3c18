"""The semantic layer over one project: the z-score normaliser fitted on the project's embedded segments, its code
queries refined by what the researcher has coded and rejected (:mod:`coder.suggest.semantic`).

Built when the suggester (re)loads — at the start, after each retraining and after a codebook edit — so the
refinement follows the researcher on the learned layer's schedule, which is the schedule ``coder eval --simulate``
measures. Type-only use of the store: the project is handed in by :mod:`coder.suggest.service`.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from coder.model import Code
from coder.nlp import embeddings
from coder.suggest.semantic import Exemplars, Normaliser, prototype_text

if TYPE_CHECKING:
    from coder.store import Project

MIN_EMBEDDED = 20  # embedded segments before the semantic layer speaks (its z-scores need a project to compare with)
FIT_SAMPLE = 5_000  # embedded segments the semantic statistics are computed from

_prototypes: dict[tuple[str, str], np.ndarray] = {}  # (model key, prototype text) → query vector: a code's text
_prototypes_lock = threading.Lock()  # is embedded once per process, not at every reload


@dataclass
class SemanticView:
    """The semantic layer over one project: its embedding model's key and the normaliser (with the refined code
    queries), and which segments refined which code (to leave each out of its own z when the calibration is
    fitted)."""

    key: str
    normaliser: Normaliser
    segments: int  # how many embedded segments the statistics came from
    judged: dict[int, dict[str, bool]] = field(default_factory=dict)  # segment → code → coded (True) / rejected

    def z(self, project: Project, segment_ids: Sequence[int]) -> dict[int, dict[str, float]]:
        """Segment id → code → z, for the segments that have a fresh embedding (the others are left out)."""
        vectors, ids = self._vectors(project, segment_ids)
        if not ids:
            return {}
        return dict(zip(ids, self.normaliser.z_dicts(vectors), strict=True))

    def z_for_training(self, project: Project, segment_ids: Sequence[int]) -> dict[int, dict[str, float]]:
        """Like :meth:`z`, but each judged segment's z for the codes it refined comes from the query without it."""
        vectors, ids = self._vectors(project, segment_ids)
        if not ids:
            return {}
        z = self.normaliser.z_left_out(vectors, [self.judged.get(i, {}) for i in ids])
        codes = self.normaliser.codes
        return {i: dict(zip(codes, map(float, row), strict=True)) for i, row in zip(ids, z, strict=True)}

    def _vectors(self, project: Project, segment_ids: Sequence[int]) -> tuple[np.ndarray, list[int]]:
        blobs = project.embeddings(self.key, segment_ids)
        ids = [i for i in segment_ids if i in blobs]
        return (embeddings.unpack([blobs[i] for i in ids]) if ids else np.zeros((0, 0))), ids


def semantic_view(
    project: Project,
    codes: Sequence[Code],
    coded: dict[int, set[str]] | None = None,
    rejected: dict[int, set[str]] | None = None,
) -> SemanticView | None:
    """The semantic layer for ``project``, or None when it is off, cannot load, or too few segments are embedded
    yet to know what "nearer than usual" means (the background job or ``coder embed`` is still at work).

    ``coded`` / ``rejected``: segment → the codes the researcher applied there / rejected there; each code's query
    is refined with the embedded ones (:meth:`~coder.suggest.semantic.Normaliser.refine`)."""
    if not codes or not embeddings.enabled(project.setting("semantic")):
        return None
    loaded = embeddings.load()
    if loaded.embedder is None:
        return None
    stored = project.embeddings(loaded.embedder.key)
    if len(stored) < MIN_EMBEDDED:
        return None
    ids = sorted(stored)
    if len(ids) > FIT_SAMPLE:  # the statistics of a few thousand segments are as good as those of all
        ids = sorted(random.Random(0).sample(ids, FIT_SAMPLE))
    key = loaded.embedder.key
    texts = [prototype_text(c) for c in codes]
    with _prototypes_lock:
        missing = [t for t in dict.fromkeys(texts) if (key, t) not in _prototypes]
        if missing:
            for t, v in zip(missing, loaded.embedder.queries(missing), strict=True):
                _prototypes[(key, t)] = np.asarray(v, dtype=np.float32)
        prototypes = np.stack([_prototypes[(key, t)] for t in texts])
    norm = Normaliser.fit([c.id for c in codes], prototypes, embeddings.unpack([stored[i] for i in ids]))
    judged: dict[int, dict[str, bool]] = {}
    for segment_id, mine in (coded or {}).items():
        if segment_id in stored:
            judged.setdefault(segment_id, {}).update(dict.fromkeys(mine, True))
    for segment_id, mine in (rejected or {}).items():
        if segment_id in stored:
            for c in mine:
                judged.setdefault(segment_id, {}).setdefault(c, False)
    if judged:
        norm = norm.refine(exemplars_of(norm, judged, stored))
        judged = {s: {c: v for c, v in mine.items() if c in norm.codes} for s, mine in judged.items()}
    return SemanticView(key, norm, len(stored), judged)


def exemplars_of(
    norm: Normaliser, judged: dict[int, dict[str, bool]], stored: dict[int, bytes]
) -> dict[str, Exemplars]:
    """Per code, the sums of the vectors of the segments coded with it and rejected for it."""
    ids = sorted(judged)
    vectors = embeddings.unpack([stored[i] for i in ids])
    dim = vectors.shape[1]
    out = {}
    for c in norm.codes:
        pos = [k for k, i in enumerate(ids) if judged[i].get(c) is True]
        neg = [k for k, i in enumerate(ids) if judged[i].get(c) is False]
        if pos or neg:
            out[c] = Exemplars.of(vectors[pos], vectors[neg], dim)
    return out
