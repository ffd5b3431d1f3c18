"""Embedding in the background: after the text analysis the same worker embeds the stale segments, with its own
bar, keys keep working, and the suggestions then rank by meaning too."""

from __future__ import annotations

import asyncio

import spacy

from coder.nlp import annotate as ann
from coder.nlp import embeddings
from coder.store import Project
from coder.tui.app import CoderApp
from coder.tui.widgets.annotate_progress import Analysis, AnalysisProgress
from tests.conftest import survey_project
from tests.test_semantic import ANSWERS


class Loaded:
    def __init__(self, nlp):
        self.nlp, self.name, self.version, self.warning = nlp, "nb_test", "1", None


def test_segments_are_embedded_in_the_background_and_the_suggester_uses_them(tmp_path, monkeypatch):
    monkeypatch.delenv("CODER_SEMANTIC", raising=False)
    nlp = spacy.blank("nb")
    nlp.add_pipe("sentencizer")
    monkeypatch.setattr(ann, "load", lambda setting=None: Loaded(nlp))
    survey_project(tmp_path, ANSWERS).close()
    path = tmp_path / "p.coder"

    async def main():
        app = CoderApp(path, coder="test")
        app.background_analysis = True
        app.analysis_in_process = True  # the pipeline this test hands in
        app.background_suggestions = True
        messages = []
        async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
            for _ in range(600):
                await pilot.pause(0.05)
                if any(isinstance(m, Analysis.Embedded) for m in messages) and not app.workers._workers:
                    break
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("j")  # the reader still answers
            bars = [m for m in messages if isinstance(getattr(m, "_sender", None), AnalysisProgress)]
            return messages, app.suggester, bool(app.screen.query(AnalysisProgress)), bars

    messages, suggester, bar_left, bars = asyncio.run(main())
    [todo] = [m.todo for m in messages if isinstance(m, Analysis.Embedding)]
    assert todo == len(ANSWERS)
    assert any(isinstance(m, Analysis.Embedded) and m.done == len(ANSWERS) for m in messages)
    assert any(m._sender.what == "Embedding text" for m in bars) and not bar_left  # the bar showed and went
    assert suggester is not None and suggester.semantic is not None  # reloaded with the layer's statistics
    with Project.open(path) as project:
        key = embeddings.load().embedder.key
        assert project.embedding_coverage(key) == (len(ANSWERS), len(ANSWERS))
