"""The anonymisation check (``A``) driven by keys, on a small project with identifiers we planted ourselves.

The pipeline is ``spacy.blank("nb")`` with an entity ruler that knows the planted names and places, handed to
the app the way tests inject it (``CoderApp(nlp_loader=…)``), so the check takes a fraction of a second.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import spacy

from coder.coding import service as editing
from coder.ingest.service import import_files
from coder.store import Project
from coder.tui.app import CoderApp
from coder.tui.screens.check import CheckScreen
from coder.tui.screens.dialogs import Confirm
from coder.tui.screens.main import MainScreen
from tests.tui.pilot import keys

INTERVIEW_A = """\
I: Hvem tok kontakt med dere først i denne saken?

IP: Det var Kari Nordmann fra skolen i Lillevik som ringte oss. Kari Nordmann hadde allerede snakket med rektor.

I: Og hvordan gikk det videre etter det?

IP: Vi fikk en henvisning uka etter. Du kan ringe meg på 912 34 567 om du lurer på noe mer.
"""

INTERVIEW_B = """\
I: Hvordan er samarbeidet med skolene?

IP: Vi møter Kari Nordmann hver måned, og Tor Solberg er med når det trengs.

I: Hvor holder dere møtene?

IP: Som regel i Lillevik, på kontoret til Kari Nordmann.
"""

PATTERNS = [
    {"label": "PER", "pattern": "Kari Nordmann"},
    {"label": "PER", "pattern": "Tor Solberg"},
    {"label": "LOC", "pattern": "Lillevik"},
]


def ruler_pipeline():
    """``spacy.blank("nb")`` with an entity ruler that knows the planted names and places."""
    pipeline = spacy.blank("nb")
    ruler = pipeline.add_pipe("entity_ruler")
    ruler.add_patterns(
        [{"label": p["label"], "pattern": [{"ORTH": w} for w in p["pattern"].split()]} for p in PATTERNS]
    )
    return pipeline


@pytest.fixture(scope="module")
def nlp():
    return ruler_pipeline()


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    return planted_project(tmp_path)


def planted_project(tmp_path: Path) -> Path:
    """Two interviews; a coding (Kontakt) over «Kari Nordmann fra skolen» in the first."""
    folder = tmp_path / "intervjuer"
    folder.mkdir()
    (folder / "intervju-a.txt").write_text(INTERVIEW_A, encoding="utf-8")
    (folder / "intervju-b.txt").write_text(INTERVIEW_B, encoding="utf-8")
    path = tmp_path / "anon.coder"
    with Project.create(path) as project:
        import_files(project, sorted(folder.iterdir()), coder="t")
        code = editing.new_code(project, "Kontakt", None, "t")
        source = project.sources()[0]
        text = project.source_text(source.id)
        start = text.index("Kari Nordmann fra skolen")
        editing.code_spans(project, [(source.id, start, start + len("Kari Nordmann fra skolen"))], code.id, "t")
    return path


def drive(path: Path, nlp, script, size=(80, 24)):
    async def main():
        app = CoderApp(path, coder="test", nlp_loader=lambda setting: nlp)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            return await script(app, pilot)

    return asyncio.run(main())


async def open_check(app, pilot) -> CheckScreen:
    await keys(pilot, "A")
    screen = app.screen
    assert isinstance(screen, CheckScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


def listed(screen: CheckScreen) -> list[tuple[str, str, int]]:
    return [(c.kind, c.text, len(c.hits)) for c in screen.shown]


async def select(screen: CheckScreen, pilot, text: str) -> None:
    """Move the cursor in the candidate list to ``text`` with the arrow keys."""
    for _ in range(len(screen.shown) + 2):
        current = screen.current()
        if current is not None and current.text == text:
            return
        await keys(pilot, "down")
    raise AssertionError(f"{text} is not in the list: {listed(screen)}")


def test_the_check_lists_what_was_planted_with_its_places(planted, nlp):
    async def script(app, pilot):
        screen = await open_check(app, pilot)
        count = str(screen.query_one("#check-count").render())
        await select(screen, pilot, "Kari Nordmann")
        places = screen.query_one("#check-places")
        lines = [str(places.get_option_at_index(i).prompt) for i in range(places.option_count)]
        return listed(screen), count, lines, screen.query_one("#check-progress").has_class("done")

    shown, count, lines, progress_hidden = drive(planted, nlp, script)
    assert ("PER", "Kari Nordmann", 4) in shown
    assert ("LOC", "Lillevik", 2) in shown
    assert any(kind == "PHONE" and "912 34 567" in text for kind, text, _ in shown)
    kinds = [kind for kind, _, _ in shown]
    assert kinds.index("PER") < kinds.index("LOC") < kinds.index("PHONE")  # grouped by kind, names first
    assert count.startswith(f"{len(shown)} open candidates in 2 sources")
    assert len(lines) == 4 and all("Kari Nordmann" in line for line in lines)
    assert sum(line.startswith("intervju-a") for line in lines) == 2
    assert any("· IP" in line for line in lines)  # the speaker of the turn
    assert progress_hidden


def test_the_palette_opens_the_check(planted, nlp):
    async def script(app, pilot):
        await keys(pilot, "ctrl+p")
        await pilot.press(*"anonymisation")
        await keys(pilot, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        return type(app.screen).__name__

    assert drive(planted, nlp, script) == "CheckScreen"


def test_dismiss_is_remembered(planted, nlp):
    async def script(app, pilot):
        screen = await open_check(app, pilot)
        await select(screen, pilot, "Lillevik")
        await keys(pilot, "d")
        after = listed(screen)
        await keys(pilot, "h")
        with_decided = listed(screen)
        await keys(pilot, "escape")
        return after, with_decided, app.sub_title

    after, with_decided, status = drive(planted, nlp, script)
    assert all(text != "Lillevik" for _, text, _ in after)
    assert any(text == "Lillevik" for _, text, _ in with_decided)
    assert "dismissed «Lillevik»" in status

    async def again(app, pilot):  # a new session: the decision was saved
        screen = await open_check(app, pilot)
        return listed(screen), {c.text: c.status for c in screen.candidates}

    shown, statuses = drive(planted, nlp, again)
    assert all(text != "Lillevik" for _, text, _ in shown)
    assert statuses["Lillevik"] == "dismissed"


def test_pseudonymise_replaces_everywhere_and_the_coding_follows(planted, nlp):
    async def script(app, pilot):
        screen = await open_check(app, pilot)
        await select(screen, pilot, "Kari Nordmann")
        await keys(pilot, "p")
        dialog = app.screen
        assert isinstance(dialog, Confirm)
        question = dialog.question
        await keys(pilot, "y")
        tag = next(c.tag for c in screen.candidates if c.text == "Kari Nordmann")
        assert all(text != "Kari Nordmann" for _, text, _ in listed(screen))  # decided: out of the list
        await keys(pilot, "h")
        await select(screen, pilot, "Kari Nordmann")
        places = screen.query_one("#check-places")
        lines = [str(places.get_option_at_index(i).prompt) for i in range(places.option_count)]
        assert lines and all(tag in line and "Kari Nordmann" not in line for line in lines)  # the name is not shown
        await keys(pilot, "escape")
        main = app.screen
        assert isinstance(main, MainScreen)
        shown = main.reader.shown
        coding = next(c for c in shown.codings)
        return question, tag, shown.text, shown.text[coding.start : coding.end]

    question, tag, reader_text, coded = drive(planted, nlp, script)
    assert question.startswith("Replace «Kari Nordmann» with ")
    assert "in 4 places in 2 sources? Codings move with the text." in question
    assert tag and tag.startswith("[NAVN")
    assert "Kari Nordmann" not in reader_text and tag in reader_text  # the reader shows the new text
    assert coded == f"{tag} fra skolen"  # the coding over the name now covers the tag
    with Project.open(planted) as project:
        for source in project.sources():
            assert "Kari Nordmann" not in project.source_text(source.id)


def test_declining_the_confirmation_changes_nothing(planted, nlp):
    async def script(app, pilot):
        screen = await open_check(app, pilot)
        await select(screen, pilot, "Kari Nordmann")
        await keys(pilot, "p", "n")
        return next(c.status for c in screen.candidates if c.text == "Kari Nordmann")

    assert drive(planted, nlp, script) == "open"
    with Project.open(planted) as project:
        assert "Kari Nordmann" in project.source_text(project.sources()[0].id)


def test_enter_shows_the_place_in_the_reader(planted, nlp):
    async def script(app, pilot):
        screen = await open_check(app, pilot)
        await select(screen, pilot, "Tor Solberg")
        await keys(pilot, "enter")
        main = app.screen
        assert isinstance(main, MainScreen)
        reader = main.reader
        start, end = reader.selection()
        text = reader.shown.text[start:end]
        await keys(pilot, "A")  # back again: the list is kept, no new check
        return reader.shown.title, text, type(app.screen).__name__, listed(app.screen)

    title, text, screen, shown = drive(planted, nlp, script)
    assert title == "intervju-b" and text == "Tor Solberg"
    assert screen == "CheckScreen" and any(t == "Tor Solberg" for _, t, _ in shown)


def test_enter_on_a_place_jumps_to_that_one(planted, nlp):
    async def script(app, pilot):
        screen = await open_check(app, pilot)
        await select(screen, pilot, "Kari Nordmann")
        await keys(pilot, "tab", "down", "down", "enter")
        reader = app.screen.reader
        start, _ = reader.selection()
        return reader.shown.source_id, start, screen.shown, screen

    source_id, start, shown, screen = drive(planted, nlp, script)
    hit = next(c for c in shown if c.text == "Kari Nordmann").hits[2]
    assert (source_id, start) == (hit.source_id, hit.start)


def test_allow_list_drops_the_word_and_keeps_it_out(planted, nlp):
    async def script(app, pilot):
        screen = await open_check(app, pilot)
        await select(screen, pilot, "Tor Solberg")
        await keys(pilot, "a")
        return listed(screen), app.sub_title

    shown, status = drive(planted, nlp, script)
    assert all(text != "Tor Solberg" for _, text, _ in shown)
    assert "allow-list" in status

    async def again(app, pilot):
        screen = await open_check(app, pilot)
        return [c.text for c in screen.candidates]

    assert "Tor Solberg" not in drive(planted, nlp, again)


def test_a_failing_pipeline_is_a_notification(planted):
    def broken(setting):
        raise OSError("no pipeline here")

    async def script(app, pilot):
        await keys(pilot, "A")
        await app.workers.wait_for_complete()
        await pilot.pause()
        return [n.message for n in app._notifications], type(app.screen).__name__

    async def main():
        app = CoderApp(planted, coder="test", nlp_loader=broken)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            return await script(app, pilot)

    messages, screen = asyncio.run(main())
    assert "no pipeline here" in messages
    assert screen == "CheckScreen"


def test_escape_while_checking_leaves_and_the_check_goes_on(planted, nlp):
    import threading

    gate = threading.Event()

    def slow(setting):
        gate.wait(5)
        return nlp

    async def main():
        app = CoderApp(planted, coder="test", nlp_loader=slow)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await keys(pilot, "A")
            label = str(app.screen.query_one("#check-progress-label").render())
            await keys(pilot, "escape", "j")  # the main screen works while the check runs
            on_main = isinstance(app.screen, MainScreen)
            gate.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            notes = [n.message for n in app._notifications]
            await keys(pilot, "A")
            return label, on_main, notes, listed(app.screen)

    label, on_main, notes, shown = asyncio.run(main())
    assert "Loading" in label
    assert on_main
    assert any("A shows them" in n for n in notes)
    assert any(text == "Kari Nordmann" for _, text, _ in shown)
