"""NLP cache speed: the real documents in ../shared/data/documents, annotated and stored, beside bare ``nlp.pipe``.

Run on demand:  python -m tests.bench.bench_nlp [--model PATH_OR_NAME] [--repeat N]

The documents are imported (read in place) into a temporary project as ``document`` sources, one segment per
paragraph. Then, in the same run and on one core (BLAS threads pinned to 1, ``n_process=1``):

- bare:  ``for doc in nlp.pipe(texts, batch_size=64)`` over the segment texts — the pipeline alone;
- coder: ``coder.nlp.annotate.refresh`` — find stale segments in the project, annotate them (lemmas, compound
  parts, entities, sentences), save each batch of 64 in its own transaction with the lemma index.

Both are timed over the same tokens (``len(doc)`` of the bare run); the best of ``--repeat`` runs of each counts.
Goal (issue 4): coder ≥ 0.8 × bare, and ≥ 10,000 tokens/s.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, before numpy is imported

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

DOCUMENTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "documents"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a pipeline folder or package (default: the loading order)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--documents", type=Path, default=DOCUMENTS)
    args = parser.parse_args(argv)
    files = sorted(p for p in args.documents.glob("*.txt")) if args.documents.is_dir() else []
    if not files:
        print(f"skipped: no documents in {args.documents}")
        return 0

    from coder.imports import import_files
    from coder.nlp import annotate as ann
    from coder.store import Project

    loaded = ann.load(args.model)
    splitter = ann.splitter()
    print(f"pipeline {loaded.name} {loaded.version}: {', '.join(loaded.nlp.pipe_names) or '(blank)'}")
    if loaded.warning:
        print(f"  warning: {loaded.warning}")

    with tempfile.TemporaryDirectory() as tmp:
        with Project.create(Path(tmp) / "bench.coder") as project:
            import_files(project, files, kind="document", coder="bench")
            texts = [text for _, text in project.stale_segments("none")]
            chars = sum(map(len, texts))
            print(f"{len(files)} documents, {len(texts)} segments, {chars:,} characters")
            list(loaded.nlp.pipe(texts[:20]))  # warm up

            bare_best = ours_best = float("inf")
            tokens = 0
            for run in range(args.repeat):
                began = time.perf_counter()
                tokens = sum(len(doc) for doc in loaded.nlp.pipe(texts, batch_size=64))
                bare_best = min(bare_best, time.perf_counter() - began)

                key = f"{ann.loaded_key(loaded)}-run{run}"  # every row stale again
                began = time.perf_counter()
                progress = ann.refresh(project, loaded.nlp, key, splitter, batch=64)
                ours_best = min(ours_best, time.perf_counter() - began)
                assert progress.done == len(texts)
            stored = project.conn.execute("SELECT sum(length(data)) FROM segment_nlp").fetchone()[0]

    bare, ours = tokens / bare_best, tokens / ours_best
    print(f"tokens: {tokens:,} (best of {args.repeat})")
    print(f"bare nlp.pipe:               {bare:10,.0f} tokens/s")
    print(f"annotate + store (coder):    {ours:10,.0f} tokens/s")
    print(f"ratio coder / bare:          {ours / bare:10.2f}   (goal ≥ 0.80; ≥ 10,000 tokens/s)")
    print(f"cache size:                  {stored / tokens:10.1f} bytes of JSON per token")
    return 0


if __name__ == "__main__":
    sys.exit(main())
