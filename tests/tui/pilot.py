"""Driving the app in tests: keys in, then what the project file holds."""

from __future__ import annotations

import asyncio
from pathlib import Path

from coder.store import Project
from coder.tui.app import CoderApp

SIZE = (80, 24)


def drive(path: Path, script, size=SIZE):
    """Run ``script(app, pilot)`` against the app on ``path``; returns what it returns."""

    async def main():
        app = CoderApp(path, coder="test")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            return await script(app, pilot)

    return asyncio.run(main())


async def keys(pilot, *names: str) -> None:
    for name in names:
        await pilot.press(name)
        await pilot.pause()


def codings(path: Path):
    with Project.open(path) as project:
        return [(c.code_id, project.source_text(c.source_id)[c.start : c.end]) for c in project.codings()]


def turn_text(path: Path, index: int) -> str:
    with Project.open(path) as project:
        source = project.sources()[0]
        seg = project.segments(source.id)[index]
        return project.source_text(source.id)[seg.start : seg.end].strip()


async def open_question(app, pilot):
    """Open the project's (first) survey question in the reader, the reader focused; returns the main screen."""
    main = app.screen
    question = next(s for s in main.project.sources() if s.kind == "survey")
    main.open_source(question.id)
    main.reader.focus()
    await pilot.pause()
    return main
