"""A researcher's first hour in the coding screen (issue 18): keys act only where the focus is, Tab and j/k do what a
keyboard user expects, number keys stay put, the reader remembers where you were."""

from __future__ import annotations

from textual.widgets import Input, Tree

from coder.coding import service as editing
from coder.tui.widgets.reader import Reader
from tests.tui.pilot import codings, drive, keys


def test_destructive_keys_act_only_where_the_focus_is(project_path):
    """Code a segment, Tab away to the Sources panel: delete, backspace, e, number keys, a, x, * do nothing there."""

    async def script(app, pilot):
        await keys(pilot, "j", "1")
        await keys(pilot, "tab")
        focused = app.screen.focused
        await keys(pilot, "backspace", "backspace", "delete", "2", "3", "v", "asterisk", "a")
        return focused

    focused = drive(project_path, script)
    assert not isinstance(focused, Reader)
    assert [code for code, _ in codings(project_path)] == ["kapasitet"]


def test_the_reader_footer_shows_the_coding_keys_where_they_act(project_path):
    async def script(app, pilot):
        in_reader = {b.action for (_, b, _, _) in app.screen.active_bindings.values()}
        app.screen.query_one("#code-tree").focus()
        await pilot.pause()
        in_codebook = {b.action for (_, b, _, _) in app.screen.active_bindings.values()}
        return in_reader, in_codebook

    in_reader, in_codebook = drive(project_path, script)
    assert {"screen.uncode", "screen.quick(0)", "screen.recode"} <= in_reader
    assert not {"screen.uncode", "screen.quick(0)", "screen.recode", "uncode", "quick(0)"} & in_codebook


def test_tab_goes_reader_sources_list_codebook_and_jk_move_in_lists(project_path):
    async def script(app, pilot):
        order = []
        for _ in range(3):
            await keys(pilot, "tab")
            order.append(app.screen.focused.id)
        await keys(pilot, "tab")  # back in the sources list
        tree = app.screen.query_one("#source-tree", Tree)
        line = tree.cursor_line
        await keys(pilot, "j", "j", "k")
        moved = tree.cursor_line - line
        await keys(pilot, "f")
        in_filter = isinstance(app.screen.focused, Input)
        await pilot.press(*"xyz")
        await keys(pilot, "escape")
        after_escape = app.screen.focused.id
        return order, moved, in_filter, after_escape, app.screen.query_one("#source-filter", Input).value

    order, moved, in_filter, after_escape, value = drive(project_path, script)
    assert order == ["source-tree", "code-tree", "reader"]
    assert moved == 1
    assert in_filter and after_escape == "source-tree" and value == "xyz"


def test_jk_move_in_the_codebook(project_path):
    async def script(app, pilot):
        tree = app.screen.query_one("#code-tree", Tree)
        tree.focus()
        await pilot.pause()
        line = tree.cursor_line
        await keys(pilot, "j", "j")
        return tree.cursor_line - line, len(app.screen_stack)

    moved, screens = drive(project_path, script)
    assert moved == 2 and screens == 2  # no dialog opened


def test_number_keys_stay_put_while_coding_and_pinning_says_which(project_path):
    """Keys 1-9 map to the same codes after coding with the picker (sub-codes, new codes) and in vivo; a pin says
    which number it took; the mapping survives a restart."""

    async def script(app, pilot):
        before = editing.quick_codes(app.project)
        await keys(pilot, "j", "c")
        await pilot.press(*"ventetid")
        await keys(pilot, "enter", "j", "c")
        await pilot.press(*"Foreldremøter")
        await keys(pilot, "enter", "j", "s", "right", "shift+right", "v", "j", "3")
        after = editing.quick_codes(app.project)
        tree = app.screen.query_one("#code-tree", Tree)
        tree.focus()
        await pilot.pause()
        await keys(pilot, "end")  # the last code: one without a number key
        code = app.screen.codes[tree.cursor_node.data]
        await keys(pilot, "p")
        return before, after, app.sub_title, editing.quick_codes(app.project), code

    before, after, said, pinned, code = drive(project_path, script)
    assert after == before  # no code lost or changed its number
    assert code.id not in before and code.id in pinned, said
    key = pinned.index(code.id) + 1
    assert f"{code.label} pinned to {key}" in said
    assert [k for k, (a, b) in enumerate(zip(before, pinned, strict=True)) if a != b] == [key - 1]  # only it changed

    async def reopened(app, pilot):
        return editing.quick_codes(app.project), str(app.screen.query_one("#code-tree", Tree).root.children[0].label)

    again, first_row = drive(project_path, reopened)
    assert again == pinned
    assert first_row.startswith("1 ")  # the numbers are in the codebook panel
