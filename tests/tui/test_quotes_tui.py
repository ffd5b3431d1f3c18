"""Report texts (``t``) and quote export (``e``) in the retrieval view, driven by keys on the demo project."""

from __future__ import annotations

import asyncio

import docx
from textual.widgets import Input, OptionList, TextArea

from coder.coding import service as editing
from coder.export import service as quotes
from coder.store import Project
from coder.tui.app import CoderApp
from coder.tui.screens.dialogs import Prompt
from coder.tui.screens.report_text import ReportTextEditor
from coder.tui.screens.retrieval import RetrievalScreen
from tests.tui.pilot import SIZE, keys


def _seed(path) -> dict[str, int]:
    """Kapasitet on an informant's turn of interviews 01 and 04 (Kommunal; 04's holds a phone number) and 02
    (Interkommunal)."""
    with Project.open(path) as project:
        ids = {}
        for name, index in (("Intervju 01", 3), ("Intervju 02", None), ("Intervju 04", 33)):
            source_id = project.source_by_name(name)[0]
            segments = project.segments(source_id)
            seg = segments[index] if index is not None else next(s for s in segments[3:] if s.speaker != "Intervjuer")
            ids[name] = editing.code_spans(project, [(source_id, seg.start, seg.end)], "kapasitet", "t")[0]
        return ids


def _drive(path, script):
    """The app with the anonymisation check on its patterns only (no pipeline to load: fast)."""

    async def main():
        app = CoderApp(path, coder="test", nlp_loader=lambda setting: None)
        notes: list[tuple[str, dict]] = []
        notify = app.notify

        def record(message, **kwargs):
            notes.append((str(message), kwargs))
            return notify(message, **kwargs)

        app.notify = record
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.screen.query_one("#code-tree").focus()
            await keys(pilot, "home", "r")  # Kapasitet
            assert isinstance(app.screen, RetrievalScreen)
            return await script(app, pilot, notes)

    return asyncio.run(main())


def test_report_text_dialog_proposes_saves_and_removes(project_path):
    ids = _seed(project_path)
    coding = ids["Intervju 01"]
    with Project.open(project_path) as project:
        proposal = quotes.proposal(project, coding).text
        original = quotes.original_text(project, coding)

    async def script(app, pilot, notes):
        seen = {}
        await keys(pilot, "t")
        assert isinstance(app.screen, ReportTextEditor)
        seen["prefilled"] = app.screen.query_one("#report-text", TextArea).text
        seen["hint"] = str(app.screen.query_one("#report-hint").render())
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, RetrievalScreen)
        seen["marker"] = str(app.screen.query_one("#retrieval-list", OptionList).get_option_at_index(0).prompt)
        seen["status"] = app.sub_title
        with Project.open(project_path) as project:
            seen["saved"] = quotes.report_text(project, coding)
        # again: the saved text, then the words as said, edited by hand
        await keys(pilot, "t")
        area = app.screen.query_one("#report-text", TextArea)
        seen["reopened"] = area.text
        await keys(pilot, "ctrl+o")
        seen["as said"] = area.text
        area.text = "Det er mest spesialpedagoger. […] Vi har én logoped."
        await keys(pilot, "ctrl+s")
        with Project.open(project_path) as project:
            seen["edited"] = quotes.report_text(project, coding)
        # escape leaves it as it was; ctrl+x removes it
        await keys(pilot, "t")
        app.screen.query_one("#report-text", TextArea).text = "Noe helt annet."
        await keys(pilot, "escape", "t", "ctrl+x")
        with Project.open(project_path) as project:
            seen["removed"] = quotes.report_text(project, coding)
            seen["undo"] = project.undo_label()
        return seen

    seen = _drive(project_path, script)
    assert seen["prefilled"] == proposal != original
    assert proposal.startswith("Det er mest spesialpedagoger, noen med master og noen med eldre utdanning.")
    assert "cut: " in seen["hint"] and "altså" in seen["hint"]
    assert seen["saved"] == proposal
    assert "¶ report text" in seen["marker"] and "report text saved" in seen["status"]
    assert seen["reopened"] == proposal
    assert seen["as said"] == " ".join(original.split())
    assert seen["edited"] == "Det er mest spesialpedagoger. […] Vi har én logoped."
    assert seen["removed"] is None and seen["undo"] == "removed the report text"
    with Project.open(project_path) as project:
        project.undo()  # the removal
        assert quotes.report_text(project, coding) == "Det er mest spesialpedagoger. […] Vi har én logoped."
        assert project.source_text(project.coding(coding).source_id).count(original) == 1


def test_export_the_passages_shown_as_quotes(project_path):
    ids = _seed(project_path)
    with Project.open(project_path) as project:
        quotes.set_report_text(project, ids["Intervju 01"], "Det er mest spesialpedagoger. Vi har én logoped.", "t")

    async def script(app, pilot, notes):
        await keys(pilot, "e")
        assert isinstance(app.screen, Prompt)
        default = app.screen.query_one("#prompt-input", Input).value
        await keys(pilot, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # only the Kommunal passages, to Markdown
        await keys(pilot, "f")
        await pilot.press(*"tjen=kommunal")
        await keys(pilot, "enter", "e")
        app.screen.query_one("#prompt-input", Input).value = "kommunal.md"
        await keys(pilot, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        return default, notes

    default, notes = _drive(project_path, script)
    target = project_path.parent / "kapasitet.docx"
    assert default == str(target)
    document = docx.Document(str(target))
    blocks = [p for p in document.paragraphs if p.style.name == "Sitat"]
    assert len(blocks) == 3
    assert blocks[1].text.endswith("(Interkommunal PP-leder)")
    assert blocks[0].text == "Det er mest spesialpedagoger. Vi har én logoped. (Kommunal PP-leder)"
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    # one code: its heading is the title
    assert headings == [("Heading 1", "Sitater: Kapasitet"), ("Heading 1", "Sporbarhet")], headings
    messages = [m for m, _ in notes]
    assert any(m.startswith("Wrote 3 quotes to") for m in messages)
    assert any(m.startswith("Wrote 2 quotes to") for m in messages)
    warning = next(kw for m, kw in notes if "PHONE «918 47 263»" in m)
    assert warning["severity"] == "warning" and warning["title"] == "Identifiers not yet reviewed in the quotes"
    markdown = (project_path.parent / "kommunal.md").read_text(encoding="utf-8")
    assert markdown.count("\n> (Kommunal PP-leder)") == 2 and "Interkommunal" not in markdown


def test_export_to_an_unknown_format_says_so(project_path):
    _seed(project_path)

    async def script(app, pilot, notes):
        await keys(pilot, "e")
        app.screen.query_one("#prompt-input", Input).value = "sitater.pdf"
        await keys(pilot, "enter")
        await app.workers.wait_for_complete()
        return notes, type(app.screen).__name__

    notes, screen = _drive(project_path, script)
    assert screen == "RetrievalScreen"
    assert any("--format" in m or ".docx .md .csv" in m for m, _ in notes)
    assert not (project_path.parent / "sitater.pdf").exists()
