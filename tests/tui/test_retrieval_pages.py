"""Retrieval of thousands of passages lists them a page at a time (issue 21): the count and the export have all."""

from __future__ import annotations

from textual.widgets import OptionList

from coder.coding import service as editing
from coder.tui.screens import retrieval
from coder.tui.screens.retrieval import RetrievalScreen
from tests.conftest import survey_project
from tests.tui.pilot import drive


def test_a_long_retrieval_is_listed_a_page_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setattr(retrieval, "PAGE", 5)
    project = survey_project(tmp_path, [f"Svar nummer {i} om ventetid." for i in range(12)])
    source = project.sources()[0]
    editing.code_spans(project, [(source.id, s.start, s.end) for s in project.segments(source.id)], "ventetid", "t")
    project.close()

    async def script(app, pilot):
        screen = RetrievalScreen(app.screen.project, "ventetid", "t")
        await app.push_screen(screen)
        await pilot.pause()
        listing = screen.query_one("#retrieval-list", OptionList)
        ids = lambda: [listing.get_option_at_index(i).id for i in range(listing.option_count)]  # noqa: E731
        first = [i for i in ids() if i]
        listing.highlighted = listing.get_option_index("more")
        more_is_none = screen.current() is None
        await pilot.press("enter")
        await pilot.pause()
        second = [i for i in ids() if i]
        still = app.screen is screen and screen.current() is not None
        return len(screen.shown), first, more_is_none, second, still

    shown, first, more_is_none, second, still = drive(tmp_path / "p.coder", script)
    assert shown == 12
    assert len(first) == 6 and first[-1] == "more" and more_is_none
    assert len(second) == 11 and second[-1] == "more" and still  # the next page, the screen stays, a passage is current
