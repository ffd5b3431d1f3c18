"""How a coding came, shown where it is read: the reader's status line for the focused coding, the retrieval list."""

from __future__ import annotations

import asyncio

from coder.coding import service as editing
from coder.store import Project
from coder.suggest import service as suggesting
from coder.tui.app import CoderApp
from coder.tui.screens.retrieval import RetrievalScreen
from coder.tui.widgets.suggestions import SuggestionsPanel
from tests.tui.pilot import drive, keys


def run(path, script, size=(80, 24)):
    """``script(app, pilot)`` with the suggestion engine built first (as tests/tui/test_suggestions_tui.py does)."""

    async def main():
        app = CoderApp(path, coder="kari")
        app.background_suggestions = True
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return await script(app, pilot)

    return asyncio.run(main())


def test_the_status_line_says_how_the_focused_coding_came_and_retrieval_lists_it(project_path):
    with Project.open(project_path) as project:
        source = project.sources()[0]
        seg = project.segments(source.id)[3]
        editing.code_spans(project, [(source.id, seg.start, seg.end)], "samarbeid", "kari")  # by hand: no words

    async def script(app, pilot):
        panel = app.screen.query_one(SuggestionsPanel)
        await keys(pilot, "j")
        score = next(s for s in panel.scores if s.code_id == "kapasitet")
        while panel.highlighted.code_id != "kapasitet":
            await keys(pilot, "semicolon")
        await keys(pilot, "a")
        accepted = str(app.screen.query_one("#status").render())
        await keys(pilot, "j", "j")
        by_hand = str(app.screen.query_one("#status").render())
        app.screen.query_one("#code-tree").focus()
        await keys(pilot, "home")  # Kapasitet
        await keys(pilot, "r")
        assert isinstance(app.screen, RetrievalScreen)
        listing = app.screen.query_one("#retrieval-list")
        head = str(listing.get_option_at_index(0).prompt).splitlines()[0]
        return score, accepted, by_hand, head

    score, accepted, by_hand, head = run(project_path, script, size=(200, 60))
    shown = f"{score.score:.2f}".removeprefix("0")
    assert f"[Kapasitet]  suggested · score {shown} (rule " in accepted and accepted.endswith("· rules only")
    assert "▸ [Samarbeid" in by_hand and "suggested" not in by_hand and "score" not in by_hand
    assert head.endswith(f"suggested {shown}")


def test_at_80_columns_the_status_line_says_it_short(project_path):
    with Project.open(project_path) as project:
        seg = next(project.segment_texts([project.segments(project.sources()[0].id)[1].id]))
        score = next(s for s in suggesting.Suggester(project).for_segment(project, seg.id) if s.code_id == "kapasitet")
        suggesting.accept(project, seg.id, score, "kari")

    async def script(app, pilot):
        await keys(pilot, "j")
        return str(app.screen.query_one("#status").render())

    status = drive(project_path, script)
    assert status.endswith(f"▸ [Kapasitet]  suggested {score.score:.2f}".replace(" 0.", " ."))
