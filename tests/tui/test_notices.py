"""Notifications cover nothing that matters (issue 18, item 7): a message that only informs is one line over the
footer, on any screen, the newest replacing the one before; a warning or an error may still stand over the content."""

from __future__ import annotations

import asyncio

from textual.widgets import Footer
from textual.widgets._toast import Toast

from coder.tui.app import CoderApp
from tests.tui.pilot import keys

LONG = "suggestions retrained on 59 decisions: 9 codes learned, 5 on keywords"


def drive(path, script):
    """As tests/tui/pilot.drive, with notifications shown (run_test hides them by default)."""

    async def main():
        app = CoderApp(path, coder="test")
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await pilot.pause()
            return await script(app, pilot)

    return asyncio.run(main())


def _toasts(app) -> list:
    return [(t.region, sorted(t.classes)) for t in app.screen.query(Toast)]


def test_an_information_covers_only_the_footer_on_the_main_screen_and_elsewhere(project_path):
    async def script(app, pilot):
        seen = {}
        for size in ((80, 24), (200, 60)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            app.notify("Pseudonymised\nthree names", title="Check")
            app.notify(LONG, timeout=4)
            await pilot.pause(0.3)
            footer = app.screen.query_one(Footer).region
            seen[size] = (footer, _toasts(app))
        await keys(pilot, "T")  # the tables screen
        app.notify(LONG, timeout=4)
        await pilot.pause(0.3)
        seen["tables"] = (app.screen.query_one(Footer).region, _toasts(app))
        return seen

    for where, (footer, toasts) in drive(project_path, script).items():
        infos = [region for region, classes in toasts if "-information" in classes]
        assert len(infos) == 1, (where, toasts)  # the newest replaced the one before
        (region,) = infos
        assert region.y == footer.y and region.height == 1, (where, region, footer)


def test_a_short_warning_is_a_line_over_the_footer_too(project_path):
    async def script(app, pilot):
        app.notify("Nothing suggested here", severity="warning", timeout=4)
        await pilot.pause(0.3)
        return app.screen.query_one(Footer).region, _toasts(app)

    footer, toasts = drive(project_path, script)
    assert [region for region, classes in toasts if "-warning" in classes] == [footer._replace(height=1)]


def test_an_error_still_toasts(project_path):
    async def script(app, pilot):
        app.notify("could not do that", severity="error", timeout=4)
        await pilot.pause(0.3)
        return _toasts(app)

    toasts = drive(project_path, script)
    assert [classes for _, classes in toasts if "-error" in classes]
