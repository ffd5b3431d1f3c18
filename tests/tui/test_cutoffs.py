"""Nothing shown is cut so that it cannot be told apart (issue 18, item 6): at 80×24 the codebook's rows, the reader's
margin and speakers, the status line; at 200×60 the labels whole."""

from __future__ import annotations

from tests.tui.pilot import drive, keys


def _rows(widget) -> list[str]:
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def _codebook(app) -> list[str]:
    return [row for row in _rows(app.screen.query_one("#code-tree")) if row.strip()]


def test_codebook_rows_stay_distinguishable_when_narrow_and_whole_when_wide(project_path):
    async def script(app, pilot):
        await keys(pilot, "j")
        narrow = _codebook(app)
        await pilot.resize_terminal(200, 60)
        await pilot.pause(0.2)
        return narrow, _codebook(app)

    narrow, wide = drive(project_path, script)
    assert len(set(narrow)) == len(narrow), narrow
    assert not [row for row in narrow if row.rstrip().endswith("Samarbeid med")], narrow
    assert any("skole" in row for row in narrow) and any("barnehage" in row for row in narrow)
    assert any(row.strip().endswith("■ Samarbeid med helse og barnevern") for row in wide), wide
    assert any("Sakkyndig vurdering og regelverk" in row for row in wide)


def test_the_margin_tells_codes_apart_and_speakers_keep_distinct_names(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "1", "j", "8")  # Kapasitet on one turn, Kompetanse og rekruttering on the next
        reader = app.screen.reader
        gutter, text, margin = reader._geometry()
        rows = _rows(reader)
        names = [row[gutter + text + 1 :].strip(" ▐") for row in rows if "▐" in row]
        return [n for n in names if n], margin

    names, margin = drive(project_path, script)
    assert margin >= 6
    assert "Kap" in names and any(n.startswith("Ko") for n in names), names
    assert "K" not in names


def test_speakers_cut_to_the_gutter_stay_apart_and_say_they_are_cut(project_path):
    async def script(app, pilot):
        app.screen.open_source(2)  # Intervju 02: Intervjuer, PP-leder, Informant 2
        await pilot.pause()
        reader = app.screen.reader
        gutter = reader._geometry()[0]
        shown = {row[:gutter].strip() for row in _rows(reader)} - {""}
        return shown, gutter

    shown, gutter = drive(project_path, script)
    assert {"Inter…", "PP-le…"} <= shown, (shown, gutter)


def test_the_status_line_fits_and_cuts_no_label_without_an_ellipsis(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "1", "8", "o")  # two codings on one turn, the second in focus
        status = app.screen.query_one("#status")
        return str(status.render()), status.content_region.width, {c.label for c in app.screen.codes.values()}

    status, width, labels = drive(project_path, script)
    assert len(status) <= width, status
    names = status.split("▸ ", 1)[1].split("  ")[0].split(", ")
    assert len(names) == 2 and any(n.startswith("[") for n in names), status
    for name in names:
        name = name.strip("[]")
        assert name in labels or "…" in name, (name, status)


def test_sources_rows_are_whole_on_a_large_terminal_and_say_when_they_are_cut(project_path):
    async def script(app, pilot):
        seen = {}
        for size in ((200, 60), (160, 45), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.2)
            seen[size] = [row.strip() for row in _rows(app.screen.query_one("#source-tree")) if "Intervju" in row]
        return seen

    seen = drive(project_path, script)
    assert seen[(200, 60)][0].endswith("· Kommunal · 6-15 · Øst"), seen
    assert all(row.endswith(("…", "Øst", "Midt", "Vest", "Nord", "Sør")) for row in seen[(160, 45)]), seen
    assert seen[(80, 24)][:2] == ["Intervju 01", "Intervju 02"]


def test_the_header_puts_what_was_just_done_first_when_short_of_room(project_path):
    from textual.widgets._header import HeaderTitle

    async def script(app, pilot):
        await keys(pilot, "j", "8")
        title = app.screen.query_one(HeaderTitle)
        return str(title.render()), title.content_region.width

    shown, width = drive(project_path, script)
    assert "coded as Kompetanse og rekruttering" in shown and len(shown) <= width, (shown, width)


def test_the_report_text_dialog_fits_a_small_terminal(project_path):
    from textual.widgets import Footer

    from coder.export.report_text import propose
    from coder.tui.screens.report_text import ReportTextEditor

    said = "Ja, altså, eh, vi har jo hatt det sånn at, at ventetiden har blitt lengre og lengre for hvert år. " * 6

    async def script(app, pilot):
        app.push_screen(ReportTextEditor("Report text · Intervju 01 · IP", said, propose(said), None))
        await pilot.pause(0.2)
        box = app.screen.query_one("ReportTextEditor > Vertical")
        hint = app.screen.query_one("#report-hint")
        return box.region, hint.region, app.screen.query_one(Footer).region, box.scrollable_content_region

    box, hint, footer, inner = drive(project_path, script)
    assert hint.height >= 1 and hint.y + hint.height <= box.y + box.height - 1, (box, hint)  # inside, above its border
    assert box.y >= 0 and box.y + box.height <= footer.y, (box, footer)


def test_table_labels_are_whole_on_a_large_terminal_and_apart_on_a_small_one(project_path):
    from textual.widgets import DataTable

    async def script(app, pilot):
        seen = {}
        await keys(pilot, "T")
        for size in ((80, 24), (200, 60)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            app.screen._fill()
            await pilot.pause(0.2)
            grid = app.screen.query_one(DataTable)
            seen[size] = [str(grid.get_row_at(y)[0]) for y in range(grid.row_count)]
        return seen

    seen = drive(project_path, script)
    assert "  Samarbeid med helse og barnevern" in seen[(200, 60)]
    assert "Sakkyndig vurdering og regelverk" in seen[(200, 60)]
    small = seen[(80, 24)]
    assert len(set(small)) == len(small) and all(len(label) <= 30 for label in small), small
