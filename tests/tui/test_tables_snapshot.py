"""A snapshot of the tables view at 80×24: codes by tjenestetype on the demo, coded by words.

After a wanted change of look: ``pytest tests/tui/test_tables_snapshot.py --snapshot-update``.
"""

from __future__ import annotations

from coder.tui.app import CoderApp
from tests.tui.test_tables_tui import seed


def test_attribute_table(project_path, snap_compare):
    seed(project_path)

    async def open_table(pilot) -> None:
        for key in ("T", "2"):
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    assert snap_compare(CoderApp(project_path, coder="t"), run_before=open_table, terminal_size=(80, 24))


def test_bar_view(project_path, snap_compare):
    """The same table as bars (``b``): a line per group with its n, bars in eighths of a cell, «59 % (10)»."""
    seed(project_path)

    async def open_bars(pilot) -> None:
        for key in ("T", "2", "b"):
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    assert snap_compare(CoderApp(project_path, coder="t"), run_before=open_bars, terminal_size=(80, 24))
