"""NLP cache speed: the real documents in ../shared/data/documents, annotated and stored, beside bare ``nlp.pipe``.

Run on demand:  python -m tests.bench.bench_nlp [--model PATH_OR_NAME] [--repeat N]

The documents are imported (read in place) into a temporary project as ``document`` sources, one segment per
paragraph. Then, in the same run and on one core (BLAS threads pinned to 1, ``n_process=1``):

- bare:  ``for doc in nlp.pipe(texts, batch_size=64)`` over the segment texts — the pipeline alone;
- coder: ``coder.nlp.annotate.refresh`` — find stale segments in the project, annotate them (lemmas, compound
  parts, entities, sentences), save each batch of 64 in its own transaction with the lemma index.

Both are timed over the same tokens (``len(doc)`` of the bare run); the best of ``--repeat`` runs of each counts,
by the wall clock and by this process's CPU time (the fairer figure while other jobs share the machine).
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

            best = {"bare": [float("inf")] * 2, "coder": [float("inf")] * 2}  # [wall, cpu] seconds
            tokens = 0

            def timed(name: str, job) -> None:
                wall, cpu = time.perf_counter(), time.process_time()
                job()
                spent = [time.perf_counter() - wall, time.process_time() - cpu]
                best[name] = [min(x, y) for x, y in zip(best[name], spent, strict=True)]

            def bare() -> None:
                nonlocal tokens
                tokens = sum(len(doc) for doc in loaded.nlp.pipe(texts, batch_size=64))

            for run in range(args.repeat):
                key = f"{ann.loaded_key(loaded)}-run{run}"  # every row stale again
                timed("bare", bare)
                timed("coder", lambda key=key: ann.refresh(project, loaded.nlp, key, splitter, batch=64))
                assert project.nlp_coverage(key) == (len(texts), len(texts))
            stored = project.conn.execute("SELECT sum(length(data)) FROM segment_nlp").fetchone()[0]

    print(f"tokens: {tokens:,}; best of {args.repeat} runs; by the wall clock and by this process's CPU time")
    print(f"{'':<28}{'wall tokens/s':>14}{'CPU tokens/s':>17}")
    for name, label in (("bare", "bare nlp.pipe"), ("coder", "annotate + store (coder)")):
        wall, cpu = best[name]
        print(f"{label:<28}{tokens / wall:14,.0f}{tokens / cpu:17,.0f}")
    ratios = [b / c for b, c in zip(best["bare"], best["coder"], strict=True)]
    print(f"{'ratio coder / bare':<28}{ratios[0]:14.2f}{ratios[1]:17.2f}   (goal ≥ 0.80; ≥ 10,000 tokens/s)")
    print(f"cache size: {stored / tokens:.1f} bytes of JSON per token")
    return 0


if __name__ == "__main__":
    sys.exit(main())
