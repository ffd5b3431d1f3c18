"""The tables view's bar view (``b``): codes by an attribute as bars of block characters, at 80×24 and 200×60."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from coder.analysis.bars import bar, bar_text, bar_view, distinct, group_labels
from coder.analysis.service import TableRequest, build_table
from coder.analysis.tables import Column, Row, Share, Table
from coder.store import Project
from tests.tui.pilot import drive, keys
from tests.tui.test_tables_tui import seed, settle


def _bars(app) -> list[str]:
    return str(app.screen.query_one("#tables-bars-text", Static).render()).splitlines()


def _line(lines: list[str], title: str, group: str) -> str:
    """The line of ``group`` under the code titled ``title``."""
    at = next(i for i, line in enumerate(lines) if line.strip() == title)
    return next(line for line in lines[at + 1 :] if line.strip().startswith(group))


def test_bars_toggle_scale_to_the_width_and_follow_the_values_key(project_path):
    seed(project_path)
    with Project.open(project_path) as project:
        table = build_table(project, TableRequest("attribute", attribute=project.attribute_keys()[0]))
    kapasitet = next(r for r in table.rows if r.code_id == "kapasitet")

    async def script(app, pilot, size):
        await settle(app, pilot)
        await keys(pilot, "T")
        await settle(app, pilot)
        await keys(pilot, "b")  # from code frequencies: the attribute table, in bars
        await settle(app, pilot)
        seen = {"kind": app.screen.request.kind, "lines": _bars(app)}
        seen["grid shown"] = app.screen.query_one(DataTable).display
        seen["bars shown"] = app.screen.query_one("#tables-bars", VerticalScroll).display
        await keys(pilot, "v")
        seen["percent"] = _bars(app)
        await keys(pilot, "b")
        seen["back"] = (app.screen.query_one(DataTable).display, app.screen.query_one("#tables-bars").display)
        return seen

    narrow = drive(project_path, lambda app, pilot: script(app, pilot, (80, 24)))
    wide = drive(project_path, lambda app, pilot: script(app, pilot, (200, 60)), size=(200, 60))
    assert narrow["kind"] == "attribute" and narrow["bars shown"] and not narrow["grid shown"]
    assert narrow["back"] == (True, False)
    for seen, width in ((narrow, 80), (wide, 200)):
        lines = seen["lines"]
        assert max(len(line) for line in lines) <= width - 6  # inside the border, padding and scroll bar
        assert lines[0].strip().startswith("0 %") and lines[0].rstrip().endswith("100 %")
        for column, share in zip(table.columns, kapasitet.cells, strict=False):
            if column.title.startswith("Totalt"):
                continue
            line = _line(lines, "Kapasitet", column.title)
            count = line.count("█")
            full = len(lines[0].rstrip()) - lines[0].index("0 %")  # the axis spans the bar's full width
            assert abs(count - share.fraction * full) <= 1.5, (line, share)
            percent = round(100 * share.count / share.n)
            assert line.endswith(f"{percent} % ({share.count})")
        assert any(line.endswith("0 % in every group") for line in lines)  # a code nobody's case has: one line
        assert any(line.rstrip().endswith(" %") and "(" not in line.split("█")[-1] for line in seen["percent"][1:])
    assert wide["lines"][2].count("█") > 2 * narrow["lines"][2].count("█")  # the bars use the width


def _table(titles: list[str], shares: list[Share], depth: int = 0) -> Table:
    columns = [Column(t, "share") for t in titles] + [Column("Totalt (n=9)", "share")]
    rows = [Row("Kode", [*shares, Share(0, 9)], "k"), Row("Underkode", [*shares, Share(0, 9)], "u", depth + 1)]
    return Table("attribute", "t", columns, rows)


def test_bars_in_eighths_and_names_cut_apart():
    assert bar(0.5, 10) == "█████" and bar(0.05, 10) == "▌" and bar(0.0625, 10) == "▋" and bar(1 / 80, 10) == "▏"
    assert bar(None, 10) == bar(0, 10) == "" and bar(1.3, 4) == "████"
    assert distinct(["Fylkeskommunal", "Fylkeskommune", "Kommunal"], 8) == ["Fylk…nal", "Fylk…une", "Kommunal"]
    assert distinct(["Kommunal", "Interkommunal"], 6) == ["Kommu…", "Inter…"]
    labels = group_labels(["Fylkeskommunal (n=17)", "Fylkeskommune (n=3)", "Kommunal (n=117)"], 12)
    assert labels == ["Fy…l (n=17)", "Fy…e (n=3)", "Ko…l (n=117)"]  # the n kept, the names still told apart
    view = bar_view(_table(["Kommunal (n=4)", "Interkommunal (n=5)"], [Share(2, 4), Share(0, 5)]), 40)
    text = bar_text(view)
    assert "Totalt" not in text
    assert max(len(line) for line in text.splitlines()) <= 40
    assert "  Underkode" in text and "    Kommu… (n=4)  ██████▌ 50 % (2)" in text  # groups deeper than any code
