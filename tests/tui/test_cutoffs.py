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
