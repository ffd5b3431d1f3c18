"""Search by meaning in the search screen (``/``): a query that begins with ``~`` (or ``m`` on the hits) lists the
passages nearest it in meaning beside its word hits, marked «meaning 0.83»; ``a`` codes them whole, one undo.
Pilots on a small embedded project (24 survey answers and a short interview), and on the demo with the layer off."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from coder.codebook.files import load_codebook
from coder.nlp import annotate as ann
from coder.nlp import embeddings
from coder.nlp.loading import Loaded, blank_pipeline
from coder.search.meaning import Found
from coder.store import Project
from coder.tui.screens.picker import CodePicker
from coder.tui.screens.search import SearchScreen
from tests.conftest import REPO
from tests.test_meaning_search import HALF_YEAR, WAITING, build
from tests.tui.pilot import codings, drive, keys


def embedded_project(folder, nlp):
    """The project with the ppt codebook, analysed by ``nlp`` (for the lemmas) and embedded."""
    with build(folder) as project:
        with project.transaction():
            project.merge_codebook(load_codebook(REPO / "codebooks" / "ppt.yaml"))
        ann.refresh(project, nlp, ann.pipeline_key(nlp), ann.splitter())
        loaded = embeddings.load()
        assert loaded.embedder is not None, loaded.warning
        embeddings.refresh(project, loaded.embedder)
    return folder / "p.coder"


def shown(screen) -> list[str]:
    listing = screen.query_one("#search-hits", OptionList)
    return [listing.get_option_at_index(i).prompt.plain for i in range(listing.option_count)]


async def until_searched_by_meaning(pilot, screen) -> Found:
    """The app builds its vector index in a worker on first need; the screen searches again once it is there."""
    for _ in range(200):
        if screen.found is not None and not screen.found.waiting:
            return screen.found
        await pilot.pause(0.05)
    raise AssertionError(f"still waiting for the vector index: {screen.found}")


def test_search_by_meaning_code_the_hits_and_undo(tmp_path, monkeypatch):
    monkeypatch.delenv("CODER_SEMANTIC", raising=False)
    nlp = blank_pipeline()
    path = embedded_project(tmp_path, nlp)

    async def script(app, pilot):
        app.pipeline = Loaded(nlp, "blank", "0", "blank")
        await keys(pilot, "slash")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        placeholder = screen.query_one("#search-query", Input).placeholder
        await pilot.press(*"~lang ventetid")
        await pilot.pause(0.3)  # the debounce
        found = await until_searched_by_meaning(pilot, screen)
        title = screen.query_one("#search-query", Input).border_title
        count = str(screen.query_one("#search-count").render())
        note = str(screen.query_one("#search-note").render())
        lines = shown(screen)
        hits = list(screen.hits)
        await keys(pilot, "enter")  # to the hits
        await keys(pilot, "m")  # meaning off: the words alone find nothing
        without = (len(screen.hits), screen.query_one("#search-query", Input).value, screen.found)
        await keys(pilot, "m")
        again = len(screen.hits)
        await keys(pilot, "a")
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"ventetid")
        await keys(pilot, "enter")
        coded = codings(path)
        status = app.sub_title
        await keys(pilot, "u")
        return placeholder, found, title, count, note, lines, hits, without, again, coded, status

    placeholder, found, title, count, note, lines, hits, without, again, coded, status = drive(path, script)
    assert "~lang ventetid" in placeholder and "meaning" in placeholder
    assert title.startswith("meaning + words + lemmas") and "m: no meaning" in title
    assert found.note is None and found.by_meaning == len(hits) > 0
    assert count.startswith(f"{len(hits)} hits in")
    assert f"the sentence of {len(hits)} hits (by meaning: whole) · w changes" in count
    assert note.startswith(f"{len(hits)} by meaning (≥ 0.")
    assert all(" · meaning 0." in line.split("\n")[0] for line in lines)  # each hit says how it matched
    assert any(WAITING in line for line in lines) and any(HALF_YEAR in line for line in lines)
    assert without == (0, "lang ventetid", None) and again == len(hits)
    # every hit coded whole (a meaning hit has no words to spread from), as one action, and undone
    with Project.open(path) as project:
        whole = sorted(project.source_text(h.source_id)[h.start : h.end] for h in hits)
    assert sorted(text for _, text in coded) == whole and {code for code, _ in coded} == {"ventetid"}
    assert f"coded {len(hits)} of {len(hits)} passages" in status
    assert codings(path) == []


def test_by_meaning_with_the_layer_off_says_so_and_the_words_still_work(project_path):
    async def script(app, pilot):
        await keys(pilot, "slash")
        await pilot.press(*"~ventetid")
        await keys(pilot, "enter")
        screen = app.screen
        return (
            list(screen.hits),
            str(screen.query_one("#search-note").render()),
            screen.query_one("#search-query", Input).border_title,
            shown(screen),
        )

    hits, note, title, lines = drive(project_path, script)
    assert note == "by meaning: off here (CODER_SEMANTIC=0) — words and lemmas only"
    assert title.startswith("meaning + words + lemmas")
    assert len(hits) >= 20 and all(h.similarity is None for h in hits)  # the word hits, as without ~
    assert not any("meaning 0." in line for line in lines)
