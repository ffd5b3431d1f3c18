"""The project's segment embeddings in memory, for questions by meaning: "more like this", search by meaning,
themes. Built once (in a worker: reading 100,000 vectors takes a second or two) and then asked in milliseconds.

The matrix is float32 in memory (1.5 KB a segment: 154 MB for 100,000 — numpy has no fast float16 product: a
question took 200 ms in float16 against 18 ms in float32); a question is one matrix-vector product and a partial
sort. Segments embedded later are not in it until it is built again (the app does that when the background
embedding finishes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coder.nlp import embeddings

if TYPE_CHECKING:
    from coder.store import Project


@dataclass
class VectorIndex:
    key: str  # the embedding model's key
    ids: np.ndarray  # segment ids, one per row
    matrix: np.ndarray  # rows × 384, float32, unit length

    @classmethod
    def build(cls, project: Project, key: str) -> VectorIndex:
        """Every fresh embedding by ``key`` in ``project``."""
        stored = project.embeddings(key)
        ids = np.array(sorted(stored), dtype=np.int64)
        if not len(ids):
            return cls(key, ids, np.zeros((0, embeddings.DIM), dtype=np.float32))
        return cls(key, ids, embeddings.unpack([stored[int(i)] for i in ids]))

    def __len__(self) -> int:
        return len(self.ids)

    def vector(self, segment_id: int) -> np.ndarray | None:
        """The segment's vector (float32), or None when it is not embedded (yet)."""
        at = np.searchsorted(self.ids, segment_id)
        if at < len(self.ids) and self.ids[at] == segment_id:
            return self.matrix[at]
        return None

    def nearest(
        self, query: np.ndarray, k: int = 50, exclude: Iterable[int] = (), among: Iterable[int] | None = None
    ) -> list[tuple[int, float]]:
        """The ``k`` segments most similar to ``query`` (a unit vector), best first, as (segment id, cosine);
        without the segments in ``exclude``, and only those in ``among`` when it is given."""
        if not len(self.ids) or k <= 0:
            return []
        sims = self.matrix @ query.astype(np.float32)
        if among is not None:
            keep = np.isin(self.ids, np.fromiter(among, dtype=np.int64))
            sims[~keep] = -np.inf
        skip = np.fromiter(exclude, dtype=np.int64)
        if len(skip):
            sims[np.isin(self.ids, skip)] = -np.inf
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(self.ids[i]), float(sims[i])) for i in top if np.isfinite(sims[i])]
