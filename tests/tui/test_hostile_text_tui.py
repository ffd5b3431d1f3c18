"""Hostile text through import → the coding screen: a project whose code label, source title, speaker, case,
attribute value, memo and answers hold markup («[@click=app.quit]KLIKK[/]», «[b]»), terminal escapes and a bidi
override. Every screen shows the markup literally (no link, no bold), nothing quits the app when the text is
clicked, and no control character is ever drawn — also for a project an older coder wrote, whose rows still hold
them (written here past the store, as no write of today's store would)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import OptionList, Tree

from coder.codebook.files import load_codebook
from coder.coding import service as editing
from coder.ingest.service import import_files, import_survey
from coder.model import Code, Codebook
from coder.store import Project
from coder.tui.app import CoderApp
from coder.tui.screens.dialogs import MemoEditor
from coder.tui.screens.retrieval import RetrievalScreen
from coder.tui.screens.review import ReviewScreen
from coder.tui.screens.search import SearchScreen
from coder.tui.widgets.sources import SourcesPanel
from tests.conftest import REPO, write
from tests.tui.pilot import keys

MARKUP = "[@click=app.quit]KLIKK[/]"
ESC = "\x1b]0;pwned\x07\x1b[2J"  # sets the terminal's title, clears the screen
BIDI = "\u202e"
HOSTILE = f"{MARKUP} [b]fet{ESC}{BIDI}"
#: a placeholder in an answer, as long as ESC, replaced by it in the file (the text's offsets stay)
PLACEHOLDER = "Q" * len(ESC)
CONTROLS = {chr(c) for c in [*range(0, 32), *range(0x7F, 0xA0)]} | set(map(chr, [*range(0x202A, 0x202F)]))


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    write(
        folder / "intervju.txt",
        f"---\ntittel: Intervju {MARKUP}\nskole: Skole {MARKUP} [b]\n---\n"
        "I: Hvordan er kapasiteten hos dere?\n"
        "Informant: Vi har for lite kaffe og for få stillinger, ventetida er lang.\n",
    )
    answers = [f"Kaffe og kapasitet {MARKUP} [b]fet {PLACEHOLDER} slutt", "For få folk, lang ventetid og lite kaffe"]
    rows = [f"id;gruppe;svar {MARKUP}"] + [f"{MARKUP}{i};Gruppe {MARKUP};{a}" for i, a in enumerate(answers, 1)]
    write(folder / "svar.csv", "\n".join(rows) + "\n")
    path = folder / "p.coder"
    with Project.create(path) as project:
        with project.transaction():
            project.merge_codebook(load_codebook(REPO / "codebooks" / "ppt.yaml"))
            project.merge_codebook(
                Codebook("bok", [Code("fiendtlig", "Kaffe " + HOSTILE, HOSTILE, keywords=["kaffe"])])
            )
        import_files(project, [folder / "intervju.txt"], kind="transcript", coder="test")
        import_survey(project, folder / "svar.csv", "id", [f"svar {MARKUP}"], ["gruppe"], coder="test")
        interview = next(s for s in project.sources() if s.kind == "transcript")
        segment = project.segments(interview.id)[1]
        [coding] = editing.code_spans(project, [(interview.id, segment.start, segment.end)], "fiendtlig", "test")
        editing.write_memo(project, "coding", coding, "Memo " + HOSTILE, "test")
    raw = sqlite3.connect(path)  # what an older coder may have kept
    raw.execute("UPDATE code SET label = ? WHERE id = 'fiendtlig'", ("Kaffe " + HOSTILE,))
    raw.execute("UPDATE source SET name = ? WHERE kind = 'transcript'", ("Intervju " + HOSTILE,))
    raw.execute("UPDATE segment SET speaker = ? WHERE speaker = 'Informant'", ("Informant " + HOSTILE,))
    raw.execute("UPDATE attribute SET value = ?", ("Skole " + HOSTILE,))
    raw.execute("UPDATE memo SET text = ?", ("Memo " + HOSTILE + "\nlinje 2",))
    raw.execute("UPDATE source SET text = replace(text, ?, ?)", (PLACEHOLDER, ESC))
    raw.commit()
    raw.close()
    return path


@pytest.fixture
def hostile(hostile_file, tmp_path) -> Path:
    target = tmp_path / "p.coder"
    target.write_bytes(hostile_file.read_bytes())
    return target


def drawn(app) -> list[str]:
    """What the terminal gets for the screen, line by line (the text of every segment Textual writes)."""
    update = app.screen._compositor.render_full_update()
    return ["".join(segment.text for strip in line for segment in strip) for line in update.strips]


def check(app, seen: dict[str, list[str]], name: str) -> None:
    """The screen as drawn now: no control character in it; kept under ``name`` for the assertions."""
    lines = drawn(app)
    bad = [line for line in lines if CONTROLS & set(line)]
    assert not bad, (name, bad)
    seen[name] = lines


def where(lines: list[str], text: str) -> tuple[int, int] | None:
    for y, line in enumerate(lines):
        if text in line:
            return line.index(text), y
    return None


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_source(app, pilot, kind: str) -> None:
    panel = app.screen.query_one(SourcesPanel)
    wanted = next(s.id for s in panel.sources if s.kind == kind)
    tree = panel.query_one("#source-tree", Tree)
    tree.focus()
    await pilot.pause()
    node = next(n for group in tree.root.children for n in group.children if n.data == wanted)
    tree.move_cursor(node)
    await keys(pilot, "enter")


def test_hostile_text_is_shown_literally_never_runs_and_sends_no_escape(hostile):
    seen: dict[str, list[str]] = {}

    async def script(app, pilot):
        await settle(app, pilot)
        await open_source(app, pilot, "transcript")
        app.screen.query_one("#reader").focus()
        await keys(pilot, "j")  # the informant's turn, coded with the hostile code: its speaker in the status line
        check(app, seen, "main")
        # a click on the title and on the code label: text, not a link
        for text in ("KLIKK", "Kaffe"):
            at = where(seen["main"], text)
            assert at is not None, (text, seen["main"])
            await pilot.click(offset=at)
            await pilot.pause()
            assert app.is_running
        await keys(pilot, "m")  # the memo of the coding at the cursor
        assert isinstance(app.screen, MemoEditor)
        check(app, seen, "memo")
        await keys(pilot, "ctrl+d")
        await open_source(app, pilot, "survey")
        app.screen.query_one("#reader").focus()
        await pilot.pause()
        check(app, seen, "survey")
        await keys(pilot, "slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"kaffe")
        await pilot.pause(0.4)  # the search runs when typing stops
        await settle(app, pilot)
        check(app, seen, "search")
        at = where(seen["search"], "KLIKK")
        assert at is not None, "\n".join(seen["search"])
        await pilot.click(offset=at)
        await pilot.pause()
        assert app.is_running
        await keys(pilot, "escape")
        tree = app.screen.query_one("#code-tree", Tree)
        tree.focus()
        node = next(n for n in tree.root.children if n.data == "fiendtlig")
        tree.move_cursor(node)
        await pilot.pause()
        check(app, seen, "codebook")
        await keys(pilot, "r")
        assert isinstance(app.screen, RetrievalScreen)
        check(app, seen, "retrieval")
        await keys(pilot, "escape")
        app.screen.query_one("#reader").focus()
        await keys(pilot, "R")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        review = app.screen
        review.index = next(i for i, q in enumerate(review.items) if q.score.code_id == "fiendtlig")
        review.show()
        await pilot.pause()
        check(app, seen, "review")
        await keys(pilot, "escape")
        await open_source(app, pilot, "survey")
        app.screen.query_one(SourcesPanel).query_one("#source-tree", Tree).focus()
        await keys(pilot, "t")
        await settle(app, pilot)
        check(app, seen, "themes")
        assert app.is_running
        app.notify(f"varsel {HOSTILE}", title=f"tittel {HOSTILE}")
        app.screen.notify(f"skjerm {HOSTILE}")  # a screen's notify asks for markup: still text
        await pilot.pause()
        check(app, seen, "notified")
        return [(n.message, n.title, n.markup) for n in app._notifications]

    async def main():
        app = CoderApp(hostile, coder="test")
        app.background_suggestions = True
        async with app.run_test(size=(100, 40)) as pilot:
            return await script(app, pilot)

    notes = asyncio.run(main())
    literal = "[@click=app.quit]KLIKK[/]"
    assert (f"varsel {literal} [b]fet", f"tittel {literal} [b]fet", False) in notes
    assert (f"skjerm {literal} [b]fet", "", False) in notes
    for name in ("main", "memo", "survey", "search", "codebook", "retrieval", "review", "themes"):
        assert any(literal in line for line in seen[name]), (name, "\n".join(seen[name]))
    assert any("[b]fet" in line for line in seen["codebook"])  # «[b]» is text, the rest of the label not bold
    screen = "\n".join(seen["main"])
    assert "Intervju [@click=app.quit]KLIKK[/] [b]fet" in screen  # the reader pane's title
    assert "Informant [@click=app.quit]KLIKK[/] [b]fet  2/2" in screen  # the speaker in the status line
    assert "Skole [@click=app.quit]KLIKK[/] [b]fet" in "\n".join(seen["retrieval"])  # an attribute
    assert "Kaffe [@click=app.quit]KLIKK[/] [b]fet" in "\n".join(seen["review"])  # the code


def test_a_colour_that_is_no_colour_is_drawn_without_one(hostile):
    """A code's colour from a REFI-QDA file or an older project that is no colour (here a style with an action)
    neither stops the screen nor becomes a style: the code is drawn in the fallback colour."""
    with sqlite3.connect(hostile) as raw:
        raw.execute("UPDATE code SET colour = '@click=app.quit' WHERE id = 'fiendtlig'")

    async def main():
        app = CoderApp(hostile, coder="test")
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(app, pilot)
            await open_source(app, pilot, "transcript")
            tree = app.screen.query_one("#code-tree", Tree)
            tree.focus()
            tree.move_cursor(next(n for n in tree.root.children if n.data == "fiendtlig"))
            await pilot.pause()
            await keys(pilot, "r")
            await pilot.pause()
            assert isinstance(app.screen, RetrievalScreen)
            lines = drawn(app)
            await keys(pilot, "escape")
            app.screen.reader.focus()  # c in the codebook recolours; in the reader it picks a code
            await keys(pilot, "c")  # the picker lists every code with its colour
            picker = app.screen.query_one(OptionList)
            return app.is_running, lines, picker.option_count

    running, lines, options = asyncio.run(main())
    assert running and options > 1
    assert any("Kaffe [@click=app.quit]KLIKK[/]" in line for line in lines)
