"""Small dialogs: ask for a line of text, confirm a step that deletes, write a memo.

Their titles, questions and hints carry code labels, names and quotes: each is shown literally (:func:`lit`).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from coder.tui.literal import lit, plain_text

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 70; max-width: 95%; height: auto; max-height: 90%;
    border: round $accent; background: $panel; padding: 0 1;
}}
{name} .hint {{ color: $text-muted; }}
{name} Horizontal {{ height: auto; align: right middle; }}
{name} Button {{ margin: 0 0 0 1; min-width: 10; }}
"""


class Prompt(ModalScreen[str | None]):
    """One line of text; Enter accepts, Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "cancel")]
    DEFAULT_CSS = _CSS.format(name="Prompt")

    def __init__(self, title: str, value: str = "", hint: str | Text = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.value, self.hint, self.placeholder = title, plain_text(value), hint, placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(lit(self.title_text, multiline=True))
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            if self.hint:
                yield Static(lit(self.hint, multiline=True), classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class Confirm(ModalScreen[bool]):
    """A yes/no question (red Yes for steps that delete); ``y`` or Enter on Yes confirms, ``n``/Escape declines."""

    BINDINGS = [
        Binding("y", "dismiss(True)", "yes"),
        Binding("n,escape", "dismiss(False)", "no"),
    ]
    DEFAULT_CSS = _CSS.format(name="Confirm")

    def __init__(self, question: str, yes: str = "Delete", danger: bool = True) -> None:
        super().__init__()
        self.question, self.yes, self.danger = question, yes, danger

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(lit(self.question, multiline=True))
            with Horizontal():
                yield Button("Cancel (n)", id="no")
                yield Button(f"{self.yes} (y)", variant="error" if self.danger else "primary", id="yes")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class MemoEditor(ModalScreen[str | None]):
    """Write a memo. Escape or ctrl+s saves (an emptied memo is deleted); ctrl+d discards the changes."""

    BINDINGS = [
        Binding("escape,ctrl+s", "save", "save & close", priority=True),
        Binding("ctrl+d", "dismiss(None)", "discard changes", priority=True),
    ]
    DEFAULT_CSS = _CSS.format(name="MemoEditor") + "MemoEditor TextArea { height: 12; }"

    def __init__(self, title: str, text: str, context: str = "") -> None:
        super().__init__()
        self.title_text, self.text, self.context = title, plain_text(text, multiline=True), context

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(lit(self.title_text, multiline=True))
            if self.context:
                yield Static(lit(self.context, multiline=True), classes="hint")
            yield TextArea(self.text, id="memo-text", soft_wrap=True, show_line_numbers=False)
            yield Static("esc / ctrl+s save · ctrl+d discard · an empty memo is deleted", classes="hint")

    def on_mount(self) -> None:
        area = self.query_one("#memo-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        value = self.query_one("#memo-text", TextArea).text
        self.dismiss(None if value == self.text else value)
