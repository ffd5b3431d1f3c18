"""Search counts agree with themselves, and "code all hits" codes what a researcher means (issue 18, items 4–5):
one count from the hits list to the picker to the header; a word is marked as what it is (a form of the typed
word's lemma, a compound with it, or the word as typed); the interviewer's turns are left out unless asked for;
the hits in one turn become one passage."""

from __future__ import annotations

import pytest

from coder.model import is_interviewer
from coder.store import Project
from coder.tui.screens.picker import CodePicker
from tests.tui.pilot import drive, keys
from tests.tui.test_search_retrieval import _analysed, _loaded


@pytest.fixture(scope="module")
def blank_nlp():
    from coder.nlp.loading import blank_pipeline

    return blank_pipeline()


async def _search(app, pilot, query: str):
    await keys(pilot, "slash")
    await pilot.press(*query)
    await keys(pilot, "enter")
    return app.screen


def test_one_count_one_marking_and_code_all_skips_the_interviewer(project_path, blank_nlp):
    _analysed(project_path, blank_nlp)

    async def script(app, pilot):
        app.pipeline = _loaded(blank_nlp)
        screen = await _search(app, pilot, "henvisning")
        hits = list(screen.hits)
        count = str(screen.query_one("#search-count").render())
        note = str(screen.query_one("#search-note").render())
        await keys(pilot, "a")
        assert isinstance(app.screen, CodePicker)
        title = app.screen.title_text
        await pilot.press(*"ventetid")
        await keys(pilot, "enter")
        return hits, count, note, app.screen.sub_title or app.sub_title, title

    hits, count, note, status, title = drive(project_path, script)
    found = [(how, text.lower()) for h in hits for how, text in zip(h.how, h.found, strict=True)]
    # a word marked «as typed» is the typed word; henvisninger is a form, henvisningspraksisen a compound
    assert {text for how, text in found if how == "word"} <= {"henvisning"}
    assert ("lemma", "henvisninger") in found and ("compound", "henvisningspraksisen") in found
    lemma_hits = sum("lemma" in h.how for h in hits)
    compound_hits = sum("compound" in h.how for h in hits)
    assert lemma_hits and compound_hits
    assert f"lemma ({lemma_hits} hits)" in note and f"compound ({compound_hits} hits)" in note
    interviewer = sum(is_interviewer(h.speaker) for h in hits)
    assert interviewer  # the demo's interviewer asks about henvisninger
    kept = len(hits) - interviewer
    assert count.startswith(f"{len(hits)} hits in ")
    assert f"of {kept} hits" in count and f"{interviewer} interviewer turn" in count
    assert title == f"Code {kept} hits, {interviewer} interviewer turns skipped, as…"
    assert f"coded {kept} of {kept} passages" in status and f"{interviewer} interviewer turns skipped" in status
    with Project.open(project_path) as project:
        coded = [c for c in project.codings() if c.code_id == "ventetid" and c.provenance]
        speakers = {c.id: _speaker(project, c) for c in coded}
        # one coding per hit: the hits are turns, and the sentences found in one turn are one passage
        assert len(coded) == kept
    assert not any(is_interviewer(s) for s in speakers.values())


def _speaker(project, coding) -> str | None:
    for seg in project.segments(coding.source_id):
        if seg.start <= coding.start < seg.end:
            return seg.speaker
    return None


def test_i_codes_the_interviewer_too(project_path):
    async def script(app, pilot):
        screen = await _search(app, pilot, "henvisning")
        n = len(screen.hits)
        await keys(pilot, "i")
        count = str(screen.query_one("#search-count").render())
        await keys(pilot, "a")
        await pilot.press(*"ventetid")
        await keys(pilot, "enter")
        return n, count

    n, count = drive(project_path, script)
    assert "skipped" not in count and "interviewer's too" in count
    with Project.open(project_path) as project:
        assert len([c for c in project.codings() if c.code_id == "ventetid" and c.provenance]) == n
