"""The command palette finds what the screen under it can do (issue 18, item 11): «export» finds the exports, on
the coding screen and on the screens that export; every binding of a screen is a command there; the keys the
coding screen's commands name are the keys bound to them."""

from __future__ import annotations

import re

from coder.tui.commands import COMMANDS, commands
from tests.tui.pilot import drive, keys


async def _hits(app, query: str) -> list[str]:
    provider_names = []
    from coder.tui.commands import CoderCommands

    provider = CoderCommands(app.screen)
    async for hit in provider.search(query):
        provider_names.append(hit.text if isinstance(hit.text, str) else hit.match_display.plain)
    return provider_names


def test_export_is_found_on_the_coding_screen_and_opens_the_export(project_path):
    async def script(app, pilot):
        found = await _hits(app, "export")
        await keys(pilot, "1")  # the reader's segment coded: retrieval opens on its code
        await keys(pilot, "ctrl+p", *"export quotes")
        await pilot.pause(0.3)
        await keys(pilot, "enter")
        await pilot.pause(0.5)
        return found, [type(s).__name__ for s in app.screen_stack]

    found, stack = drive(project_path, script)
    assert "Export quotes of a code" in found and "Export a table for the report" in found
    assert any("REFI" in name for name in found)
    assert stack[-2:] == ["RetrievalScreen", "Prompt"], stack  # retrieval opened, its export dialog over it


def test_every_binding_of_a_screen_is_a_command_there(project_path):
    async def script(app, pilot):
        await keys(pilot, "T")
        await pilot.pause(0.5)
        tables = app.screen
        names = {c.name for c in commands(app, tables)}
        found = await _hits(app, "export")
        missing = [b.description for b in tables.BINDINGS if b.description and b.description.capitalize() not in names]
        main_only = [c.name for c in commands(app, tables) if c.name == "Search all sources"]
        return found, missing, main_only

    found, missing, main_only = drive(project_path, script)
    assert "Export" in found
    assert missing == []
    assert main_only == []  # the coding screen's commands are not offered where they cannot run


def test_the_keys_the_commands_name_are_bound_to_them(project_path):
    async def script(app, pilot):
        bound: dict[str, set[str]] = {}
        for node in [app.screen, *app.screen.walk_children()]:
            for bindings in node._bindings.key_to_bindings.values():
                for b in bindings:
                    name = b.action.rpartition(".")[2].split("(")[0]
                    bound.setdefault(name, set()).update({*b.key.split(","), app.get_key_display(b)})
        return bound

    bound = drive(project_path, script)
    wrong = []
    for name, text, action in COMMANDS:
        hint = re.search(r"\(([^ ,)]+)(?: in the codebook)?[,)]", text)
        if not hint or action.startswith("app."):
            continue
        key = hint.group(1)
        if key not in bound.get(action.rpartition(".")[2], set()):
            wrong.append((name, key, sorted(bound.get(action.rpartition(".")[2], set()))))
    assert wrong == []
