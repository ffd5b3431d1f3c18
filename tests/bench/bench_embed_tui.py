"""Key latency while the app embeds in the background, beside the same keys with nothing running.

Run on demand:  python -m tests.bench.bench_embed_tui

The large generated project of tests/bench/big_project.py (25,499 segments) with its NLP cache filled and its
embedding cache emptied is opened in the app (a bare pilot, 100×30); after the worker is under way, 30 times ``j``
is posted and the milliseconds until the reader's cursor moves are measured — once with the background job off
(idle) and once while it embeds. Goal (issue 16): median < 50 ms while embedding.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    from coder.nlp import annotate as ann
    from coder.store import Project
    from coder.tui.app import CoderApp
    from coder.tui.widgets.reader import Reader
    from tests.bench.big_project import build

    folder = Path(tempfile.gettempdir()) / "coder-bench-embed-tui"
    folder.mkdir(exist_ok=True)
    path = build(folder / "big.coder")
    with Project.open(path) as project:
        loaded = ann.load()
        key = ann.loaded_key(loaded)
        if project.stale_segments(key):
            print("filling the NLP cache first (once) …", file=sys.stderr)
            ann.refresh(project, loaded.nlp, key, ann.splitter())

    async def measure(embed: bool) -> tuple[list[float], bool, int]:
        with Project.open(path) as project, project.transaction():
            project.conn.execute("DELETE FROM segment_embedding")
        app = CoderApp(path, coder="bench")
        app.background_analysis = embed
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await asyncio.sleep(8)  # the engine loaded, the worker embedding
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
        with Project.open(path) as project:
            done = len(project.embeddings(project_key())) if embed else 0
        return spent, running, done

    def project_key() -> str:
        from coder.nlp import embeddings

        return embeddings.load().embedder.key

    for embed in (False, True):
        spent, running, done = asyncio.run(measure(embed))
        what = f"embedding running ({done:,} done)" if running else ("embedding NOT running" if embed else "idle")
        print(f"{what:<34} j → cursor: median {statistics.median(spent):5.1f} ms, max {max(spent):5.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
