"""Themes in the TUI: ``t`` on a survey question in the sources panel groups its answers in a worker, lists the
themes readably at 80×24, Enter makes a theme a code whose answers become suggestions (never codings), and the
review queue then shows them first."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input, OptionList, Tree

from coder.codebook.files import load_codebook
from coder.ingest.service import import_files, import_survey
from coder.nlp import embeddings
from coder.store import Project
from coder.tui.app import CoderApp
from coder.tui.screens.dialogs import Confirm, Prompt
from coder.tui.screens.help import HelpScreen
from coder.tui.screens.review import ReviewScreen
from coder.tui.screens.themes import ThemesScreen
from coder.tui.widgets.sources import SourcesPanel
from tests.conftest import REPO, write
from tests.test_themes import ANSWERS, INTERVIEW
from tests.tui.pilot import keys


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    loaded = embeddings.load()
    assert loaded.embedder is not None, loaded.warning
    folder = tmp_path_factory.mktemp("themes_tui")
    rows = ["id;svar"] + [f"R{i};{text}" for i, text in enumerate(ANSWERS, 1)]
    csv = write(folder / "undersokelse.csv", "\n".join(rows) + "\n")
    write(folder / "intervju-1.txt", INTERVIEW)
    path = folder / "p.coder"
    with Project.create(path) as project:
        with project.transaction():
            project.merge_codebook(load_codebook(REPO / "codebooks" / "ppt.yaml"))
        import_files(project, [folder / "intervju-1.txt"], coder="test")
        import_survey(project, csv, "id", ["svar"], [], coder="test")
        embeddings.refresh(project, loaded.embedder)
    return path


@pytest.fixture
def path(embedded, tmp_path):
    target = tmp_path / "p.coder"
    target.write_bytes(embedded.read_bytes())
    return target


def run(path, script, size=(80, 24), suggestions=False, messages=None):
    async def main():
        app = CoderApp(path, coder="test")
        app.background_suggestions = suggestions
        hook = messages.append if messages is not None else None
        async with app.run_test(size=size, message_hook=hook) as pilot:
            await settle(app, pilot)
            return await script(app, pilot)

    return asyncio.run(main())


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def to_source(app, pilot, kind: str) -> None:
    """Put the sources tree's cursor on the first source of ``kind`` (the tree has the focus)."""
    panel = app.screen.query_one(SourcesPanel)
    wanted = next(s.id for s in panel.sources if s.kind == kind)
    tree = panel.query_one("#source-tree", Tree)
    tree.focus()
    await pilot.pause()
    node = next(n for group in tree.root.children for n in group.children if n.data == wanted)
    tree.move_cursor(node)
    await pilot.pause()


def lines(widget) -> list[str]:
    """What a widget shows, line by line, as plain text."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def test_t_groups_the_answers_and_enter_makes_a_theme_a_code_with_suggestions_to_review(path, monkeypatch):
    monkeypatch.delenv("CODER_SEMANTIC", raising=False)
    messages: list = []

    async def script(app, pilot):
        await to_source(app, pilot, "survey")
        await keys(pilot, "t")
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        await settle(app, pilot)
        grouping = screen.grouping
        listing = screen.query_one("#themes-list", OptionList)
        shown = lines(listing)
        title = lines(screen.query_one("#themes-title"))
        theme = grouping.themes[0]
        await keys(pilot, "enter")
        prompt = app.screen
        assert isinstance(prompt, Prompt)
        proposed = prompt.query_one(Input).value
        prompt.query_one(Input).value = "Venting"
        await keys(pilot, "enter")
        assert isinstance(app.screen, Confirm)
        await keys(pilot, "y")
        await settle(app, pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        first = [(q.segment.id, q.score.code_id) for q in review.items[: theme.size]]
        await keys(pilot, "escape")
        await pilot.pause()
        codes = dict(app.screen.codes)
        return grouping, theme, shown, title, proposed, first, codes

    grouping, theme, shown, title, proposed, first, codes = run(path, script, suggestions=True, messages=messages)
    assert [m.n for m in messages if isinstance(m, ThemesScreen.Counted)] == [len(ANSWERS)]  # «grouping 36 answers…»
    assert grouping.themes and grouping.grouped == len(ANSWERS)
    # readable at 80×24: size, base forms and typical answers, each theme apart
    assert "Themes" in title[0] and f"{len(ANSWERS)} answers in {len(grouping.themes)} themes" in title[1]
    assert shown[0].strip().startswith(f"1  {theme.size} answers") and theme.terms[0] in shown[0]
    assert shown[1].strip().startswith("«") or shown[1].strip().startswith("×")
    assert sum(1 for line in shown if "answers (" in line) >= 2
    assert proposed == theme.proposed_label()
    # the code exists, its answers wait as open suggestions, nothing is coded, and the queue shows them first
    code_id = next(c for c, code in codes.items() if code.label == "Venting")
    assert first == [(i, code_id) for i in theme.members]
    with Project.open(path) as project:
        assert list(project.codings()) == []
        assert [r[0] for r in project.open_suggestions() if r[1] == code_id] == theme.members


def test_without_the_semantic_layer_the_screen_says_why_and_t_acts_only_on_a_survey_question(path):
    async def script(app, pilot):
        await to_source(app, pilot, "transcript")
        await keys(pilot, "t")
        on_interview = type(app.screen).__name__, [n.message for n in app._notifications]
        await to_source(app, pilot, "survey")
        await keys(pilot, "t")
        await settle(app, pilot)
        note = lines(app.screen.query_one("#themes-note"))
        await keys(pilot, "enter", "escape")
        back = type(app.screen).__name__
        await keys(pilot, "f", "t")  # in the filter, t is a letter
        typed = app.screen.query_one("#source-filter", Input).value
        return on_interview, note, back, typed

    (screen, notes), note, back, typed = run(path, script)  # the pilots run with CODER_SEMANTIC=0
    assert screen == "MainScreen" and any("survey question" in n for n in notes)
    assert any("semantic layer is off" in line for line in note)
    assert back == "MainScreen" and typed == "t"


def test_question_mark_on_the_themes_screen_lists_its_keys(path):
    async def script(app, pilot):
        await to_source(app, pilot, "survey")
        await keys(pilot, "t")
        await settle(app, pilot)
        await keys(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        return app.screen.sections

    [(title, bindings)] = run(path, script)
    assert title == "Themes" and [b.key for b in bindings][:3] == ["t", "enter", "plus,equals_sign"]
