"""Text analysis in the background: the bar shows while the worker runs, keys keep working, the cache fills."""

from __future__ import annotations

import asyncio
import threading

import pytest
import spacy
from spacy.language import Language

from coder.errors import CoderError
from coder.nlp import annotate as ann
from coder.store import Project
from coder.tui.app import CoderApp
from coder.tui.widgets.annotate_progress import Analysis, AnalysisProgress
from coder.tui.widgets.reader import Reader

GATE = threading.Event()  # the pipeline waits here, so the test sees the worker mid-run


@Language.component("test_gate")
def _gate(doc):
    GATE.wait(10)
    return doc


class Loaded:
    def __init__(self, nlp, name="nb_test", version="1", warning=None):
        self.nlp, self.name, self.version, self.warning = nlp, name, version, warning


def blank(gated: bool = False) -> Loaded:
    nlp = spacy.blank("nb")
    nlp.add_pipe("sentencizer")
    if gated:
        nlp.add_pipe("test_gate")
    return Loaded(nlp)


@pytest.fixture
def loads(monkeypatch):
    """Replace the pipeline loading order with what a test hands in; records the settings asked for."""
    asked = []

    def use(loaded):
        def load(setting=None):
            asked.append(setting)
            if isinstance(loaded, Exception):
                raise loaded
            return loaded

        monkeypatch.setattr(ann, "load", load)
        return asked

    return use


def run(path, script, notes: list | None = None):
    """Run ``script(app, pilot, messages)`` with background analysis on; notifications go to ``notes``."""

    async def main():
        app = CoderApp(path, coder="test")
        app.background_analysis = True
        app.analysis_in_process = True  # the pipeline this test hands in
        if notes is not None:
            app.notify = lambda message, **kw: notes.append((message, kw.get("title")))
        messages = []
        async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
            await pilot.pause()
            return await script(app, pilot, messages)

    return asyncio.run(main())


def bar_messages(messages) -> list:
    return [m for m in messages if isinstance(getattr(m, "_sender", None), AnalysisProgress)]


async def until(pilot, condition, tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the condition never came true")


def test_the_bar_shows_while_it_runs_keys_work_and_it_goes_when_done(project_path, loads):
    loaded = blank(gated=True)
    loads(loaded)
    GATE.clear()

    async def script(app, pilot, messages):
        try:
            await until(pilot, lambda: app.screen.query(AnalysisProgress))
            bar = app.screen.query_one(AnalysisProgress)
            label = str(bar.label.render())
            assert label.startswith("Analysing text 0 / ") and label.endswith(" segments")
            region = bar.region
            assert region.height == 1 and region.y == 22  # above the footer, below the panels
            reader = app.screen.query_one(Reader)
            assert reader.region.bottom <= region.y  # it covers nothing of the reader
            before = reader.cursor
            await pilot.press("j")
            await pilot.pause()
            assert reader.cursor == before + 1  # the UI answers while the worker runs
            assert app.workers and any(w.group == "nlp" and w.is_running for w in app.workers)
        finally:
            GATE.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.screen.query(AnalysisProgress)
        assert any(isinstance(m, Analysis.Advanced) for m in messages)
        assert bar_messages(messages)
        return reader.cursor

    assert run(project_path, script) == 1
    with Project.open(project_path) as project:
        key = ann.loaded_key(loaded)
        fresh, total = project.nlp_coverage(key)
        assert fresh == total > 0


def test_with_everything_cached_no_work_starts(project_path, loads):
    loaded = blank()
    asked = loads(loaded)
    with Project.open(project_path) as project:
        ann.refresh(project, loaded.nlp, ann.loaded_key(loaded))

    async def script(app, pilot, messages):
        await app.workers.wait_for_complete()
        await pilot.pause()
        return messages

    messages = run(project_path, script)
    assert asked == [None]  # the project's nlp_model setting, unset
    [ready] = [m for m in messages if isinstance(m, Analysis.Ready)]
    assert ready.stale == 0
    assert not [m for m in messages if isinstance(m, (Analysis.Advanced, Analysis.Finished))]
    assert not bar_messages(messages)  # no bar was ever mounted


def test_a_failure_is_a_notification_and_the_bar_goes(project_path, loads):
    loads(CoderError("nb_core_news_xx: not an installed pipeline"))

    async def script(app, pilot, messages):
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.screen.query(AnalysisProgress)
        await pilot.press("j")
        await pilot.pause()
        return app.screen.query_one(Reader).cursor

    shown = []
    cursor = run(project_path, script, shown)
    assert shown == [("nb_core_news_xx: not an installed pipeline", "Text analysis stopped; what was done is kept")]
    assert cursor == 1


def test_headless_runs_start_no_analysis_unless_asked(project_path, loads):
    asked = loads(blank())

    async def main():
        app = CoderApp(project_path, coder="test")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()

    asyncio.run(main())
    assert asked == []


def test_progress_before_the_bar_has_composed_is_kept():
    from textual.app import App

    class Host(App):
        def compose(self):
            return []

    async def main():
        app = Host()
        async with app.run_test(size=(60, 5)) as pilot:
            bar = AnalysisProgress(25_499)
            bar.advance_to(1_234)  # a progress message handled right after mount()
            await app.mount(bar)
            await pilot.pause()
            return str(bar.label.render()), bar.bar.progress

    assert asyncio.run(main()) == ("Analysing text 1,234 / 25,499 segments", 1_234)


def test_ctrl_g_pauses_the_analysis_and_it_goes_on_where_it_stopped(project_path, loads):
    """Issue 21: the background job can be paused (what is done stays saved) and resumed; resumed, it annotates only
    what is still missing."""
    loaded = blank(gated=True)
    loads(loaded)
    GATE.clear()
    notes: list = []

    async def script(app, pilot, messages):
        try:
            await until(pilot, lambda: app.screen.query(AnalysisProgress))
            await pilot.press("ctrl+g")
            await pilot.pause()
        finally:
            GATE.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        paused = (app.background_paused, bool(app.screen.query(AnalysisProgress)))
        with Project.open(project_path) as project:
            halfway = project.nlp_coverage(ann.loaded_key(loaded))
        await pilot.press("ctrl+g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        return paused, halfway, app.background_paused

    paused, (fresh, total), after = run(project_path, script, notes)
    assert paused == (True, False) and fresh < total  # stopped after the batch under way, the bar gone
    assert not after
    texts = [m for m, _ in notes]
    assert any("paused" in t for t in texts) and any("goes on where it stopped" in t for t in texts), texts
    with Project.open(project_path) as project:
        fresh, total = project.nlp_coverage(ann.loaded_key(loaded))
        assert fresh == total > 0  # resumed: everything analysed
