"""More like this (``M``) driven by keys on a small embedded project: the key, the list, code one, code all, undo;
from retrieval; and what it says when it cannot answer yet."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from coder.coding import service as editing
from coder.search import similar
from coder.store import Project
from coder.tui.app import CoderApp
from coder.tui.screens.dialogs import Confirm
from coder.tui.screens.retrieval import RetrievalScreen
from coder.tui.screens.similar import SimilarScreen
from coder.tui.widgets.annotate_progress import AnalysisProgress
from tests.test_similar import QUEUE, embedded  # noqa: F401 (the module's embedded project)
from tests.tui.pilot import keys


@pytest.fixture
def path(embedded, tmp_path, monkeypatch):  # noqa: F811
    """The embedded project, its interview's second turn (the leader on the queue) coded «ventetid»."""
    monkeypatch.delenv("CODER_SEMANTIC", raising=False)
    target = tmp_path / "p.coder"
    shutil.copy(embedded, target)
    with Project.open(target) as project:
        queue = next(s for s in project.segment_texts() if s.text.strip() == QUEUE)
        editing.code_spans(project, [(queue.source_id, queue.start, queue.end)], "ventetid", "test")
    return target


def run(path, script):
    async def main():
        app = CoderApp(path, coder="test")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            return await script(app, pilot)

    return asyncio.run(main())


async def built(app, pilot) -> None:
    """Let the index worker finish and the request it answers run."""
    for _ in range(200):
        await pilot.pause(0.02)
        if app.vectors is not None and not app._vectors_building:
            break
    await app.workers.wait_for_complete()
    await pilot.pause()


def ventetid(path) -> set[int]:
    """The segments coded «ventetid» in the file."""
    with Project.open(path) as project:
        found = [s for s in project.segment_texts()]
        return {s.id for s in found if "ventetid" in project.segment_codes([s.id]).get(s.id, set())}


def test_key_list_code_one_code_all_undo(path):
    async def script(app, pilot):
        notes = lambda: [n.message for n in app._notifications]  # noqa: E731
        await keys(pilot, "M")  # the first turn is the interviewer's: no coding there
        assert any("Put the cursor on a coding first" in n for n in notes())
        await keys(pilot, "j", "M")  # the leader's turn, coded «ventetid»: the index is built, then the list opens
        await built(app, pilot)
        screen = app.screen
        assert isinstance(screen, SimilarScreen), notes()
        assert any("Building the index" in n for n in notes())
        found = list(screen.found)
        title = str(screen.query_one("#similar-title").render())
        count = str(screen.query_one("#similar-count").render())
        await keys(pilot, "enter")  # code the first (the best) one
        one = ventetid(app.path)
        highlighted = screen.current()
        await keys(pilot, "ctrl+a")
        assert isinstance(app.screen, Confirm)
        await keys(pilot, "y")
        everything = ventetid(app.path)
        await keys(pilot, "u")  # all at once was one action
        after_undo = ventetid(app.path)
        marks = str(screen.query_one("#similar-count").render())
        await keys(pilot, "escape")
        return found, title, count, one, highlighted, everything, after_undo, marks, app.screen, app.sub_title

    found, title, count, one, highlighted, everything, after_undo, marks, back, saved = run(path, script)
    with Project.open(path) as project:
        turns = {s.id: s for s in project.segment_texts()}
    queue = next(i for i, s in turns.items() if s.text.strip() == QUEUE)
    assert "More like this" in title and "Ventetid" in title
    assert count.startswith(f"{len(found)} passages without Ventetid")
    assert queue not in {f.segment_id for f in found}  # not the passage itself
    assert all(turns[f.segment_id].speaker != "Intervjuer" for f in found)
    assert one == {queue, found[0].segment_id}  # Enter coded the best one …
    assert highlighted is found[1]  # … and went on to the next
    assert everything == {queue} | {f.segment_id for f in found}
    assert after_undo == one and "coded here" in marks
    assert type(back).__name__ == "MainScreen" and "undone: coded" in saved


def test_from_retrieval_the_retrieved_code(path):
    async def script(app, pilot):
        main = app.screen
        app.push_screen(RetrievalScreen(app.project, "ventetid", "test"))
        await pilot.pause()
        retrieval = app.screen
        await keys(pilot, "M")
        await built(app, pilot)
        listing = app.screen
        assert isinstance(listing, SimilarScreen)
        code = listing.code_id
        await keys(pilot, "ctrl+a", "y", "escape")
        shown = [c for c in main.reader.shown.codings if c.code_id == "ventetid"]
        return code, app.screen is retrieval, len(retrieval.passages), len(listing.found), shown

    code, back_in_retrieval, passages, found, shown = run(path, script)
    assert code == "ventetid" and back_in_retrieval
    assert passages == 1 + found  # the passages coded from the list are retrieved now
    with Project.open(path) as project:
        interview = project.sources()[0].id
        assert len(shown) == len(project.codings(interview, "ventetid")) == 3  # and the reader under it shows them


def test_before_the_index_is_there_it_says_why(path, monkeypatch):
    async def script(app, pilot):
        notes = lambda: [n.message for n in app._notifications]  # noqa: E731
        bar = AnalysisProgress(30, "Embedding text")
        await app.screen.mount(bar)
        bar.advance_to(12)
        await keys(pilot, "j", "M")
        still = notes()[-1]
        await bar.remove()
        monkeypatch.setenv("CODER_SEMANTIC", "0")
        await keys(pilot, "M")
        off = notes()[-1]
        return still, off, type(app.screen).__name__, app.vectors

    still, off, screen, index = run(path, script)
    assert still.startswith("Still embedding: 12 of 30 segments")
    assert "semantic layer is off" in off and "CODER_SEMANTIC=0" in off
    assert screen == "MainScreen" and index is None


def test_a_passage_not_embedded_yet_is_said_in_words(path):
    with Project.open(path) as project:
        leader = "SELECT id FROM segment WHERE speaker = 'PP-leder'"
        project.conn.execute(f"DELETE FROM segment_embedding WHERE segment_id IN ({leader})")
        project.conn.commit()

    async def script(app, pilot):
        await keys(pilot, "j", "M")
        await built(app, pilot)
        return [n.message for n in app._notifications], type(app.screen).__name__

    notes, screen = run(path, script)
    assert screen == "MainScreen"
    assert notes[-1] == similar.NOT_EMBEDDED
