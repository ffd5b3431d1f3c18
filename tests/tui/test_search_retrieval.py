"""Search (``/``) and retrieval (``r``) driven by keys, checked against the project file."""

from __future__ import annotations

from coder import editing
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
    assert "hits as Ventetid" in status
    with Project.open(project_path) as project:
        assert project.undo_label() and "coded" in project.undo_label()  # one action, undoable


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
