"""The semantic layer: how near each segment is to what each code means, as a z-score over the project.

A code's *prototype* is its label, description and keywords embedded as an E5 ``query:`` text; a segment is an E5
``passage:``. Raw cosine similarities are not comparable across codes (a code with a long, general description is
near everything) nor across segments (a long turn is near every code). So each segment's similarities are first
centred on its own mean over the codes, and then each code's centred similarity is turned into a z-score over the
project's segments: ``z = 2`` means "this segment is two standard deviations nearer this code than segments
usually are". That normalisation is what made the layer rank codes the rules miss, in a study on held-out quotes.

Once the researcher has coded or rejected passages, each code's query is *refined* with them (Rocchio's relevance
feedback, the textbook way a search engine learns from judged results): the query moves towards the mean of the
passages coded with the code and a little away from the mean of those rejected for it, and the z-scores are fitted
again. "Near what this code means" becomes "near what this code means and what has been coded with it". Measured
with ``coder eval --simulate`` on the dev sets: WSS@95 0.52 → 0.56 and recall after 20 % 0.75 → 0.81 (documents),
without changing anything else. A passage's own vector is left out of the query when its z-score is used to fit the
calibration (:meth:`Normaliser.z_left_out`), so the calibration does not learn to trust a z that has seen the answer.

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
#: Rocchio's weights: the code's own prototype counts 1, the mean of its coded passages ALPHA, the mean of the passages
#: rejected for it −BETA (the classic proportions: positive feedback strong, negative feedback weak).
ALPHA = 1.0
BETA = 0.25


@dataclass
class Exemplars:
    """The passages judged for one code, as sums of their unit vectors: coded (positive) and rejected (negative)."""

    positive: np.ndarray
    positives: int
    negative: np.ndarray
    negatives: int

    @classmethod
    def of(cls, positive: np.ndarray, negative: np.ndarray, dim: int) -> Exemplars:
        """From the vectors (k × dim) of the coded and the rejected passages."""
        pos = positive.reshape(-1, dim)
        neg = negative.reshape(-1, dim)
        return cls(pos.sum(axis=0), len(pos), neg.sum(axis=0), len(neg))

    def query(self, prototype: np.ndarray, leave_out: np.ndarray | None = None, positive: bool = True) -> np.ndarray:
        """The refined query (a unit vector), with ``leave_out`` (one of the passages) taken out of its side."""
        pos, npos, neg, nneg = self.positive, self.positives, self.negative, self.negatives
        if leave_out is not None:
            if positive:
                pos, npos = pos - leave_out, npos - 1
            else:
                neg, nneg = neg - leave_out, nneg - 1
        q = prototype.astype(np.float64)
        if npos > 0:
            q = q + ALPHA * pos / npos
        if nneg > 0:
            q = q - BETA * neg / nneg
        norm = np.linalg.norm(q)
        return q / norm if norm > 0 else prototype


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
    """The project's statistics of each code's centred similarity: z = (centred − mean) / std.

    A segment is centred on its mean similarity to the codes' own prototypes (how near it is to the codebook as a
    whole); the code's column is its similarity to the code's query, which is the prototype itself or, refined
    with judged passages (:meth:`refine`), the Rocchio query."""

    codes: list[str]
    prototypes: np.ndarray  # codes × dim, unit vectors: what each code means in the codebook's words
    mean: np.ndarray  # per code
    std: np.ndarray  # per code
    queries: np.ndarray | None = None  # codes × dim: the refined queries (None: the prototypes)
    sample: np.ndarray | None = None  # the segments the statistics were fitted on (kept to fit refined queries)
    exemplars: dict[str, Exemplars] | None = None

    @classmethod
    def fit(cls, codes: Sequence[str], prototypes: np.ndarray, segments: np.ndarray) -> Normaliser:
        """Statistics over ``segments`` (n × dim unit vectors), the project's segments or a sample of them."""
        norm = cls(list(codes), prototypes, np.zeros(len(codes)), np.ones(len(codes)), sample=segments)
        norm.mean, norm.std = norm._statistics(prototypes)
        return norm

    def _statistics(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        segments = self.sample
        if segments is None or len(segments) < 2:
            return np.zeros(len(self.codes)), np.ones(len(self.codes))
        centred = self._similarity(segments, queries)
        std = centred.std(axis=0)
        return centred.mean(axis=0), np.where(std > 1e-6, std, 1.0)

    def _similarity(self, segments: np.ndarray, queries: np.ndarray) -> np.ndarray:
        offset = (segments @ self.prototypes.T).mean(axis=1, keepdims=True)
        return segments @ queries.T - offset

    def refine(self, exemplars: dict[str, Exemplars]) -> Normaliser:
        """A normaliser whose code queries are moved by the judged passages (Rocchio), statistics fitted again on
        the same sample. Codes without exemplars keep their prototype."""
        mine = {c: e for c, e in exemplars.items() if c in self.codes and (e.positives or e.negatives)}
        if not mine:
            return self
        queries = self.prototypes.astype(np.float64).copy()
        for c, e in mine.items():
            i = self.codes.index(c)
            queries[i] = e.query(self.prototypes[i])
        refined = Normaliser(self.codes, self.prototypes, self.mean, self.std, queries, self.sample, mine)
        refined.mean, refined.std = refined._statistics(queries)
        return refined

    def z(self, segments: np.ndarray) -> np.ndarray:
        """n × codes z-scores for ``segments`` (n × dim)."""
        if len(segments) == 0:
            return np.zeros((0, len(self.codes)), dtype=np.float32)
        queries = self.queries if self.queries is not None else self.prototypes
        return ((self._similarity(segments, queries) - self.mean) / self.std).astype(np.float32)

    def z_left_out(self, segments: np.ndarray, judged: Sequence[dict[str, bool]]) -> np.ndarray:
        """Like :meth:`z`, but where segment i is one of a code's exemplars (``judged[i]``: code → True when it is
        among the coded passages the query was refined with, False among the rejected) its z for that code comes
        from the query refined *without* it: what the layer would have said before the answer. This is what the
        calibration is fitted on."""
        out = self.z(segments)
        if not self.exemplars:
            return out
        for i, mine in enumerate(judged):
            for c, value in mine.items():
                e = self.exemplars.get(c)
                if e is None:
                    continue
                j = self.codes.index(c)
                q = e.query(self.prototypes[j], leave_out=segments[i], positive=value)
                sim = float(segments[i] @ q - (segments[i] @ self.prototypes.T).mean())
                out[i, j] = (sim - self.mean[j]) / self.std[j]
        return out

    def z_dicts(self, segments: np.ndarray) -> list[dict[str, float]]:
        """Per segment, code → z (what :meth:`coder.suggest.engine.Engine.score_many` takes)."""
        return [dict(zip(self.codes, map(float, row), strict=True)) for row in self.z(segments)]


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
