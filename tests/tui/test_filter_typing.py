"""Typing in the sources filter filters a survey question's answers once typing pauses, not at every key (issue 21:
each key filtered 50,000 answers again and the next keys waited behind it)."""

from __future__ import annotations

from tests.tui.pilot import drive, keys


def test_typing_a_filter_filters_the_answers_once(project_path, monkeypatch):
    from coder.tui.widgets import sources

    monkeypatch.setattr(sources, "FILTER_PAUSE", 0.4)  # a loaded test machine can take 0.12 s between two keys

    async def script(app, pilot):
        main = app.screen
        question = next(s for s in main.project.sources() if s.kind == "survey")
        main.open_source(question.id)
        opened = []
        real = main.filter_answers
        main.filter_answers = lambda source: (opened.append(source.id), real(source))[1]
        await keys(pilot, "f")
        await pilot.press(*"tjen=fylke")  # ten keys, typed without a pause
        typed = len(opened)
        await pilot.pause(0.8)
        return typed, len(opened), main.reader.only is not None

    typed, after, filtered = drive(project_path, script)
    assert typed == 0 and after == 1 and filtered
