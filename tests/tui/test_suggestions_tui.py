"""Code suggestions in the TUI: the Suggested panel, accept / reject / accept all, the review queue, retraining.

The engine is built in a worker after the first paint; headless runs leave it off unless a test turns it on
(``background_suggestions``), so every test here does, and waits for the workers before pressing keys.
"""

from __future__ import annotations

import asyncio
import io

from rich.console import Console

from coder.coding import service as editing
from coder.model import is_interviewer
from coder.nlp.annotate import splitter
from coder.store import Project
from coder.suggest import service as suggesting
from coder.tui.app import CoderApp
from coder.tui.screens.dialogs import Confirm
from coder.tui.screens.main import MainScreen
from coder.tui.screens.review import ReviewScreen
from coder.tui.widgets.reader import Reader
from coder.tui.widgets.suggestions import SuggestionsPanel, matched_words
from tests.tui.pilot import keys


def run(path, script, size=(80, 24), suggestions: bool = True, messages: list | None = None):
    """Run ``script(app, pilot)`` with the suggestion engine on (built before the script starts)."""

    async def main():
        app = CoderApp(path, coder="test")
        app.background_suggestions = suggestions
        hook = messages.append if messages is not None else None
        async with app.run_test(size=size, message_hook=hook) as pilot:
            await settle(app, pilot)
            return await script(app, pilot)

    return asyncio.run(main())


async def settle(app, pilot) -> None:
    """Until no worker runs: a worker's message may start another (a retraining, then the re-ranking)."""
    await pilot.pause()
    for _ in range(20):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            break


def plain(renderable, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()


def first_source(path):
    with Project.open(path) as project:
        source = project.sources()[0]
        return source, project.segments(source.id), project.source_text(source.id)


async def highlight(app, pilot, code_id: str) -> None:
    """Move the panel's highlight to ``code_id`` with ``;``."""
    panel = app.screen.query_one(SuggestionsPanel)
    for _ in range(len(panel.scores)):
        if panel.highlighted.code_id == code_id:
            return
        await keys(pilot, "semicolon")
    assert panel.highlighted.code_id == code_id, [s.code_id for s in panel.scores]


def test_the_panel_suggests_a_code_for_a_segment_with_its_keywords_and_marks_them_in_the_reader(project_path):
    _, segments, text = first_source(project_path)

    async def script(app, pilot):
        panel = app.screen.query_one(SuggestionsPanel)
        assert panel.display and app.suggester is not None
        await keys(pilot, "j")  # «… vi har elleve årsverk … en stilling vi ikke har fått besatt …»
        await highlight(app, pilot, "kapasitet")
        score = panel.highlighted
        drawn = plain(panel.render(), panel.content_region.width)
        reader = app.screen.query_one(Reader)
        marked = [text[a:b] for a, b in reader.evidence]
        return score, drawn, marked, matched_words(panel.segment.text, score.matches), panel.segment.id

    score, drawn, marked, words, segment_id = run(project_path, script)
    assert segment_id == segments[1].id
    assert score.above and "årsverk" in words
    assert "Kapasitet" in drawn and "årsverk (lemma)" in drawn
    assert marked == words  # the matched words are what the reader marks


def test_the_interviewers_turn_gets_no_suggestions_and_a_codes_nothing(project_path):
    with Project.open(project_path) as project:
        source = project.sources()[0]
        turns = list(project.segment_texts(source_id=source.id))
    asked = next(i for i, t in enumerate(turns) if is_interviewer(t.speaker))
    answered = next(i for i, t in enumerate(turns) if not is_interviewer(t.speaker))

    async def script(app, pilot):
        panel = app.screen.query_one(SuggestionsPanel)
        seen = {}
        for index in (asked, answered):
            await keys(pilot, "g", *["j"] * index)
            seen[index] = (panel.segment.id, list(panel.scores), plain(panel.render(), 60))
        await keys(pilot, "g", *["j"] * asked, "a")
        return seen

    seen = run(project_path, script)
    segment_id, scores, drawn = seen[asked]
    assert segment_id == turns[asked].id and scores == []
    assert "interviewer's turn" in drawn
    assert seen[answered][1]  # the answer next to it is still scored
    assert suggesting_rows(project_path) == ([], {})


def test_without_the_engine_the_panel_stays_hidden_and_a_says_so(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "a")
        return app.screen.query_one(SuggestionsPanel).display, [n.message for n in app._notifications]

    shown, notes = run(project_path, script, suggestions=False)
    assert not shown
    assert any("not ready" in n for n in notes)
    assert suggesting_rows(project_path) == ([], {})


def suggesting_rows(path):
    with Project.open(path) as project:
        codings = [(c.code_id, c.origin, c.start, c.end) for c in project.codings()]
        return codings, project.suggestion_decisions()


def test_a_accepts_the_highlighted_suggestion_as_one_undoable_action(project_path):
    _, segments, _ = first_source(project_path)
    seg = segments[1]

    async def script(app, pilot):
        await keys(pilot, "j")
        await highlight(app, pilot, "kapasitet")
        await keys(pilot, "a")
        after_accept = suggesting_rows(project_path)
        header = app.sub_title
        listed = [s.code_id for s in app.screen.query_one(SuggestionsPanel).scores]
        margin = [c.code_id for c in app.screen.query_one(Reader).codings_here()]
        await keys(pilot, "u")
        return after_accept, header, listed, margin

    (codings, decisions), header, listed, margin = run(project_path, script)
    assert ("kapasitet", "suggested", seg.start, seg.end) in codings
    assert decisions == {seg.id: {"kapasitet": "accepted"}}
    assert "accepted Kapasitet" in header
    assert "kapasitet" not in listed and margin == ["kapasitet"]
    assert suggesting_rows(project_path) == ([], {})  # u took back the coding and the decision together


def test_x_rejects_for_good_also_after_a_restart(project_path):
    _, segments, _ = first_source(project_path)

    async def script(app, pilot):
        await keys(pilot, "j")
        await highlight(app, pilot, "kapasitet")
        await keys(pilot, "x")
        return [s.code_id for s in app.screen.query_one(SuggestionsPanel).scores], app.sub_title

    listed, header = run(project_path, script)
    assert "kapasitet" not in listed and "rejected Kapasitet" in header
    assert suggesting_rows(project_path) == ([], {segments[1].id: {"kapasitet": "rejected"}})

    async def again(app, pilot):
        await keys(pilot, "j")
        return [s.code_id for s in app.screen.query_one(SuggestionsPanel).scores]

    assert "kapasitet" not in run(project_path, again)


def test_x_no_longer_removes_a_coding_delete_and_backspace_do(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "1")  # a manual coding with the first quick code
        await keys(pilot, "x")  # rejects the highlighted suggestion; the coding stays
        kept = len(app.screen.query_one(Reader).codings_here())
        await keys(pilot, "delete")
        gone = len(app.screen.query_one(Reader).codings_here())
        await keys(pilot, "u", "backspace")
        return kept, gone, len(app.screen.query_one(Reader).codings_here())

    kept, gone, after_backspace = run(project_path, script)
    assert (kept, gone, after_backspace) == (1, 0, 0)
    codings, decisions = suggesting_rows(project_path)
    assert codings == [] and len(decisions) == 1


def test_accept_all_above_the_threshold_in_the_source_asks_how_many_then_codes_them(project_path):
    source, _, _ = first_source(project_path)
    with Project.open(project_path) as project:
        suggester = suggesting.Suggester(project, splitter())
        expected = len(suggesting.above_threshold(project, suggester, source.id))
        interviewer_first = is_interviewer(next(project.segment_texts(source_id=source.id)).speaker)
    assert expected > 0

    async def script(app, pilot):
        await keys(pilot, "ctrl+a")
        await settle(app, pilot)  # counted in a worker
        assert isinstance(app.screen, Confirm)
        question = str(app.screen.question)
        await keys(pilot, "y")
        await settle(app, pilot)  # accepted in a worker
        coded = suggesting_rows(project_path)[0]
        listed = [s for s in app.screen.query_one(SuggestionsPanel).scores if s.above]
        await keys(pilot, "u")
        return question, coded, listed, app.sub_title

    question, coded, listed, header = run(project_path, script)
    assert f"Accept {expected} suggestions above the threshold in {source.name}" in question
    assert len(coded) == expected and {origin for _, origin, _, _ in coded} == {"suggested"}
    # nothing above the threshold is left on the segment under the cursor, unless it is the interviewer's (left out)
    assert interviewer_first or listed == []
    assert "undone" in header and suggesting_rows(project_path) == ([], {})


def test_accept_all_says_so_when_nothing_is_above_the_threshold(project_path):
    async def script(app, pilot):
        for key in ("ctrl+a", "y", "ctrl+a"):
            await keys(pilot, key)
            await settle(app, pilot)
        return isinstance(app.screen, Confirm), [n.message for n in app._notifications]

    confirm, notes = run(project_path, script)
    assert not confirm and any("No suggestion in Intervju 01 is above" in n for n in notes)


def test_review_queue_accept_reject_skip_undo_and_the_counter(project_path):
    messages: list = []

    async def script(app, pilot):
        await keys(pilot, "R")
        assert isinstance(app.screen, ReviewScreen)
        await settle(app, pilot)
        screen = app.screen
        items = list(screen.items)
        assert len(items) >= 4
        await keys(pilot, "a")  # item 0 accepted
        await keys(pilot, "x")  # item 1 rejected
        await keys(pilot, "space")  # item 2 skipped
        await keys(pilot, "s")  # item 3 skipped
        at_four = screen.index
        decided = suggesting_rows(project_path)
        title = str(screen.query_one("#review-title").render())
        await keys(pilot, "u")  # takes back the reject and shows item 1 again
        back_at, shown = screen.index, str(screen.query_one("#review-text").render())
        after_undo = suggesting_rows(project_path)
        await keys(pilot, "enter")  # accept item 1 this time
        title_after = str(screen.query_one("#review-title").render())
        await keys(pilot, "escape")
        reader = app.screen.query_one(Reader)
        seg = reader.shown.segments[reader.cursor]
        return items, at_four, decided, title, back_at, shown, after_undo, title_after, app.screen, seg

    items, at_four, decided, title, back_at, shown, after_undo, title_after, screen, seg = run(
        project_path, script, messages=messages
    )
    first, second, third = items[0], items[1], items[2]
    codings, decisions = decided
    assert at_four == 4
    assert decisions[first.segment.id][first.score.code_id] == "accepted"
    assert decisions[second.segment.id][second.score.code_id] == "rejected"
    assert third.score.code_id not in decisions.get(third.segment.id, {})  # a skip decides nothing
    assert (first.score.code_id, "suggested", first.segment.start, first.segment.end) in codings
    assert "2 decisions" in title and "a minute" in title
    assert back_at == 1 and second.segment.text.strip()[:40] in " ".join(shown.split())
    assert second.score.code_id not in after_undo[1].get(second.segment.id, {})
    assert "2 decisions" in title_after  # accept, reject, undo, accept
    assert isinstance(screen, MainScreen)
    # esc lands on the segment the review was showing (item 2, after item 1 was accepted again)
    assert seg.id == third.segment.id
    final = suggesting_rows(project_path)[1]
    assert final[second.segment.id][second.score.code_id] == "accepted"
    assert any(isinstance(m, ReviewScreen.Progress) for m in messages)  # computed in a worker, with progress


def test_review_queue_empty_says_what_to_do_next(project_path, monkeypatch):
    whole = suggesting.Suggester.review_queue
    monkeypatch.setattr(suggesting.Suggester, "review_queue", lambda self, *a, **kw: whole(self, *a, **kw)[:2])

    async def script(app, pilot):
        await keys(pilot, "R")
        await settle(app, pilot)
        await keys(pilot, "x", "x")
        empty = str(app.screen.query_one("#review-text").render())
        await keys(pilot, "a")  # nothing left to decide on: a note, no crash
        return empty, [n.message for n in app._notifications]

    empty, notes = run(project_path, script)
    assert "Queue empty. 2 decisions this session" in empty and "What next" in empty
    assert any("Nothing to decide on" in n for n in notes)


def test_retraining_runs_in_a_worker_after_enough_decisions_and_the_model_is_saved(project_path):
    source, segments, _ = first_source(project_path)
    with Project.open(project_path) as project:  # nine codings by hand: one decision short of the first training
        for seg in segments[1:10]:
            editing.code_spans(project, [(source.id, seg.start, seg.end)], "kapasitet", "t")
        assert project.suggest_model() is None
    notes: list = []

    async def script(app, pilot):
        app.notify = lambda message, **kw: notes.append(message)
        await keys(pilot, "j")  # coded with Kapasitet; Bemanning (permisjon) is still suggested
        assert app.screen.query_one(SuggestionsPanel).highlighted is not None
        await keys(pilot, "x")
        await settle(app, pilot)
        return app.training, app.suggester.trained

    training, trained = run(project_path, script)
    assert not training and trained is not None and trained.decisions == 10
    with Project.open(project_path) as project:
        saved = project.suggest_model()
        assert saved is not None and saved.decisions == 10
    assert any(n.startswith("suggestions retrained on 10 decisions:") for n in notes), notes


def test_the_review_queue_is_ranked_again_by_the_retrained_model_without_stopping(project_path):
    source, segments, _ = first_source(project_path)
    with Project.open(project_path) as project:  # nine codings by hand: the first decision in the queue retrains
        for n, seg in enumerate(segments[1:10]):
            code = ("kapasitet", "mandat", "samarbeid")[n % 3]  # three of each: enough for the model to learn them
            editing.code_spans(project, [(source.id, seg.start, seg.end)], code, "t")

    async def script(app, pilot):
        await keys(pilot, "R")
        await settle(app, pilot)
        screen = app.screen
        first = screen.items[0]
        await keys(pilot, "a")
        await settle(app, pilot)  # retrained in a worker, then the rest ranked again in another
        title = str(screen.query_one("#review-title").render())
        return screen, first, title, app.suggester.engine.model.learned.known

    screen, first, title, known = run(project_path, script)
    assert screen.reranked == 1 and "re-ranked" in title
    assert screen.items[0] is first and screen.index == 1  # what was decided stays where it was
    rest = [(q.segment.id, q.score.code_id) for q in screen.items[1:]]
    assert (first.segment.id, first.score.code_id) not in rest and len(rest) == len(set(rest))
    assert known and all(q.score.learned is not None for q in screen.items[1:] if q.score.code_id in known)


def test_snapshot_main_screen_with_suggestions(project_path, snap_compare):
    app = CoderApp(project_path, coder="t")
    app.background_suggestions = True

    async def before(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press("j")
        await pilot.pause()

    assert snap_compare(app, run_before=before, terminal_size=(80, 24))


def test_snapshot_review_screen(project_path, snap_compare):
    app = CoderApp(project_path, coder="t")
    app.background_suggestions = True

    async def before(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press("R")
        await settle(pilot.app, pilot)

    assert snap_compare(app, run_before=before, terminal_size=(80, 24))


def test_the_coded_segments_are_compared_in_the_background_not_on_the_first_key(project_path):
    source, segments, _ = first_source(project_path)
    with Project.open(project_path) as project:
        editing.code_spans(project, [(source.id, s.start, s.end) for s in segments[3:8]], "kapasitet", "t")

    async def script(app, pilot):
        left = app.suggester.warm(app.project)  # the build worker has done them all
        await keys(pilot, "j")
        panel = app.screen.query_one(SuggestionsPanel)
        await highlight(app, pilot, "kapasitet")
        return left, [s.id for s in panel.similar]

    left, similar = run(project_path, script)
    assert left == 0
    assert similar and set(similar) <= {s.id for s in segments[3:8]}


def test_a_long_review_queue_starts_before_everything_is_scored(project_path, monkeypatch):
    """Issue 21: scoring 50,000 answers takes most of a minute; the queue of the first part scored is walked
    meanwhile, and when the rest is scored what was decided stays and the rest of the queue comes from all."""
    import threading

    from coder.suggest import service as suggest_service

    monkeypatch.setattr(suggest_service, "FIRST_QUEUE_AFTER", 500)
    gate, calls = threading.Event(), []
    real = suggest_service.Suggester.score_segments

    def gated(self, project, segments):
        calls.append(len(segments))
        if len(calls) == 2:  # the second chunk waits until the test has decided on the first item
            gate.wait(20)
        return real(self, project, segments)

    monkeypatch.setattr(suggest_service.Suggester, "score_segments", gated)

    async def script(app, pilot):
        await keys(pilot, "R")
        screen = app.screen
        for _ in range(200):
            if screen.scoring and screen.current is not None:
                break
            await pilot.pause(0.05)
        early = screen.scoring, len(screen.items), screen.current
        bar_shown = not screen.query_one("#review-progress").has_class("done")
        await keys(pilot, "a")
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        return early, bar_shown, screen.scoring, list(screen.items), screen.index

    (scoring, n_first, first), bar_shown, still, items, index = run(project_path, script)
    assert scoring and n_first > 0 and first is not None and bar_shown
    assert not still and index == 1 and items[0] == first  # the decided item stays where it was
    assert not any(q.segment.id == first.segment.id and q.score.code_id == first.score.code_id for q in items[1:])
    from coder.model import is_interviewer

    with Project.open(project_path) as project:
        late = {s.id for s in [s for s in project.segment_texts() if not is_interviewer(s.speaker)][500:]}
    assert any(q.segment.id in late for q in items[1:])  # the rest of the queue comes from every segment
