"""The tables view (``T``) driven by keys at 80×24: choose the table, attribute, source and filter, export."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from textual.widgets import DataTable, Input, Static

from coder.analysis.service import TableRequest, build_table
from coder.coding import service as editing
from coder.store import Project
from coder.tui.screens.dialogs import Prompt
from coder.tui.screens.help import HelpScreen
from coder.tui.screens.tables import Choose, TablesScreen
from tests.tui.pilot import drive, keys

#: code → a word: every answer and turn with the word gets the code
RULES = {"kapasitet": "kapasitet", "ventetid": "vente", "samarbeid_skole": "skole", "kompetanseloftet": "kompetanse"}


def seed(path: Path) -> None:
    """Code the demo by words, so the tables have something to count."""
    with Project.open(path) as project:
        for source in project.sources():
            text = project.source_text(source.id)
            for code, word in RULES.items():
                spans = [
                    (source.id, s.start, s.end)
                    for s in project.segments(source.id)
                    if word in text[s.start : s.end].lower()
                ]
                if spans:
                    editing.code_spans(project, spans, code, "test")


async def settle(app, pilot) -> None:
    """Let the counting worker finish and the table show."""
    await app.workers.wait_for_complete()
    await pilot.pause()


def grid(app) -> tuple[list[str], list[list[str]]]:
    """The header (one line per title) and the cells of the table on screen, as text."""
    table = app.screen.query_one(DataTable)
    header = [" ".join(str(c.label).split("\n")) for c in table.columns.values()]
    rows = [[str(cell).strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]
    return header, rows


def info(app) -> str:
    return str(app.screen.query_one("#tables-info", Static).render())


def expected(path: Path, request: TableRequest, show="both") -> tuple[list[str], list[list[str]]]:
    with Project.open(path) as project:
        table = build_table(project, request)
    return table.header(), [[row[0].strip()] + [c.strip() for c in row[1:]] for row in table.text_rows(show)]


def same(shown: tuple[list[str], list[list[str]]], wanted: tuple[list[str], list[list[str]]]) -> bool:
    """The table on screen is ``wanted``: the same header and numbers, and each code's name whole or shortened
    around «…» (coder/tui/shorten.py) so that no two read the same."""
    (header, rows), (want_header, want_rows) = shown, wanted
    assert header == want_header
    assert [r[1:] for r in rows] == [r[1:] for r in want_rows]
    for name, full in zip((r[0] for r in rows), (r[0] for r in want_rows), strict=True):
        assert name == full or all(part.strip() in full for part in name.split("…") if part.strip()), (name, full)
    names = [r[0] for r in rows]
    assert len(set(names)) == len(names), names
    return True


def test_choose_each_table_attribute_source_and_filter(project_path):
    seed(project_path)

    async def script(app, pilot):
        await keys(pilot, "T")
        assert isinstance(app.screen, TablesScreen)
        await settle(app, pilot)
        shown = {"frequencies": grid(app)}
        await keys(pilot, "2")  # codes × the first attribute
        await settle(app, pilot)
        shown["tjenestetype"] = grid(app)
        await keys(pilot, "a")
        assert isinstance(app.screen, Choose)
        await keys(pilot, "down", "down", "enter")  # tjenestetype, årsverk, landsdel
        await settle(app, pilot)
        shown["landsdel"] = grid(app)
        await keys(pilot, "s")
        await keys(pilot, *["down"] * 9, "enter")  # All sources, eight interviews, then q1
        await settle(app, pilot)
        shown["landsdel q1"] = grid(app)
        shown["info q1"] = info(app)
        await keys(pilot, "f")
        assert isinstance(app.screen.focused, Input)
        await pilot.press(*"tjenestetype=kommunal")
        await keys(pilot, "enter")
        await settle(app, pilot)
        shown["landsdel q1 kommunal"] = grid(app)
        shown["info kommunal"] = info(app)
        await keys(pilot, "h", "v")  # parents count their sub-codes; cells show the percent only
        await settle(app, pilot)
        shown["subcodes percent"] = grid(app)
        await keys(pilot, "3")
        await settle(app, pilot)
        shown["cooccurrence"] = grid(app)
        shown["title"] = str(app.screen.query_one("#tables-title", Static).render())
        await keys(pilot, "escape")
        shown["back"] = type(app.screen).__name__
        return shown

    shown = drive(project_path, script)
    assert same(shown["frequencies"], expected(project_path, TableRequest("frequencies")))
    header, rows = shown["tjenestetype"]
    assert header == expected(project_path, TableRequest("attribute", "tjenestetype"))[0]
    assert [h.split(" (n=")[0] for h in header[1:]] == ["Fylkeskommunal", "Interkommunal", "Kommunal", "Totalt"]
    assert same(shown["landsdel"], expected(project_path, TableRequest("attribute", "landsdel")))
    q1 = TableRequest("attribute", "landsdel", sources=("9",))
    assert same(shown["landsdel q1"], expected(project_path, q1))
    assert shown["info q1"].startswith("ppt-ledere-2026: q1_kapasitet · own codings only")
    kommunal = TableRequest("attribute", "landsdel", sources=("9",), where="tjenestetype=kommunal")
    assert same(shown["landsdel q1 kommunal"], expected(project_path, kommunal))
    assert "filter: tjenestetype=kommunal" in shown["info kommunal"]
    total = shown["landsdel q1 kommunal"][0][-1]
    assert total == "Totalt (n=112)"  # Kommunal rows with an answer to q1: 115, less two empty and one '-'
    assert rows[0][0] == "Kapasitet"
    rolled = TableRequest("attribute", "landsdel", sources=("9",), where="tjenestetype=kommunal", subcodes=True)
    assert same(shown["subcodes percent"], expected(project_path, rolled, show="percent"))
    assert all("(" not in cell for row in shown["subcodes percent"][1] for cell in row[1:])
    assert shown["cooccurrence"][0][:3] == ["Kode", "1", "2"]
    assert "Samforekomst av koder" in shown["title"]
    assert shown["back"] == "MainScreen"


def test_export_the_table_shown(project_path, tmp_path):
    seed(project_path)
    target = tmp_path / "tabell.xlsx"

    async def script(app, pilot):
        await keys(pilot, "T", "2")
        await settle(app, pilot)
        await keys(pilot, "e")
        assert isinstance(app.screen, Prompt)
        default = app.screen.query_one(Input).value
        app.screen.query_one(Input).value = str(target)
        await keys(pilot, "enter")
        return default, [n.message for n in app._notifications]

    default, notes = drive(project_path, script)
    assert default == "koder-etter-tjenestetype.xlsx"
    assert any(str(target) in n for n in notes), notes
    sheet = load_workbook(target)["Tabell"]
    header, rows = expected(project_path, TableRequest("attribute", "tjenestetype"))
    assert sheet["D1"].value == f"{header[1]} antall"
    kapasitet = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "kapasitet")
    with Project.open(project_path) as project:
        table = build_table(project, TableRequest("attribute", "tjenestetype"))
    first = next(r for r in table.rows if r.code_id == "kapasitet").cells[0]
    assert kapasitet[3:5] == (first.count, first.fraction)


def test_export_refuses_a_format_it_cannot_write_and_a_missing_folder(project_path, tmp_path):
    async def script(app, pilot):
        await keys(pilot, "T")
        await settle(app, pilot)
        for name in (tmp_path / "tabell.pdf", tmp_path / "mangler" / "tabell.csv"):
            await keys(pilot, "e")
            app.screen.query_one(Input).value = str(name)
            await keys(pilot, "enter")
        await keys(pilot, "e")
        app.screen.query_one(Input).value = str(tmp_path / "frekvenser")  # no suffix: .xlsx
        await keys(pilot, "enter")
        return [n.message for n in app._notifications], type(app.screen).__name__

    notes, screen = drive(project_path, script)
    assert any("tabell.pdf: write .xlsx, .csv or .md" in n for n in notes), notes
    assert any("the folder" in n and "mangler" in n and "does not exist" in n for n in notes), notes
    assert screen == "TablesScreen"
    assert (tmp_path / "frekvenser.xlsx").exists() and not (tmp_path / "tabell.pdf").exists()


def test_a_bad_filter_is_a_notification_and_the_table_stays(project_path):
    async def script(app, pilot):
        await keys(pilot, "T")
        await settle(app, pilot)
        before = grid(app)
        await keys(pilot, "f")
        await pilot.press(*"region=nord")
        await keys(pilot, "enter")
        await settle(app, pilot)
        return before, grid(app), [n.message for n in app._notifications]

    before, after, notes = drive(project_path, script)
    assert after == before
    assert any("no attribute starts with 'region'" in n for n in notes), notes


def test_palette_and_help_reach_the_tables(project_path):
    async def script(app, pilot):
        await keys(pilot, "ctrl+p")
        await pilot.press(*"tables for")
        await keys(pilot, "enter")
        from_palette = type(app.screen).__name__
        await settle(app, pilot)
        await keys(pilot, "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        helped = {title: [b.tooltip or b.description for b in bindings] for title, bindings in app.screen.sections}
        return from_palette, helped

    from_palette, helped = drive(project_path, script)
    assert from_palette == "TablesScreen"
    assert "write the table shown to .xlsx, .csv (;) or .md" in helped["Tables (T)"]
    assert "tables for the report: frequencies, codes × attribute" in helped["Coding"]
