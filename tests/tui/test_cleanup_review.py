"""The cleanup review (``T`` in retrieval) driven by keys on the demo: accept, keep as said, edit, skip, undo."""

from __future__ import annotations

import asyncio

from textual.widgets import OptionList, Static, TextArea

from coder.coding import service as editing
from coder.export import service as quotes
from coder.export.quotes import collect
from coder.store import Project
from coder.tui.app import CoderApp
from coder.tui.screens.cleanup_review import CleanupReview, marked
from coder.tui.screens.report_text import ReportTextEditor
from coder.tui.screens.retrieval import RetrievalScreen
from tests.tui.pilot import SIZE, keys

#: (source, turn): informants' turns with fillers («Eh,», «altså,», «eh,»), coded Kapasitet
TURNS = (("Intervju 01", 1), ("Intervju 01", 3), ("Intervju 01", 5), ("Intervju 04", 3), ("Intervju 02", 4))
EDITED = "Vi lyste ut i oktober og fikk to søkere."


def _seed(path) -> list[int]:
    with Project.open(path) as project:
        ids = []
        for name, index in TURNS:
            source_id = project.source_by_name(name)[0]
            seg = project.segments(source_id)[index]
            ids += editing.code_spans(project, [(source_id, seg.start, seg.end)], "kapasitet", "t")
        quotes.set_report_text(project, ids[-1], "Den er god, faktisk.", "t")  # saved already: not reviewed
        return ids


def _text(app, name: str) -> str:
    return str(app.screen.query_one(f"#{name}", Static).render())


def test_review_accepts_keeps_edits_and_undoes(project_path):
    ids = _seed(project_path)
    with Project.open(project_path) as project:
        proposals = {i: quotes.proposal(project, i, capital=True).text for i in ids}
        said = {i: " ".join(quotes.original_text(project, i).split()) for i in ids}

    async def main():
        seen: dict[str, object] = {}
        app = CoderApp(project_path, coder="test", nlp_loader=lambda setting: None)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.screen.query_one("#code-tree").focus()
            await keys(pilot, "home", "r")  # Kapasitet
            assert isinstance(app.screen, RetrievalScreen)
            await keys(pilot, "T")
            assert isinstance(app.screen, CleanupReview)
            seen["first"] = (_text(app, "cleanup-count"), _text(app, "cleanup-proposal"), _text(app, "cleanup-said"))
            await keys(pilot, "a", "k")
            seen["after two"] = _text(app, "cleanup-count")
            await keys(pilot, "e")
            assert isinstance(app.screen, ReportTextEditor)
            area = app.screen.query_one("#report-text", TextArea)
            seen["edit prefilled"] = area.text
            area.text = EDITED
            await keys(pilot, "ctrl+s")
            assert isinstance(app.screen, CleanupReview)
            with Project.open(project_path) as project:
                seen["edited"] = quotes.report_text(project, ids[2])
            await keys(pilot, "u")  # the edit is undone, the review is back on that passage
            seen["undone"] = _text(app, "cleanup-count")
            with Project.open(project_path) as project:
                seen["after undo"] = quotes.report_text(project, ids[2])
            await keys(pilot, "space", "space")
            seen["end"] = (_text(app, "cleanup-count"), _text(app, "cleanup-hint"))
            await keys(pilot, "escape")
            assert isinstance(app.screen, RetrievalScreen)
            listing = app.screen.query_one("#retrieval-list", OptionList)
            seen["markers"] = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        return seen

    seen = asyncio.run(main())
    count, proposal, as_said = seen["first"]
    assert count == "1 of 4"  # the fifth passage has a saved report text
    assert proposal == proposals[ids[0]] and as_said == said[ids[0]] != proposal
    assert seen["after two"] == "3 of 4 · 1 accepted · 1 kept"
    assert seen["edit prefilled"] == proposals[ids[2]]
    assert seen["edited"] == EDITED and seen["after undo"] is None
    assert seen["undone"] == "3 of 4 · 1 accepted · 1 kept"
    assert seen["end"][0] == "all 4 reviewed · 1 accepted · 1 kept · 2 skipped"
    assert "1 accepted · 1 kept · 2 skipped" in seen["end"][1]
    assert "¶ report text" in seen["markers"][0] and "¶ as said" in seen["markers"][1]
    with Project.open(project_path) as project:
        saved = {i: quotes.report_text(project, i) for i in ids}
        assert project.undo_label() == "kept the words as said"
        # an export with --clean: the kept one as said and not marked cleaned, the skipped ones cleaned
        result = collect(project, ["kapasitet"], clean=True)
    assert saved == {ids[0]: proposals[ids[0]], ids[1]: said[ids[1]], ids[2]: None, ids[3]: None,
                     ids[4]: "Den er god, faktisk."}  # fmt: skip
    by_start = {q.coding_ids[0]: q for q in result.quotes}
    assert by_start[ids[1]].text == said[ids[1]] and not by_start[ids[1]].cleaned
    assert by_start[ids[1]].report_text == said[ids[1]]
    assert by_start[ids[2]].cleaned and by_start[ids[2]].report_text == proposals[ids[2]]
    assert by_start[ids[0]].report_text == proposals[ids[0]] and not by_start[ids[0]].cleaned


def test_marked_strikes_what_the_proposal_leaves_out():
    left, right = marked("Vi har, eh, la meg se, vi hadde to", "Vi hadde to")
    struck = "".join(left.plain[s.start : s.end] for s in left.spans if "strike" in str(s.style))
    assert left.plain == "Vi har, eh, la meg se, vi hadde to" and "eh," in struck and "hadde" not in struck
    assert right.plain == "Vi hadde to" and not right.spans
    _, added = marked("ventetiden er lang", "[…] Ventetiden er lang.")
    assert [added.plain[s.start : s.end] for s in added.spans] == ["[…] Ventetiden", "lang."]


def test_the_help_names_the_new_keys():
    from rich.console import Console

    from coder.tui.screens.help import keys_table
    from coder.tui.screens.tables import TablesScreen

    console = Console(width=120, record=True)
    console.print(
        keys_table([("R", RetrievalScreen.BINDINGS), ("C", CleanupReview.BINDINGS), ("T", TablesScreen.BINDINGS)])
    )
    rows = [line.strip() for line in console.export_text().splitlines()]
    assert any(r.startswith("T ") and "cleanup proposal" in r for r in rows)
    assert any(r.startswith("a enter ") and "save the proposal" in r for r in rows)
    assert any(r.startswith("k ") and "as said" in r for r in rows)
    assert any(r.startswith("b ") and "bars" in r for r in rows)
