"""Exports from the TUI name what was chosen and can be read by the project's group (issue 18, item 10)."""

from __future__ import annotations

import os
import stat

from coder.export.passages import atomic_write
from tests.tui.pilot import keys
from tests.tui.test_quotes_tui import _drive, _seed


def test_a_retrieval_export_names_its_filter_and_follows_the_umask(project_path):
    _seed(project_path)
    target = project_path.parent / "kommunal.md"
    old = os.umask(0o002)  # a shared server's project group: members may read and write
    try:

        async def script(app, pilot, notes):
            await keys(pilot, "f")
            await pilot.press(*"tjen=kommunal")
            await keys(pilot, "enter")
            app.screen.export_to(target)
            await app.workers.wait_for_complete()
            await pilot.pause()
            return notes

        _drive(project_path, script)
    finally:
        os.umask(old)
    text = target.read_text(encoding="utf-8")
    assert "Utvalget som ble vist i gjenfinningen: filter tjen=kommunal." in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o664


def test_atomic_write_gives_the_mode_the_umask_gives(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "a.csv", lambda p: p.write_text("x"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o640
