"""The semantic layer: how near each segment is to what each code means, as a z-score over the project.

A code's *prototype* is its label, description and keywords embedded as an E5 ``query:`` text; a segment is an E5
``passage:``. Raw cosine similarities are not comparable across codes (a code with a long, general description is
near everything) nor across segments (a long turn is near every code). So each segment's similarities are first
centred on its own mean over the codes, and then each code's centred similarity is turned into a z-score over the
project's segments: ``z = 2`` means "this segment is two standard deviations nearer this code than segments
usually are". That normalisation is what made the layer rank codes the rules miss, in a study on held-out quotes.

Pure: vectors in (from :mod:`coder.nlp.embeddings`), scores out. No SQL, no model loading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coder.model import Code

#: before any training, a unit of z counts as this much rule score in the review order (not in the yes/no decision:
#: the rules keep that until a calibration is fitted). A keyword match (0.4 and up) still comes first.
PRIOR_WEIGHT = 0.1


def prototype_text(code: Code) -> str:
    """What a code means, as one text: ``Label: description. Keywords: a, b, c``."""
    parts = [code.label.strip()]
    if code.description.strip():
        parts[0] += ":"
        parts.append(code.description.strip().rstrip(".") + ".")
    if code.keywords:
        parts.append("Nøkkelord: " + ", ".join(k.strip() for k in code.keywords if k.strip()) + ".")
    return " ".join(parts)


@dataclass
class Normaliser:
    """The project's statistics of each code's centred similarity: z = (centred − mean) / std."""

    codes: list[str]
    prototypes: np.ndarray  # codes × dim, unit vectors
    mean: np.ndarray  # per code
    std: np.ndarray  # per code

    @classmethod
    def fit(cls, codes: Sequence[str], prototypes: np.ndarray, segments: np.ndarray) -> Normaliser:
        """Statistics over ``segments`` (n × dim unit vectors), the project's segments or a sample of them."""
        centred = _centred(segments @ prototypes.T)
        if len(centred) >= 2:
            mean, std = centred.mean(axis=0), centred.std(axis=0)
        else:
            mean, std = np.zeros(len(codes)), np.ones(len(codes))
        return cls(list(codes), prototypes, mean, np.where(std > 1e-6, std, 1.0))

    def z(self, segments: np.ndarray) -> np.ndarray:
        """n × codes z-scores for ``segments`` (n × dim)."""
        if len(segments) == 0:
            return np.zeros((0, len(self.codes)), dtype=np.float32)
        return ((_centred(segments @ self.prototypes.T) - self.mean) / self.std).astype(np.float32)

    def z_dicts(self, segments: np.ndarray) -> list[dict[str, float]]:
        """Per segment, code → z (what :meth:`coder.suggest.engine.Engine.score_many` takes)."""
        return [dict(zip(self.codes, map(float, row), strict=True)) for row in self.z(segments)]


def _centred(similarities: np.ndarray) -> np.ndarray:
    return similarities - similarities.mean(axis=1, keepdims=True)


def nearest(query: np.ndarray, vectors: np.ndarray, k: int, exclude: set[int] | None = None) -> list[tuple[int, float]]:
    """The ``k`` rows of ``vectors`` most similar to ``query`` (a unit vector), best first, as (row, cosine)."""
    if len(vectors) == 0:
        return []
    sims = vectors @ query
    if exclude:
        sims = sims.copy()
        sims[list(exclude)] = -np.inf
    k = min(k, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    top = top[np.argsort(-sims[top], kind="stable")]
    return [(int(i), float(sims[i])) for i in top if np.isfinite(sims[i])]
