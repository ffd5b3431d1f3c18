"""Search (``/``) and retrieval (``r``) driven by keys, checked against the project file."""

from __future__ import annotations

import json
import threading

import pytest
from textual.widgets import Input, OptionList

from coder.coding import service as editing
from coder.search.service import MarkedHit
from coder.store import Project
from coder.tui.screens.picker import CodePicker
from coder.tui.screens.retrieval import RetrievalScreen
from coder.tui.screens.search import SearchScreen
from tests.tui.pilot import codings, drive, keys


def test_search_and_jump_to_the_words(project_path):
    async def script(app, pilot):
        await keys(pilot, "slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*'"tidlig innsats"')
        await keys(pilot, "enter")  # to the hits
        count = str(app.screen.query_one("#search-count").render())
        hits = app.screen.hits
        await keys(pilot, "down", "enter")  # the second hit
        reader = app.screen.reader
        return count, hits[1], reader.shown.source_id, reader.selection()

    count, hit, source_id, selection = drive(project_path, script)
    assert count.startswith("12 hits in 8 sources")
    assert source_id == hit.source_id
    with Project.open(project_path) as project:
        text = project.source_text(source_id)
    assert text[selection[0] : selection[1]].lower() == "tidlig innsats"


def test_a_bad_query_says_so_and_nothing_breaks(project_path):
    async def script(app, pilot):
        await keys(pilot, "slash")
        await pilot.press(*'"unclosed AND (')
        await keys(pilot, "enter")
        shown = str(app.screen.query_one("#search-count").render())
        await keys(pilot, "escape")
        return shown, type(app.screen).__name__

    shown, screen = drive(project_path, script)
    assert "hit" in shown or "cannot search" in shown
    assert screen == "MainScreen"


def test_code_all_hits_as_sentences(project_path):
    async def script(app, pilot):
        await keys(pilot, "slash")
        await pilot.press(*"ventetid*")
        await keys(pilot, "enter")
        n = len(app.screen.hits)
        await keys(pilot, "a")
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"ventetid")
        await keys(pilot, "enter")
        return n, app.sub_title

    n, status = drive(project_path, script)
    coded = codings(project_path)
    assert n >= 20 and 0 < len(coded) <= n
    assert {code for code, _ in coded} == {"ventetid"}
    assert all("ventetid" in text.lower() for _, text in coded)
    assert all(len(text) < 400 for _, text in coded)  # sentences, not whole turns
    assert "passages as Ventetid" in status
    with Project.open(project_path) as project:
        assert project.undo_label() and "coded" in project.undo_label()  # one action, undoable
        stories = {(c.origin, json.dumps(c.provenance)) for c in project.codings()}
    assert stories == {("manual", json.dumps({"bulk": "search", "query": "ventetid*"}))}  # coded in bulk: remembered


def _seed(path):
    """Kapasitet on the second turn of each interview; returns {source name: tjenestetype}."""
    with Project.open(path) as project:
        kinds = {}
        cases = {c.name: c.attributes for c in project.cases()}
        for source in project.sources():
            if source.kind != "transcript":
                continue
            seg = project.segments(source.id)[1]
            editing.code_spans(project, [(source.id, seg.start, seg.end)], "ventetid", "t")
            attribute = cases[source.case].get("tjenestetype")
            kinds[source.name] = attribute.value if attribute else ""
        return kinds


def test_retrieval_with_an_attribute_filter_quote_and_jump(project_path):
    kinds = _seed(project_path)

    async def script(app, pilot):
        app.screen.query_one("#code-tree").focus()
        await keys(pilot, "home")  # Kapasitet, the parent of Ventetid
        await keys(pilot, "r")
        assert isinstance(app.screen, RetrievalScreen)
        everything = [p.source for p in app.screen.shown]
        await keys(pilot, "f")
        await pilot.press(*"tjen=fylke")
        await keys(pilot, "enter")
        filtered = [(p.source, p.attributes["tjenestetype"].value) for p in app.screen.shown]
        await keys(pilot, "space")  # ★ the first
        starred = app.screen.shown[0]
        await keys(pilot, "h")  # without sub-codes: Kapasitet itself has none
        without = len(app.screen.shown)
        await keys(pilot, "h", "enter")
        return everything, filtered, starred, without, app.screen.reader.shown.source_id, app.screen.reader.selection()

    everything, filtered, starred, without, source_id, selection = drive(project_path, script)
    assert sorted(everything) == sorted(kinds)
    assert filtered and all(kind == "Fylkeskommunal" for _, kind in filtered)
    assert len(filtered) == sum(k == "Fylkeskommunal" for k in kinds.values())
    assert without == 0
    assert source_id == starred.coding.source_id
    assert selection == (starred.coding.start, starred.coding.end)
    with Project.open(project_path) as project:
        assert project.quote_marks() == {starred.coding.id}


def test_retrieval_filter_words_do_not_trigger_commands(project_path):
    _seed(project_path)

    async def script(app, pilot):
        app.screen.query_one("#code-tree").focus()
        await keys(pilot, "down", "r", "f")
        await pilot.press(*"mhq c")  # letters that are also keys of the screen
        return app.screen.query_one("#retrieval-filter").value, type(app.screen).__name__

    value, screen = drive(project_path, script)
    assert (value, screen) == ("mhq c", "RetrievalScreen")
    with Project.open(project_path) as project:
        assert project.quote_marks() == set()


def test_survey_answers_filtered_by_attribute_and_nothing_hidden_gets_coded(project_path):
    with Project.open(project_path) as project:
        question = next(s for s in project.sources() if s.kind == "survey")
        cases = {c.name: c.attributes for c in project.cases()}
        fylke = [
            s.case for s in project.segments(question.id) if cases[s.case]["tjenestetype"].value == "Fylkeskommunal"
        ]

    async def script(app, pilot):
        app.screen.open_source(question.id)
        await keys(pilot, "f")
        await pilot.press(*"tjen=fylke")
        await keys(pilot, "enter")
        reader = app.screen.reader
        shown = [reader.shown.segments[i].case for i in reader.only]
        app.screen.reader.focus()
        await keys(pilot, "1")  # codes the first shown answer
        app.screen.query_one("#source-filter").focus()
        await keys(pilot, "ctrl+u")
        await pilot.press(*"nosuchkey=x")
        app.screen.reader.focus()
        await keys(pilot, "2")  # nothing shown: nothing coded
        return shown, str(app.screen.query_one("#status").render())

    shown, status = drive(project_path, script)
    assert shown == fylke and len(shown) > 5
    coded = codings(project_path)
    assert [code for code, _ in coded] == ["kapasitet"]
    assert "0 of" in status and "match the filter" in status


def test_moving_through_a_source_whose_filter_matches_nothing(project_path):
    """No answer shown: page, edge and line keys do nothing (they raised IndexError before)."""
    with Project.open(project_path) as project:
        question = next(s for s in project.sources() if s.kind == "survey")

    async def script(app, pilot):
        app.screen.open_source(question.id)
        await keys(pilot, "f")
        await pilot.press(*"nosuchkey=x")
        await keys(pilot, "enter")
        app.screen.reader.focus()
        await keys(pilot, "pagedown", "space", "pageup", "end", "home", "down", "up", "shift+down")
        return str(app.screen.query_one("#status").render())

    status = drive(project_path, script)
    assert "0 of" in status and "match the filter" in status


# -- search by lemma: a project whose NLP cache the test fills with the blank nb + Ordbank pipeline --------------


@pytest.fixture(scope="module")
def blank_nlp():
    from coder.nlp.loading import blank_pipeline

    return blank_pipeline()


def _analysed(path, nlp, limit=None):
    """Fill the NLP cache of the project at ``path`` (``limit``: only that many segments)."""
    from coder.nlp import annotate as ann

    key = ann.pipeline_key(nlp)
    with Project.open(path) as project:
        ann.refresh(project, nlp, key, ann.splitter(), stale=project.stale_segments(key, limit=limit))
    return path


def _loaded(nlp):
    from coder.nlp.loading import Loaded

    return Loaded(nlp, "blank", "0", "blank")


async def _search(app, pilot, query: str):
    await keys(pilot, "slash")
    await pilot.press(*query)
    await keys(pilot, "enter")
    return app.screen


def _shown(screen):
    listing = screen.query_one("#search-hits", OptionList)
    return [listing.get_option_at_index(i).prompt.plain for i in range(listing.option_count)]


def test_search_by_lemma_finds_forms_and_compounds_and_l_toggles(project_path, blank_nlp):
    _analysed(project_path, blank_nlp)

    async def script(app, pilot):
        app.pipeline = _loaded(blank_nlp)
        screen = await _search(app, pilot, "praksis")
        both = (list(screen.hits), _shown(screen), screen.query_one("#search-query", Input).border_title)
        note = str(screen.query_one("#search-note").render())
        await keys(pilot, "l")  # the hits have the focus after Enter
        words = (list(screen.hits), screen.query_one("#search-query", Input).border_title)
        note_words = str(screen.query_one("#search-note").render())
        await keys(pilot, "l")
        again = len(screen.hits)
        index = next(i for i, h in enumerate(screen.hits) if "compound" in h.how)
        await keys(pilot, "home", *["down"] * index, "enter")
        return both, note, words, note_words, again, app.screen.reader.shown.source_id, app.screen.reader.selection()

    (hits, shown, title), note, (surface, title_words), note_words, again, source_id, selection = drive(
        project_path, script
    )
    assert "words + lemmas" in title and "words only" in title_words
    assert all(isinstance(h, MarkedHit) for h in hits)
    compounds = [h for h in hits if "compound" in h.how]
    assert compounds and {f.lower() for h in compounds for f in h.found} >= {"henvisningspraksisen"}
    assert any("praksis in henvisningspraksisen" in line for line in shown)  # why it came up
    assert note.startswith("marks: word as typed") and f"in a compound ({len(compounds)} hits)" in note
    assert len(surface) == len(hits) - len(compounds) and not any(isinstance(h, MarkedHit) for h in surface)
    assert note_words == ""
    assert again == len(hits)
    with Project.open(project_path) as project:
        text = project.source_text(source_id)
    # the reader widens a selection to whitespace-delimited words, so a «?» after the word comes along
    assert text[selection[0] : selection[1]].lower().rstrip("?.,!") == "henvisningspraksisen"


def test_search_by_lemma_henvisning_and_ga(project_path, blank_nlp):
    _analysed(project_path, blank_nlp)

    async def script(app, pilot):
        app.pipeline = _loaded(blank_nlp)
        screen = await _search(app, pilot, "henvisning")
        henvisning = list(screen.hits)
        await keys(pilot, "slash", "ctrl+u")
        await pilot.press(*"gå")
        await keys(pilot, "enter")
        return henvisning, list(screen.hits), _shown(screen)

    henvisning, ga, shown = drive(project_path, script)
    assert "henvisningene" in {f.lower() for h in henvisning for f in h.found}
    lemma = [f for h in ga for f, how in zip(h.found, h.how, strict=True) if how == "lemma"]
    assert lemma and {f.lower() for f in lemma} <= {"gikk", "gått", "gå", "går", "gitt"} and "gikk" in lemma
    assert any("gikk → gå" in line for line in shown)


def test_lemma_search_says_how_much_is_analysed(project_path, blank_nlp):
    _analysed(project_path, blank_nlp, limit=400)

    async def script(app, pilot):
        app.pipeline = _loaded(blank_nlp)
        screen = await _search(app, pilot, "kapasitet")
        note = str(screen.query_one("#search-note").render())
        await keys(pilot, "l")
        words_only = str(screen.query_one("#search-note").render())
        release = threading.Event()
        app.run_worker(release.wait, thread=True, group="nlp")  # the background analysis, still at work
        await keys(pilot, "l")
        running = str(screen.query_one("#search-note").render())
        release.set()
        return note, words_only, running

    note, words_only, running = drive(project_path, script)
    assert note == "lemma search covers 400 / 848 segments — coder annotate does the rest"
    assert words_only == ""
    assert running == "lemma search covers 400 / 848 segments — analysis still running"


def test_lemma_search_without_a_loaded_pipeline_uses_ordbank_and_ctrl_l_toggles_while_typing(project_path, blank_nlp):
    _analysed(project_path, blank_nlp)

    async def script(app, pilot):
        assert app.pipeline is None  # headless: no background analysis
        screen = await _search(app, pilot, "gikk")
        note = str(screen.query_one("#search-note").render())
        lemma = sum("lemma" in h.how for h in screen.hits)
        await keys(pilot, "slash", "ctrl+l")  # in the query box
        title = screen.query_one("#search-query", Input).border_title
        return note, lemma, len(screen.hits), title, screen.query_one("#search-query", Input).value

    note, lemma, words_only, title, value = drive(project_path, script)
    assert note.startswith("lemma search: text analysis starting")
    assert lemma > 0  # «gikk» → gå (Ordbank) → gå, går … analysed in the cache
    assert words_only < lemma + words_only and title.startswith("words only")
    assert value == "gikk"


def test_code_all_lemma_hits_codes_the_compounds_whole(project_path, blank_nlp):
    _analysed(project_path, blank_nlp)

    async def script(app, pilot):
        app.pipeline = _loaded(blank_nlp)
        screen = await _search(app, pilot, "praksis")
        n = len(screen.hits)
        await keys(pilot, "w", "w", "i")  # a codes the words found, in the interviewer's turns too (the compound)
        await keys(pilot, "a")
        await pilot.press(*"ventetid")
        await keys(pilot, "enter")
        return n

    n = drive(project_path, script)
    coded = codings(project_path)
    assert len(coded) >= n
    words = {text.lower() for _, text in coded}
    assert "henvisningspraksisen" in words and "praksis" in words
    assert all("praksis" in w for w in words)
