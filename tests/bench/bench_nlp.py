"""NLP cache speed: the real documents in ../shared/data/documents, annotated and stored, beside bare ``nlp.pipe``.

Run on demand:  python -m tests.bench.bench_nlp [--model PATH_OR_NAME] [--repeat N] [--tui]

The documents are imported (read in place) into a temporary project as ``document`` sources, one segment per
paragraph. Then, in the same run and on one core (BLAS threads pinned to 1, ``n_process=1``):

- bare:  ``for doc in nlp.pipe(texts, batch_size=64)`` over the segment texts — the pipeline alone;
- coder: ``coder.nlp.annotate.refresh`` — find stale segments in the project, annotate them (lemmas, compound
  parts, entities, sentences), save each batch of 64 in its own transaction with the lemma index.

Both are timed over the same tokens (``len(doc)`` of the bare run); the best of ``--repeat`` runs of each counts,
by the wall clock and by this process's CPU time (the fairer figure while other jobs share the machine).
Goal (issue 4): coder ≥ 0.8 × bare, and ≥ 10,000 tokens/s.

``--tui``: the app on the large generated project of tests/bench/big_project.py (25,499 segments, its cache
emptied), with and without the background analysis running: milliseconds from a posted ``j`` to the reader's
cursor moving (the pilot's ``press`` is no measure here: it waits until the process is idle, which it never is
while the worker runs).
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
    parser.add_argument("--tui", action="store_true", help="key latency in the app while the analysis runs")
    args = parser.parse_args(argv)
    if args.tui:
        return key_latency(args.model)
    files = sorted(p for p in args.documents.glob("*.txt")) if args.documents.is_dir() else []
    if not files:
        print(f"skipped: no documents in {args.documents}")
        return 0

    from coder.ingest.service import import_files
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


def key_latency(model: str | None) -> int:
    import asyncio
    import statistics

    from coder.store import Project
    from coder.tui.app import CoderApp
    from coder.tui.widgets.reader import Reader
    from tests.bench.big_project import build

    folder = Path(tempfile.gettempdir()) / "coder-bench-tui"
    folder.mkdir(exist_ok=True)
    path = build(folder / "big.coder")

    async def measure(analyse: bool) -> tuple[list[float], bool]:
        with Project.open(path) as project, project.transaction():
            project.conn.execute("DELETE FROM segment_nlp")
            if model:
                project.set_setting("nlp_model", model)
        app = CoderApp(path, coder="bench")
        app.background_analysis = analyse
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await asyncio.sleep(5)  # the pipeline loaded, the worker under way
            running = any(w.is_running for w in app.workers)
            reader = app.screen.query_one(Reader)
            spent = []
            for _ in range(30):
                cursor, began = reader.cursor, time.perf_counter()
                app.simulate_key("j")
                while reader.cursor == cursor:
                    await asyncio.sleep(0.0005)
                spent.append((time.perf_counter() - began) * 1000)
                await asyncio.sleep(0.05)
            app.workers.cancel_all()
        return spent, running

    for analyse in (False, True):
        spent, running = asyncio.run(measure(analyse))
        what = "analysis running" if running else ("analysis NOT running" if analyse else "idle")
        print(f"{what:<22} j → cursor: median {statistics.median(spent):5.1f} ms, max {max(spent):5.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
