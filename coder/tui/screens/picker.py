"""The code picker (``c``): type a few letters, a typo is fine; Enter applies, or creates a new code."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from coder.model import Code
from coder.pick import is_new_name, rank_codes
from coder.tui.literal import lit, plain_text, swatch


@dataclass
class Picked:
    code_id: str | None  # an existing code
    new_label: str | None = None  # or: create a code with this name (under ``parent``)
    parent: str | None = None


class CodePicker(ModalScreen[Picked | None]):
    """``CodePicker(codes, title, parent=…)``; ``allow_new`` offers to create the typed name,
    ``extra`` adds fixed choices on top (e.g. "(top level)" when moving a code)."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "cancel"),
        Binding("down", "down", "next", show=False),
        Binding("up", "up", "previous", show=False),
    ]

    DEFAULT_CSS = """
    CodePicker { align: center middle; }
    CodePicker > Vertical {
        width: 64; max-width: 95%; height: auto; max-height: 85%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    CodePicker #picker-title { color: $text-muted; width: 1fr; }
    CodePicker OptionList { height: auto; max-height: 16; border: none; background: $panel; }
    """

    def __init__(
        self,
        codes: list[Code],
        title: str,
        parent: Code | None = None,
        allow_new: bool = True,
        extra: list[tuple[str, str]] | None = None,
        exclude: set[str] | None = None,
    ) -> None:
        super().__init__()
        self.codes = [c for c in codes if c.id not in (exclude or set())]
        self.title_text = title
        self.new_parent = parent
        self.allow_new = allow_new
        self.extra = extra or []
        self.by_id = {c.id: c for c in codes}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(lit(self.title_text), id="picker-title")
            yield Input(placeholder="type a code's name, a keyword, a typo is fine", id="picker-input")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self._fill("")

    def _path(self, code: Code) -> str:
        names, seen = [], set()
        parent = code.parent
        while parent and parent in self.by_id and parent not in seen:
            seen.add(parent)
            names.append(self.by_id[parent].label)
            parent = self.by_id[parent].parent
        return " › ".join(reversed(names))

    def _fill(self, query: str) -> None:
        options = self.query_one("#picker-list", OptionList)
        options.clear_options()
        items: list[Option] = []
        if not query.strip():
            items += [Option(lit(label, "italic"), id=f"extra:{key}") for key, label in self.extra]
        matches = rank_codes(query, self.codes)
        for match in matches:
            code = match.code
            line = Text()
            line.append("■ ", swatch(code.colour))
            line.append(plain_text(code.label), "bold")
            path = self._path(code)
            if path:
                line.append(plain_text(f"  {path}"), "dim")
            if match.why in ("keyword", "description"):
                line.append(f"  ({match.why})", "dim italic")
            items.append(Option(line, id=f"code:{code.id}"))
        if self.allow_new and is_new_name(query, matches):
            where = f" under {self.new_parent.label}" if self.new_parent else ""
            new = Option(
                Text.assemble(("+ new code ", "bold green"), plain_text(f"«{query.strip()}»{where}")), id="new"
            )
            # a close match first when there is one (a typo); else the new code first
            if matches and matches[0].score >= 75:
                items.append(new)
            else:
                items.insert(0, new)
        if not items:
            items.append(Option(Text("no code matches", "dim"), id="none", disabled=True))
        options.add_options(items)
        options.highlighted = 0 if items and not items[0].disabled else None

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-input")
    def _submitted(self) -> None:
        options = self.query_one("#picker-list", OptionList)
        if options.highlighted is not None:
            self._choose(options.get_option_at_index(options.highlighted).id or "")

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id or "")

    def _choose(self, option_id: str) -> None:
        if option_id.startswith("code:"):
            self.dismiss(Picked(option_id[5:]))
        elif option_id.startswith("extra:"):
            self.dismiss(Picked(None, new_label=None, parent=option_id[6:]))
        elif option_id == "new":
            label = self.query_one("#picker-input", Input).value.strip()
            self.dismiss(Picked(None, label, self.new_parent.id if self.new_parent else None))

    def action_down(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_up()
