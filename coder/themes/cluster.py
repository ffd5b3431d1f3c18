"""Themes in open answers, the pure part: answers' sentence embeddings in, groups of answers out, each with its
members from the most typical down and the base forms that set it apart. numpy only: no SQL, no Textual.

**Space.** The vectors are E5 sentence embeddings (unit length). E5 puts every text in a narrow cone (any two
answers have a cosine of 0.7–0.9), so they are *centred* first: the mean vector is subtracted and each row scaled
to length 1 again; what is left is what sets an answer apart from the others (as ``coder.suggest.semantic``
centres its similarities). Cosine is then a dot product.

**Clustering.** Spherical k-means (Dhillon & Modha 2001: assign each answer to the centroid with the highest
cosine, a centroid is its members' normalised mean), seeded by greedy k-means++ on the cosine distance and started
:data:`N_INIT` times from one fixed seed; the run with the highest total cosine is kept. The same answers in the
same order give the same themes.

**How many.** Unless ``k`` is given, every k of :data:`K_RANGE` (3…12, and at most one theme per
:data:`MIN_PER_THEME` answers) is clustered and the one with the best mean silhouette wins (Rousseeuw 1987; cosine
distance) on a fixed sample of at most :data:`SAMPLE` answers, as scikit-learn's
``silhouette_score(sample_size=…)`` does; the candidates are clustered on that sample, then all the answers with
the k chosen. On near-ties (within :data:`TIE`) the larger k wins: a researcher merges two themes more easily than
they split one.

**Typicality.** A member's cosine with its theme's centroid; members come most typical first.

**Distinctive base forms.** The weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi &
Quinn 2008, "Fightin' words"), the theme's answers against the other answers, the prior being the counts over all
answers; a word counts once per answer. Ranked by its z-score. Only content words: the lemmas the pipeline tags as
noun, proper noun, adjective or verb (``coder.suggest.features`` leaves out the same stop words), and on text the
pipeline has not tagged, words that are not function words (:data:`FUNCTION`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from coder.suggest.features import STOP

K_RANGE = range(3, 13)
MIN_PER_THEME = 5  # k is at most n // 5: a theme of two answers is no theme
SAMPLE = 1500  # answers the silhouette is computed on (a fixed sample: n² distances)
N_INIT = 3  # k-means++ starts per k; the best total cosine is kept
MAX_ITER = 100
TIE = 0.005  # silhouettes this close count as equal; then the larger k
SEED = 0

THEME_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})
MIN_LEN = 3
MIN_DOCS = 2  # a base form in fewer of a theme's answers does not describe it
TERMS = 8
#: Norwegian function words, for text the pipeline has not tagged (a tagged text leaves them out by their POS).
FUNCTION = frozenset(
    "alle andre at av bak blant både da de dem den denne der deres dere det dette din disse dit du eller en ene "
    "enn er et etter fordi fra før gjennom han hans har hun hva hvem hver hvilke hvis hvor hvordan hvorfor ikke "
    "inn jeg kan kun man med meg mellom men min mot må nei noen når når og også om opp oss over på sin sine sitt "
    "skal slik som så til uten ut var ved vi vil vår våre vårt være vært én ble blir hadde kunne skulle ville "
    "mye mange mer mest litt bare veldig også ja nå her hos inni ingen ingenting alt sånn slikt sitt seg selv "
    "dersom mens siden både enten samt altså derfor likevel ennå allerede igjen aldri alltid ofte for "
    # nynorsk
    "eg dei ikkje meir mykje noko nokon nokre berre kva korleis kvifor frå ho sjølv fleire ein eit vere vore "
    "òg no eller elles".split()
)
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
WORDS = re.compile(r"\w+")  # any word, digits too (to tell answers apart)


@dataclass
class Group:
    """One theme: the indices of its members in the input, most typical first, and each one's typicality."""

    members: np.ndarray
    typicality: np.ndarray

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Clustering:
    groups: list[Group]  # largest first
    k: int
    chosen: str  # "given" or "silhouette"
    silhouettes: dict[int, float] = field(default_factory=dict)  # k → mean silhouette (chosen automatically)

    @property
    def silhouette(self) -> float | None:
        return self.silhouettes.get(self.k)


@dataclass
class KMeans:
    labels: np.ndarray
    centroids: np.ndarray
    objective: float  # the sum of each point's cosine with its centroid
    iterations: int


# -- the space -------------------------------------------------------------------------------------------------
def unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def centred(vectors: np.ndarray) -> np.ndarray:
    """The rows less their mean, each scaled to length 1 again (float32)."""
    x = np.asarray(vectors, dtype=np.float32)
    return unit(x - x.mean(axis=0, keepdims=True)).astype(np.float32)


# -- k-means ---------------------------------------------------------------------------------------------------
def kmeans_pp(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Greedy k-means++ seeding (Arthur & Vassilvitskii 2007; greedy as scikit-learn's: each step draws
    2 + log k candidates by D² and keeps the one that lowers the potential most) on the cosine distance, which is
    half the squared distance of unit vectors: the indices of ``k`` rows. Plain k-means++ in 384 noisy dimensions
    often puts two seeds in one group (a group's own points are not much nearer each other than the rest)."""
    n = len(x)
    trials = 2 + int(np.log(max(k, 1)))
    chosen = [int(rng.integers(n))]
    distance = np.clip(1.0 - x @ x[chosen[0]], 0.0, None)
    for _ in range(1, k):
        total = float(distance.sum())
        if total <= 0:  # every point sits on a chosen one: take any not yet chosen
            rest = np.setdiff1d(np.arange(n), chosen)
            chosen.append(int(rest[0]))
            continue
        candidates = rng.choice(n, size=trials, p=distance / total)
        options = np.minimum(distance[None, :], np.clip(1.0 - x[candidates] @ x.T, 0.0, None))
        best = int(options.sum(axis=1).argmin())
        chosen.append(int(candidates[best]))
        distance = options[best]
    return np.array(chosen)


def spherical_kmeans(x: np.ndarray, k: int, seed: int = SEED, n_init: int = N_INIT, max_iter: int = MAX_ITER) -> KMeans:
    """Spherical k-means of the unit rows ``x`` into ``k`` groups; the best of ``n_init`` seeded starts."""
    n = len(x)
    k = max(1, min(k, n))
    rng = np.random.default_rng(seed)
    best: KMeans | None = None
    for _ in range(n_init):
        centroids = x[kmeans_pp(x, k, rng)].copy()
        labels = np.full(n, -1)
        iteration = 0
        while iteration < max_iter:
            iteration += 1
            sims = x @ centroids.T
            new = sims.argmax(axis=1)
            best_sims = sims[np.arange(n), new]
            for empty in np.setdiff1d(np.arange(k), new):  # an empty group takes the point that fits worst
                worst = int(best_sims.argmin())
                new[worst], best_sims[worst] = empty, 1.0
            if np.array_equal(new, labels):
                break
            labels = new
            members = np.zeros((k, n), dtype=x.dtype)
            members[labels, np.arange(n)] = 1.0
            centroids = unit(members @ x)
        objective = float((x * centroids[labels]).sum())
        if best is None or objective > best.objective + 1e-9:
            best = KMeans(labels, centroids, objective, iteration)
    assert best is not None
    return best


# -- how many -------------------------------------------------------------------------------------------------
def silhouette(x: np.ndarray, labels: np.ndarray, distance: np.ndarray | None = None) -> float:
    """The mean silhouette of unit rows ``x`` under ``labels``, cosine distance (``distance``: the rows' distance
    matrix, when the caller has it); a point alone in its group scores 0 (Rousseeuw's convention)."""
    n = len(x)
    groups, index = np.unique(labels, return_inverse=True)
    if len(groups) < 2 or n < 3:
        return 0.0
    if distance is None:
        distance = distances(x)
    onehot = np.zeros((n, len(groups)), dtype=distance.dtype)
    onehot[np.arange(n), index] = 1.0
    sums = distance @ onehot  # each point's summed distance to each group
    counts = onehot.sum(axis=0)
    own = counts[index]
    a = sums[np.arange(n), index] / np.maximum(own - 1, 1)
    other = sums / counts
    other[np.arange(n), index] = np.inf
    b = other.min(axis=1)
    s = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(s.mean())


def distances(x: np.ndarray) -> np.ndarray:
    """The cosine distances between the unit rows ``x``."""
    return np.clip(1.0 - x @ x.T, 0.0, None)


def k_range(n: int) -> list[int]:
    top = min(K_RANGE.stop - 1, n // MIN_PER_THEME)
    ks = [k for k in K_RANGE if k <= top]
    return ks or [max(1, min(2, n))]


def sample_of(n: int, seed: int = SEED, size: int = SAMPLE) -> np.ndarray:
    """A fixed sample of row indices (all of them when there are few)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


# -- the whole step ----------------------------------------------------------------------------------------------
def cluster(vectors: np.ndarray, k: int | None = None, seed: int = SEED, space_centred: bool = True) -> Clustering:
    """Group the rows of ``vectors`` (unit sentence embeddings) into themes: ``k`` of them, or as many as the
    silhouette chooses (see the module docstring). ``space_centred``: centre the vectors first (E5; a test's
    synthetic vectors may say no)."""
    x = centred(vectors) if space_centred else unit(np.asarray(vectors, dtype=np.float32))
    n = len(x)
    if n == 0:
        return Clustering([], 0, "given" if k else "silhouette")
    if k is not None:
        groups = _groups(x, spherical_kmeans(x, k, seed))
        return Clustering(groups, len(groups), "given")
    picked = sample_of(n, seed)
    sample = x[picked]
    distance = distances(sample)
    results: dict[int, KMeans] = {}
    scores: dict[int, float] = {}
    for candidate in k_range(n):  # k is chosen on the sample; then all the answers are clustered with it
        results[candidate] = spherical_kmeans(sample, candidate, seed)
        scores[candidate] = silhouette(sample, results[candidate].labels, distance)
    top = max(scores.values())
    chosen = max(c for c, s in scores.items() if s >= top - TIE)
    found = results[chosen] if len(picked) == n else spherical_kmeans(x, chosen, seed)
    return Clustering(_groups(x, found), chosen, "silhouette", scores)


def _groups(x: np.ndarray, found: KMeans) -> list[Group]:
    """Each non-empty group, its members most typical first (ties: input order); the largest group first (ties: the
    one whose most typical member comes first in the input)."""
    typicality = (x * found.centroids[found.labels]).sum(axis=1)
    out = []
    for label in np.unique(found.labels):
        members = np.flatnonzero(found.labels == label)
        order = np.lexsort((members, -typicality[members]))
        out.append(Group(members[order], typicality[members][order]))
    out.sort(key=lambda g: (-g.size, int(g.members[0])))
    return out


# -- distinctive base forms --------------------------------------------------------------------------------------
def content_words(text: str, annotation: dict | None) -> set[str]:
    """The content words of one answer as base forms (lower case), from its cached annotation (see
    ``coder.nlp.annotate``); without one, or untagged, the words as written less function words."""
    words: set[str] = set()
    tokens = annotation.get("t") if annotation else None
    if tokens is not None:
        for start, end, lemma, pos, *_ in tokens:
            surface = text[start:end]
            if pos in THEME_POS or (not pos and surface.isalpha()):
                word = (lemma or surface).lower()
                if len(word) >= MIN_LEN and word not in STOP and word not in FUNCTION and not word.isdigit():
                    words.add(word)
        return words
    for found in WORD.findall(text):
        word = found.lower()
        if len(word) >= MIN_LEN and word not in STOP and word not in FUNCTION:
            words.add(word)
    return words


def distinctive(
    docs: Sequence[set[str]], groups: Sequence[Sequence[int]], top: int = TERMS, min_docs: int = MIN_DOCS
) -> list[list[tuple[str, float]]]:
    """Per group (indices into ``docs``), its most distinctive words against the other docs: ``(word, z)``, the
    highest z first (ties: alphabetical). A word must be in ``min_docs`` of the group's docs (or in every one, for a
    group smaller than that) and more frequent there than elsewhere."""
    total: Counter[str] = Counter()
    for words in docs:
        total.update(words)
    n_all = sum(total.values())
    out: list[list[tuple[str, float]]] = []
    for members in groups:
        inside: Counter[str] = Counter()
        for i in members:
            inside.update(docs[i])
        n_in = sum(inside.values())
        n_out = n_all - n_in
        need = min(min_docs, max(len(members), 1))
        scored = []
        for word, y_in in inside.items():
            if y_in < need:
                continue
            prior = total[word]  # α_w: the word's count over all answers; α_0 = n_all
            y_out = total[word] - y_in
            delta = np.log((y_in + prior) / (n_in + n_all - y_in - prior)) - np.log(
                (y_out + prior) / (n_out + n_all - y_out - prior)
            )
            z = float(delta / np.sqrt(1.0 / (y_in + prior) + 1.0 / (y_out + prior)))
            if z > 0:
                scored.append((word, z))
        scored.sort(key=lambda wz: (-wz[1], wz[0]))
        out.append(scored[:top])
    return out
