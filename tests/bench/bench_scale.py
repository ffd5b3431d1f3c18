"""A national survey: 50,000 open answers must feel as fast as 500 (issue 21).

Run on demand:  python -m tests.bench.bench_scale [--answers 50000] [--keys 40] [--with-interviews]

Two generated projects in the same run (tests/bench/big_project.py: one survey question with answers of 3–60
words and two attributes, the PPT codebook; the large one also has 5,000 answers coded with one code), and a bare
Textual app as the baseline for the screen figures:

1. first paint: a fresh process opening the project, to the first composed and rendered screen (120×40);
2. key → repaint: ``j`` in the survey question's answers (the bare app: ``down`` in a read-only TextArea);
3. key → «coded»: ``1`` on an answer, to the repaint that shows it coded (the coding committed before); and the
   same while the background analysis annotates the large question in its own process;
4. filter by an attribute (``tjenestetype=Fylkeskommunal`` in the Sources filter) until the reader shows the
   matching answers;
5. a full-text search (``/`` with a word) until the hits are listed;
6. retrieval of the code with 5,000 codings until its passages are listed;
7. a code × attribute table until it is shown.

Goals at 50,000 answers (2 cores): first paint < 1.5 s and ≤ 3× the bare app; key → repaint median < 50 ms;
key → «coded» median < 100 ms; filter and search < 300 ms; retrieval and tables < 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from textual import events

from tests.bench.bench_tui import BARE_CHILD, CODER_CHILD, Watch, bare_keys, first_paint, summary
from tests.bench.big_project import build

SIZE = (120, 40)
CODED = "henvisninger"  # the code given to 5,000 answers of the large project
FILTER = "tjenestetype=Fylkeskommunal"
WORD = "ventetiden"


def project(folder: Path, answers: int, interviews: int, coded: int) -> Path:
    """The generated project (cached beside its parameters), with ``coded`` answers coded with :data:`CODED`."""
    path = build(folder / f"scale-{answers}-{interviews}.coder", transcripts=interviews, answers=answers,
                 long_words=2_000)  # fmt: skip
    marker = path.with_suffix(".coded.json")
    if not marker.exists() or json.loads(marker.read_text()) != coded:
        from coder.coding import service as editing
        from coder.store import Project

        with Project.open(path) as p:
            survey = next(s for s in p.sources() if s.kind == "survey")
            spans = [(survey.id, s.start, s.end) for s in p.segments(survey.id)[:coded]]
            if spans:
                editing.code_spans(p, spans, CODED, "bench")
        marker.write_text(json.dumps(coded))
    return path


async def until(watch: Watch, start: float, done, timeout: float = 30.0) -> float:
    """Seconds from ``start`` to the first repaint after ``done()`` holds (polled every millisecond)."""
    while not done():
        await asyncio.sleep(0.001)
        if time.perf_counter() - start > timeout:
            raise TimeoutError("never done")
    seen = time.perf_counter()
    while watch.last <= seen:  # the repaint that shows it; none within 0.3 s: it was painted as it became true
        await asyncio.sleep(0.0005)
        if time.perf_counter() - seen > 0.3:
            return seen - start
    return watch.last - start


async def code_answers(app, watch: Watch, key: str, n: int) -> float:
    """Median seconds from ``key`` (a quick code) to the repaint showing it, on ``n`` answers one after another."""
    reader = app.screen.reader
    coded = []
    for _ in range(n):
        await watch.repaint_after(app, "j")
        before = len(reader.shown.codings)
        await asyncio.sleep(0.02)
        start = time.perf_counter()
        app.post_message(events.Key(key, key))
        coded.append(await until(watch, start, lambda b=before: len(reader.shown.codings) > b))
    return statistics.median(coded)


async def measure(cached: Path, keys: int) -> dict[str, float]:
    """The screen figures for one project, in one app, on a copy (the run codes answers)."""
    from coder.tui.app import CoderApp
    from coder.tui.screens.retrieval import RetrievalScreen
    from coder.tui.screens.search import SearchScreen
    from coder.tui.screens.tables import TablesScreen

    out: dict[str, float] = {}
    path = Path(tempfile.mkdtemp()) / cached.name
    shutil.copyfile(cached, path)
    app = CoderApp(path, "bench", lock=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = app.screen
        survey = next(s for s in main.project.sources() if s.kind == "survey")
        start = time.perf_counter()
        main.open_source(survey.id)
        main.reader.focus()
        await pilot.pause()
        out["open the question"] = time.perf_counter() - start
        watch = Watch(app)
        moves = [await watch.repaint_after(app, "j") for _ in range(keys)]
        out["key → repaint (median)"] = statistics.median(moves)
        for _ in range(20):  # past the first answers, which the generated project has coded already
            await watch.repaint_after(app, "pagedown")
        out["key → «coded» (median)"] = await code_answers(app, watch, "1", max(5, keys // 4))
        box = main.query_one("#source-filter")
        await asyncio.sleep(0.05)
        start = time.perf_counter()
        box.value = FILTER
        out["filter by an attribute"] = await until(watch, start, lambda: main.reader.only is not None)
        box.value = ""
        await pilot.pause()
        await asyncio.sleep(0.05)
        start = time.perf_counter()
        search = SearchScreen(main.project, WORD)
        await app.push_screen(search)
        out["full-text search"] = await until(watch, start, lambda: bool(search.hits))
        app.pop_screen()
        await pilot.pause()
        start = time.perf_counter()
        retrieval = RetrievalScreen(main.project, CODED, "bench")
        await app.push_screen(retrieval)
        out["retrieval of 5,000 codings"] = await until(watch, start, lambda: bool(retrieval.shown))
        app.pop_screen()
        await pilot.pause()
        start = time.perf_counter()
        tables = TablesScreen(main.project, "bench")
        await app.push_screen(tables)
        out["code × attribute table"] = await until(watch, start, lambda: tables.table is not None)
        app.pop_screen()
    return out


async def coded_while_analysing(cached: Path, keys: int) -> tuple[float, float]:
    """Key → «coded» (median) with the background analysis annotating the question in its own process, and the
    same with it off, in one app each on a fresh copy: the job must not slow the keys (issue 21, item 2)."""
    from coder.tui.app import CoderApp

    out = []
    for analysis in (False, True):
        path = Path(tempfile.mkdtemp()) / cached.name
        shutil.copyfile(cached, path)
        app = CoderApp(path, "bench", lock=False)
        app.background_analysis = analysis
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            main = app.screen
            survey = next(s for s in main.project.sources() if s.kind == "survey")
            main.open_source(survey.id)
            main.reader.focus()
            await pilot.pause()
            if analysis:  # until the pipeline is loaded and annotating
                while not any(w.group == "nlp" and w.is_running for w in app.workers) or not app.screen.query(
                    "#analysis-progress"
                ):
                    await asyncio.sleep(0.1)
                await asyncio.sleep(2)
            watch = Watch(app)
            await watch.repaint_after(app, "G")
            for _ in range(keys):
                await watch.repaint_after(app, "k")
            out.append(await code_answers(app, watch, "2", max(5, keys // 3)))
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=5_000, help="answers in the comparison project")
    parser.add_argument("--with-interviews", action="store_true", help="add 100 interviews of 10,000 words")
    parser.add_argument("--keys", type=int, default=40, help="key presses per repaint figure")
    parser.add_argument("--runs", type=int, default=3, help="processes per first-paint figure")
    parser.add_argument("--folder", type=Path, help="where to keep the generated projects (default: a temp dir)")
    args = parser.parse_args()
    os.environ.setdefault("CODER_SEMANTIC", "0")  # measured without the background embedding
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        interviews = 100 if args.with_interviews else 0
        t0 = time.perf_counter()
        small = project(folder, args.small, interviews, min(500, args.small))
        big = project(folder, args.answers, interviews, min(5_000, args.answers))
        print(f"projects ready in {time.perf_counter() - t0:.1f} s: {args.small:,} and {args.answers:,} answers"
              f"{' + 100 interviews' if interviews else ''}")  # fmt: skip
        first_paint(BARE_CHILD)
        bare = statistics.median(first_paint(BARE_CHILD) for _ in range(args.runs))
        paints = {
            p: statistics.median(first_paint(CODER_CHILD, str(p)) for _ in range(args.runs)) for p in (small, big)
        }
        from coder.store import Project

        with Project.open(big) as p:  # the bare app shows the same answers, one a line
            survey = next(s for s in p.sources() if s.kind == "survey")
            text = p.source_text(survey.id)
        bare_key, _ = summary(asyncio.run(bare_keys(text, args.keys, "down")))
        figures = {p: asyncio.run(measure(p, args.keys)) for p in (small, big)}
        quiet, busy = asyncio.run(coded_while_analysing(big, args.keys))
        width = 30
        print(f"\n{'':<{width}}{'bare app':>12}{f'{args.small:,} answers':>16}{f'{args.answers:,} answers':>17}")
        print(f"{'first paint':<{width}}{bare * 1000:>10.0f}ms{paints[small] * 1000:>14.0f}ms"
              f"{paints[big] * 1000:>15.0f}ms   {paints[big] / bare:.1f}× bare")  # fmt: skip
        for name in figures[big]:
            base = f"{bare_key:>10.1f}ms" if name.startswith("key → repaint") else f"{'':>12}"
            print(f"{name:<{width}}{base}{figures[small][name] * 1000:>14.1f}ms{figures[big][name] * 1000:>15.1f}ms")
        print(f"{'key → «coded», analysis running':<{width}}{'':>12}{'':>14}{busy * 1000:>15.1f}ms"
              f"   ({quiet * 1000:.1f} ms in the same run with it off)")  # fmt: skip
        goals = {
            "first paint": paints[big] < 1.5 and paints[big] / bare <= 3,
            "key → repaint < 50 ms": figures[big]["key → repaint (median)"] < 0.05,
            "key → «coded» < 100 ms": max(figures[big]["key → «coded» (median)"], busy) < 0.1,
            "filter, search < 300 ms": max(figures[big]["filter by an attribute"],
                                           figures[big]["full-text search"]) < 0.3,
            "retrieval, tables < 1 s": max(figures[big]["retrieval of 5,000 codings"],
                                           figures[big]["code × attribute table"]) < 1,
        }  # fmt: skip
        print(
            "\ngoals at",
            f"{args.answers:,} answers:",
            "; ".join(f"{g} {'met' if ok else 'NOT met'}" for g, ok in goals.items()),
        )


if __name__ == "__main__":
    main()
