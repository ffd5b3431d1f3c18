"""The codebook panel's editing keys: new, rename, describe, recolour, move, shift, merge, delete, pin.

:class:`CodebookKeys` is a mixin of :class:`coder.tui.widgets.codebook.CodebookPanel`, whose ``BINDINGS`` name
these actions, so they act only while the panel has focus. The panel is handed the project and the coder by the
main screen (attributes down); each action calls ``coder.coding.service`` and posts :class:`CodebookKeys.Edited`
(messages up), which the screen answers by redrawing and saying what was saved.

:class:`CodebookCommands` is the main screen's side: the command palette (``coder.tui.commands``) and ``n`` away
from the panel name screen actions, which hand over to the panel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from coder.coding import service as editing
from coder.model import Code
from coder.tui.screens.dialogs import Confirm, Prompt
from coder.tui.screens.picker import CodePicker, Picked

if TYPE_CHECKING:
    from coder.store import Project


class CodebookKeys:
    project: Project  # set by the screen when it composes the panel
    coder: str
    codes: list[Code]
    selected: str | None

    class Edited(Message, namespace="codebook_panel"):
        """The codebook changed: redraw, select ``select``, and say ``message``. With ``codes_only`` only the code
        tree is drawn again (pinning changes no coding)."""

        def __init__(self, message: str, select: str | None = None, codes_only: bool = False) -> None:
            super().__init__()
            self.message, self.select, self.codes_only = message, select, codes_only

    def _edited(self, message: str, select: str | None = None, codes_only: bool = False) -> None:
        self.post_message(self.Edited(message, select, codes_only))  # type: ignore[attr-defined]

    def _fail(self, message: str) -> None:
        self.notify(message, severity="warning", timeout=4)  # type: ignore[attr-defined]

    def _push(self, screen, callback) -> None:
        self.app.push_screen(screen, callback)  # type: ignore[attr-defined]

    def _code(self, code_id: str | None) -> Code | None:
        return next((c for c in self.codes if c.id == code_id), None)

    def _selected_code(self) -> Code | None:
        code = self._code(self.selected)
        if code is None:
            self._fail("Choose a code in the codebook first")
        return code

    def _ask(self, title: str, value: str, then, hint: str | Text = "") -> None:
        def done(text: str | None) -> None:
            if text is None:
                return
            try:
                then(text)
            except (ValueError, KeyError) as exc:
                self._fail(str(exc))

        self._push(Prompt(title, value, hint), done)

    def action_new_code(self, top: bool = False) -> None:
        parent = None if top else self._code(self.selected)
        where = f" under {parent.label}" if parent else " (top level)"

        def make(label: str) -> None:
            code = editing.new_code(self.project, label, parent.id if parent else None, self.coder)
            self._edited(f"added the code {code.label}", select=code.id)

        self._ask(f"New code{where}", "", make, "N in the codebook adds a top-level code")

    def action_new_top_code(self) -> None:
        self.action_new_code(top=True)

    def action_rename_code(self) -> None:
        code = self._selected_code()
        if code is not None:

            def rename(label: str) -> None:
                editing.rename_code(self.project, code.id, label, self.coder)
                self._edited(f"renamed to {label.strip()}", select=code.id)

            self._ask(f"Rename {code.label}", code.label, rename)

    def action_describe_code(self) -> None:
        code = self._selected_code()
        if code is not None:

            def describe(text: str) -> None:
                editing.edit_code(self.project, code.id, self.coder, description=" ".join(text.split()))
                self._edited("description saved", select=code.id)

            self._ask(f"Description of {code.label}", code.description, describe)

    def action_recolour_code(self) -> None:
        code = self._selected_code()
        if code is None:
            return
        from coder.codebook.files import PALETTE

        def recolour(value: str) -> None:
            value = value.strip()
            if value.isdigit() and 1 <= int(value) <= len(PALETTE):
                value = PALETTE[int(value) - 1]
            if not (
                len(value) == 7 and value.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in value[1:])
            ):
                raise ValueError(f"not a colour: {value!r} (use #rrggbb or a palette number)")
            editing.recolour_code(self.project, code.id, value.lower(), self.coder)
            self._edited("colour changed", select=code.id)

        palette = Text("palette: ")
        for n, colour in enumerate(PALETTE, 1):
            palette.append(f"{n}", "bold")
            palette.append("■ ", colour)
        self._ask(f"Colour of {code.label} (#rrggbb or a palette number)", code.colour, recolour, palette)

    def action_move_code(self) -> None:
        code = self._selected_code()
        if code is None:
            return
        exclude = {code.id, *self.project.descendants(code.id)}

        def done(picked: Picked | None) -> None:
            if picked is None:
                return
            parent = picked.code_id
            try:
                editing.move_code(self.project, code.id, parent, self.coder)
            except ValueError as exc:
                self._fail(str(exc))
                return
            self._edited("moved", select=code.id)

        self._push(
            CodePicker(
                list(self.codes),
                f"Move {code.label} under…",
                allow_new=False,
                extra=[("top", "(top level)")],
                exclude=exclude,
            ),
            done,
        )

    def action_shift_code(self, step: int) -> None:
        code = self._selected_code()
        if code is not None and editing.shift_code(self.project, code.id, step, self.coder):
            self._edited("moved " + ("up" if step < 0 else "down"), select=code.id)

    def action_merge_code(self) -> None:
        code = self._selected_code()
        if code is None:
            return

        def done(picked: Picked | None) -> None:
            if picked is None or not picked.code_id:
                return
            target = {c.id: c for c in self.codes}[picked.code_id]
            try:
                moved = editing.merge_codes(self.project, code.id, target.id, self.coder)
            except ValueError as exc:
                self._fail(str(exc))
                return
            self._edited(f"merged {code.label} into {target.label} ({moved} codings moved)", select=target.id)

        exclude = {code.id, *self.project.descendants(code.id)}
        others = editing.others_codings(self.project, code.id, self.coder)
        title = f"Merge {code.label} into…" + (f" ({editing.in_words(others)} move too)" if others else "")
        self._push(CodePicker(list(self.codes), title, allow_new=False, exclude=exclude), done)

    def action_delete_code(self) -> None:
        code = self._selected_code()
        if code is None:
            return
        count = self.project.code_counts().get(code.id, 0)
        kids = self.project.code_children(code.id)
        others = editing.others_codings(self.project, code.id, self.coder)
        question = f"Delete the code {code.label}"
        question += f" and its {count} coding{'s' if count != 1 else ''}?" if count else "? It has no codings."
        if others:
            question += f"\nOther coders' work goes too: {editing.in_words(others)}."
        if kids:
            question += f"\nIts {len(kids)} sub-code(s) move up a level."
        question += "\n(u undoes it.)"

        def done(yes: bool | None) -> None:
            if yes:
                gone = editing.delete_code(self.project, code.id, self.coder, others_ok=True)
                self._edited(f"deleted {code.label} and {gone} codings (u to undo)")

        self._push(Confirm(question), done)

    def action_pin_code(self) -> None:
        code = self._selected_code()
        if code is not None:
            before, was_pinned = editing.quick_codes(self.project), code.id in editing.pinned(self.project)
            key = editing.toggle_pin(self.project, code.id)
            if key is not None:
                other = self._code(before[key - 1])
                said = f"{code.label} pinned to {key}"
                if other is not None and other.id != code.id:
                    said += f" (instead of {other.label})"
            elif was_pinned:
                keeps = editing.quick_key_of(self.project, code.id)
                said = f"{code.label} unpinned" + (f": keeps {keeps} until a pin needs it" if keeps else "")
            else:
                said = f"{code.label} not pinned: all nine number keys are pinned (p on one of them unpins it)"
            self._edited(said, code.id, codes_only=True)


class CodebookCommands:
    """The main screen's codebook actions, named by the palette and by ``n`` in the reader: the panel does them."""

    codebook_panel: CodebookKeys

    def action_new_code(self, top: bool = False) -> None:
        self.codebook_panel.action_new_code(top)

    def action_new_top_code(self) -> None:
        self.codebook_panel.action_new_top_code()

    def action_rename_code(self) -> None:
        self.codebook_panel.action_rename_code()

    def action_describe_code(self) -> None:
        self.codebook_panel.action_describe_code()

    def action_recolour_code(self) -> None:
        self.codebook_panel.action_recolour_code()

    def action_move_code(self) -> None:
        self.codebook_panel.action_move_code()

    def action_merge_code(self) -> None:
        self.codebook_panel.action_merge_code()

    def action_delete_code(self) -> None:
        self.codebook_panel.action_delete_code()

    def action_pin_code(self) -> None:
        self.codebook_panel.action_pin_code()
