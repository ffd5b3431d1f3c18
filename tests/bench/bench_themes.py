"""Themes in 5,000 answers: coder's grouping beside a bare numpy k-means with the same k, in one run.

Run on demand:  python -m tests.bench.bench_themes [--answers N] [--topics T] [--repeat R] [--threads N]

The answers are generated: each belongs to one of T topics, its words drawn mostly from that topic's vocabulary
(our own words), its vector an E5-like unit vector: a large share common to every text (E5's narrow cone), a share
for its topic, and noise. So the embeddings are "already computed", as the goal says. In one run:

- bare:   Lloyd's k-means in numpy on the raw vectors (Euclidean, k random rows as the start, one start, until
          nothing moves), with the k coder chose;
- core:   ``coder.themes.cluster``: centre, choose k by the silhouette over 3…12 on a 1,500-answer sample,
          spherical k-means++ × 3 starts, typicality, and the distinctive words of each theme;
- coder:  ``coder.themes.service.themes_for_source`` on a project holding the answers and their vectors (read
          the embeddings, texts and annotations from the file, then the same).

Reported: seconds (best of --repeat) and how pure the groups are (the share of answers in their group's majority
topic). Goal (issue 16): themes for 5,000 answers in under 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

TOPICS = [
    "ventetid kø venteliste måneder henvisning vente lenge sak behandling frist",
    "stilling søker rekruttere psykolog logoped ansatt vakanse sykefravær lønn utlysning",
    "digital verktøy videomøte journalsystem nettbrett programvare skjema elektronisk nett opplæring",
    "barnehage styrer småbarn veiledning pedagog lek språk tidlig innsats foreldre",
    "skole lærer klasse elev undervisning rektor systemrettet klassemiljø tiltak trinn",
    "kommune økonomi budsjett kutt rammer tilskudd eierkommune samarbeid avtale politikere",
    "overgang videregående ungdom lærling fravær frafall oppfølging yrkesfag skolebytte plan",
    "kompetanse kurs høgskole universitet samling nettverk fagdag utdanning studium løft",
]
COMMON = "vi har det er og i på med for som til at en av ikke mer godt bra litt".split()


def generate(n: int, topics: int, seed: int = 1):
    """``n`` answers (text, topic) and their unit vectors (float32), E5-like."""
    import numpy as np

    rng = random.Random(seed)
    vocab = [TOPICS[t % len(TOPICS)].split() for t in range(topics)]
    truth = [rng.randrange(topics) for _ in range(n)]
    texts = []
    for t in truth:
        words = [rng.choice(vocab[t]) if rng.random() < 0.55 else rng.choice(COMMON) for _ in range(rng.randint(4, 18))]
        texts.append(" ".join(words).capitalize() + ".")
    g = np.random.default_rng(seed)
    dim = 384
    common = g.normal(size=dim)
    centres = g.normal(size=(topics, dim))
    vectors = (
        2.2 * common / np.linalg.norm(common)
        + centres[truth] / np.sqrt(dim)
        + g.normal(size=(n, dim)) * 0.9 / np.sqrt(dim)
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return texts, truth, vectors.astype(np.float32)


def bare_kmeans(x, k: int, seed: int = 0, max_iter: int = 100):
    """Lloyd's algorithm, plain: k random rows to start, assign to the nearest centre, move the centres."""
    import numpy as np

    rng = np.random.default_rng(seed)
    centres = x[rng.choice(len(x), k, replace=False)].copy()
    labels = np.full(len(x), -1)
    for _ in range(max_iter):
        distance = (x**2).sum(1)[:, None] - 2 * x @ centres.T + (centres**2).sum(1)[None, :]
        new = distance.argmin(1)
        if np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            members = x[labels == j]
            if len(members):
                centres[j] = members.mean(0)
    return labels


def purity(groups, truth) -> float:
    from collections import Counter

    return sum(Counter(truth[i] for i in g).most_common(1)[0][1] for g in groups) / len(truth)


def project_with(folder: Path, texts, vectors) -> Path:
    """A project holding the answers as one survey question, each with its vector in the embedding cache."""
    from coder.ingest.service import import_survey
    from coder.nlp import embeddings
    from coder.store import Project

    csv = folder / "svar.csv"
    csv.write_text("id;svar\n" + "\n".join(f"R{i};{t}" for i, t in enumerate(texts, 1)) + "\n", encoding="utf-8")
    path = folder / "bench.coder"
    key = embeddings.load().embedder.key
    with Project.create(path) as project:
        import_survey(project, csv, "id", ["svar"], [], coder="bench")
        segments = list(project.segment_texts())
        by_text = {t: v for t, v in zip(texts, embeddings.pack(vectors), strict=True)}
        project.save_embeddings(key, [(s.id, s.text, by_text[s.text.strip()]) for s in segments])
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=5_000)
    parser.add_argument("--topics", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, help="BLAS threads (OPENBLAS_NUM_THREADS; default: the library's)")
    args = parser.parse_args(argv)
    if args.threads:
        os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = str(args.threads)

    from coder.store import Project
    from coder.themes import cluster
    from coder.themes import service as themes

    texts, truth, vectors = generate(args.answers, args.topics)
    docs = [cluster.content_words(t, None) for t in texts]
    core, bare, ours = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = cluster.cluster(vectors)
        cluster.distinctive(docs, [g.members for g in found.groups])
        core.append(time.perf_counter() - started)
        started = time.perf_counter()
        labels = bare_kmeans(vectors, found.k)
        bare.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as tmp:
        path = project_with(Path(tmp), texts, vectors)
        with Project.open(path) as project:
            source = project.sources()[0].id
            for _ in range(args.repeat):
                started = time.perf_counter()
                grouping = themes.themes_for_source(project, source)
                ours.append(time.perf_counter() - started)
    groups = [g.members for g in found.groups]
    bare_groups = [[i for i, label in enumerate(labels) if label == j] for j in set(labels.tolist())]
    print(f"{args.answers:,} answers, {args.topics} topics, 384 dimensions; BLAS threads: {args.threads or 'default'}")
    print(
        f"k chosen by the silhouette: {found.k}  ({', '.join(f'{k}: {s:.3f}' for k, s in found.silhouettes.items())})"
    )
    print(f"bare numpy k-means, k={found.k}:      {min(bare):6.2f} s   purity {purity(bare_groups, truth):.3f}")
    print(f"coder core (k chosen + terms):  {min(core):6.2f} s   purity {purity(groups, truth):.3f}")
    print(f"coder service (from the file):  {min(ours):6.2f} s   {grouping.summary()}")
    print(f"best of {args.repeat}; goal: themes for 5,000 answers in < 30 s")
    for theme in grouping.themes[:3]:
        print(f"  theme {theme.number}: {theme.size} answers · {' · '.join(theme.terms[:6])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
