"""The coding screen's footer is rebuilt once for the binding changes of a refresh, not once for each (issue 21:
start-up rebuilt it five times), and still shows the keys of what has the focus."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from coder.tui.footer import KeysFooter
from tests.tui.pilot import drive, keys


def test_a_burst_of_binding_changes_rebuilds_the_footer_once(project_path):
    async def script(app, pilot):
        footer = app.screen.query_one(KeysFooter)
        rebuilt = []
        real = footer.recompose

        async def counted():
            rebuilt.append(True)
            await real()

        footer.recompose = counted
        for _ in range(5):
            app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        in_reader = {k.key_display for k in footer.query(FooterKey)}
        burst = len(rebuilt)
        await keys(pilot, "tab")  # to the sources list: its keys
        await pilot.pause()
        in_list = {k.key_display for k in footer.query(FooterKey)}
        return burst, in_reader, in_list

    rebuilt, in_reader, in_list = drive(project_path, script)
    assert rebuilt == 1
    assert "1-9" in in_reader and "1-9" not in in_list and "t" in in_list
