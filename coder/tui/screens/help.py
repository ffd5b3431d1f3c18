"""The help screen (``?``): every key, read from the bindings themselves so it never goes stale."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = (
    "Move through a source by segment, select, and press a number or c to code. Every step is saved "
    "when it is done; u undoes, also after a restart. Tab moves between the panels; ctrl+p finds any command."
)


def _keys(binding: Binding) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "asterisk": "*",
        "full_stop": ".",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "left_curly_bracket": "{",
        "right_curly_bracket": "}",
    }
    if binding.key_display and "," not in binding.key and not any(mark in binding.key_display for mark in "-/"):
        return binding.key_display
    # a footer's «1-3» or «a/b» stands for bindings the help lists one by one, and a footer's «a» for «a,enter»
    # leaves a key out: here each binding shows every key it takes
    return " ".join(names.get(k.strip(), k.strip()) for k in binding.key.split(","))


def keys_table(sections: list[tuple[str, list[Binding]]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for title, bindings in sections:
        table.add_row(Text(title, "bold underline"), "")
        seen = set()
        for binding in bindings:
            if binding.description and binding.description not in seen and not binding.action.startswith("quick("):
                seen.add(binding.description)
                table.add_row(_keys(binding), binding.tooltip or binding.description)
            elif binding.action == "quick(0)":
                table.add_row("1-9", "apply the code on that key (pinned codes, then the last used)")
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss(None)", "close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 98%; height: 90%; border: round $accent; background: $panel; padding: 0 1;
    }
    """

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys  (esc closes)"
            yield Static(Text(INTRO, "italic"))
            yield Static(keys_table(self.sections))
