"""TUI speed on a large project (100 transcripts of 10,000 words, 5,000 answers; tests/bench/big_project.py).

Run on demand:  python -m tests.bench.bench_tui [--runs 5] [--keys 200]

1. First paint: a fresh Python process that opens the project in coder and exits once the first screen
   has been composed and rendered (headless, 120×40), against the same for a bare Textual app (Header,
   a Tree of 100 nodes, a Static of text, Footer).  Interpreter start and imports count for both.
2. Key-press-to-repaint: in the reader on the 20,000-word transcript, the time from a key event
   (``j``, next segment) to the repainted screen reaching the terminal driver, against a bare
   read-only TextArea holding the same text and pressing ``down``.

Goals (issue 3): first paint under 1.5 s and under 3× the bare app; key-press-to-repaint median under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, TextArea

from tests.bench.big_project import LONG, build

SIZE = (120, 40)

CODER_CHILD = """
import sys, time
from coder.tui.app import CoderApp
app = CoderApp(sys.argv[1], "bench", lock=False)
async def painted(pilot):
    await pilot.pause()
    print("painted", time.time(), flush=True)
    app.exit()
app.run(headless=True, size=(120, 40), auto_pilot=painted)
"""

BARE_CHILD = """
import sys, time
from textual.app import App
from textual.widgets import Footer, Header, Static, Tree
class Bare(App):
    def compose(self):
        yield Header()
        tree = Tree("Sources")
        for n in range(100):
            tree.root.add_leaf(f"Intervju {n:03d}")
        tree.root.expand()
        yield tree
        yield Static("Da har jeg startet opptaket. " * 200)
        yield Footer()
app = Bare()
async def painted(pilot):
    await pilot.pause()
    print("painted", time.time(), flush=True)
    app.exit()
app.run(headless=True, size=(120, 40), auto_pilot=painted)
"""


def first_paint(child: str, *args: str) -> float:
    """Seconds from starting the process to its first painted screen."""
    start = time.time()
    out = subprocess.run([sys.executable, "-c", child, *args], capture_output=True, text=True, check=True).stdout
    painted = next(float(line.split()[1]) for line in out.splitlines() if line.startswith("painted"))
    return painted - start


class Watch:
    """Records when the app last wrote a screen update to its (headless) driver."""

    def __init__(self, app: App) -> None:
        self.last = 0.0
        original = app._display

        def display(screen, update) -> None:
            original(screen, update)
            self.last = time.perf_counter()

        app._display = display  # type: ignore[method-assign]

    async def repaint_after(self, app: App, key: str) -> float:
        """Post ``key`` and wait for the next screen update; returns the latency in seconds."""
        await asyncio.sleep(0.02)  # let the previous update settle
        start = time.perf_counter()
        app.post_message(events.Key(key, None))
        while self.last <= start:
            await asyncio.sleep(0.0005)
            if time.perf_counter() - start > 2:
                raise TimeoutError(f"no repaint after {key!r}")
        return self.last - start


async def coder_keys(path: Path, n: int, key: str) -> list[float]:
    from coder.tui.app import CoderApp

    app = CoderApp(path, "bench", lock=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        source = next(s for s in app.project.sources() if s.name == LONG)
        app.screen.open_source(source.id)
        app.screen.reader.focus()
        await pilot.pause()
        watch = Watch(app)
        return [await watch.repaint_after(app, key) for _ in range(n)]


class BareReader(App):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Header()
        yield TextArea(self.text, read_only=True, soft_wrap=True, id="text")
        yield Footer()


async def bare_keys(text: str, n: int, key: str) -> list[float]:
    app = BareReader(text)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#text").focus()
        await pilot.pause()
        watch = Watch(app)
        return [await watch.repaint_after(app, key) for _ in range(n)]


def summary(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="processes per first-paint figure")
    parser.add_argument("--keys", type=int, default=200, help="key presses per repaint figure")
    parser.add_argument("--project", type=Path, help="where to keep the generated project (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        target = args.project or Path(tmp) / "big.coder"
        t0 = time.perf_counter()
        path = build(target)
        built = time.perf_counter() - t0
        from coder.store import Project

        with Project.open(path) as project:
            stats = project.stats()
            long = next(s for s in project.sources() if s.name == LONG)
            text = project.source_text(long.id)
        print(
            f"project: {stats['sources']} sources, {stats['segments']:,} segments, {stats['words']:,} words, "
            f"{stats['codings']:,} codings  (ready in {built:.1f} s)"
        )

        first_paint(BARE_CHILD)  # warm the disk cache for both
        first_paint(CODER_CHILD, str(path))
        bare = [first_paint(BARE_CHILD) for _ in range(args.runs)]
        coder = [first_paint(CODER_CHILD, str(path)) for _ in range(args.runs)]
        b, c = statistics.median(bare), statistics.median(coder)
        print(f"\nfirst paint, median of {args.runs} fresh processes (interpreter start + imports + first frame)")
        print(f"  bare Textual app : {b * 1000:7.0f} ms")
        print(f"  coder open       : {c * 1000:7.0f} ms   ratio {c / b:.2f}×")
        print(f"  goal < 1500 ms and < 3×: {'met' if c < 1.5 and c / b < 3 else 'NOT met'}")

        words = len(text.split())
        print(f"\nkey-press-to-repaint on a {words:,}-word transcript, {args.keys} presses each")
        medians = []
        for coder_key, bare_key, what in (("j", "down", "next segment / line"), ("pagedown", "pagedown", "page")):
            bm, bp = summary(asyncio.run(bare_keys(text, args.keys, bare_key)))
            cm, cp = summary(asyncio.run(coder_keys(path, args.keys, coder_key)))
            medians.append(cm)
            print(f"  {what}:")
            print(f"    bare TextArea ({bare_key:8}) : median {bm:6.1f} ms   p95 {bp:6.1f} ms")
            print(f"    coder reader  ({coder_key:8}) : median {cm:6.1f} ms   p95 {cp:6.1f} ms   ratio {cm / bm:.2f}×")
        print(f"  goal median < 50 ms: {'met' if max(medians) < 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
