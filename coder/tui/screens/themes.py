"""Themes in a survey question (``t`` in the sources panel, or the palette): its answers grouped by meaning.

The grouping (:mod:`coder.themes.service`) runs in a thread worker on a connection of its own, with a visible
«grouping N answers…» state. Then each theme shows its size, the base forms that set it apart and its most typical
answers. Enter on a theme asks for a label (its top base forms to start from) and makes the code: the theme's
answers become open suggestions for it, never codings, and the screen offers the review queue, where each is
accepted or rejected. ``+`` / ``-`` group again into more or fewer themes; Escape goes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from coder.project.service import open_project
from coder.tui.footer import KeysFooter
from coder.tui.literal import lit, plain_text
from coder.tui.screens.dialogs import Confirm, Prompt

TYPICAL = 3  # typical answers listed with each theme (coder.themes.service.TYPICAL; not imported: numpy)

if TYPE_CHECKING:
    from coder.filters import Filter
    from coder.store import Project
    from coder.themes.service import Grouping, Made, Theme


@dataclass
class ThemesDone:
    """What the screen hands back: the codes made from themes, and whether to open the review queue now."""

    made: list[Made] = field(default_factory=list)
    review: bool = False


class ThemesScreen(Screen[ThemesDone]):
    """``ThemesScreen(project, coder, path, source_id, filter)``: the themes of one source's answers (those the
    sources filter lets through). A tall screen also shows the highlighted theme at length: more of its typical
    answers, and the least typical, where it frays."""

    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]

    BINDINGS = [
        Binding("enter", "make", "make a code", tooltip="make the theme a code: its answers become suggestions"),
        Binding("plus,equals_sign", "regroup(1)", "more themes", key_display="+"),
        Binding("minus", "regroup(-1)", "fewer themes", key_display="-"),
        Binding("escape", "close", "back"),
        Binding("question_mark", "keys", "keys", show=False, tooltip="these keys, and the sources panel's"),
    ]

    DEFAULT_CSS = """
    ThemesScreen #themes-title { height: auto; max-height: 3; padding: 0 1; }
    ThemesScreen #themes-progress { height: 1; padding: 0 2; }
    ThemesScreen #themes-progress.done { display: none; }
    ThemesScreen #themes-progress-label { width: auto; padding: 0 1 0 0; }
    ThemesScreen #themes-list {
        height: 1fr; margin: 0 1; border: round $panel-lighten-2; border-title-color: $text;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    ThemesScreen #themes-list > .option-list--option { padding: 0 1; }
    ThemesScreen #themes-note { height: auto; margin: 0 2; color: $text-muted; }
    ThemesScreen #themes-note.empty { display: none; }
    ThemesScreen #themes-detail {
        display: none; height: auto; max-height: 50%; margin: 0 1; padding: 0 1;
        border: round $accent; border-title-color: $text;
    }
    ThemesScreen.-tall #themes-detail.on { display: block; }
    """

    class Counted(Message, bubble=False):
        def __init__(self, n: int) -> None:
            super().__init__()
            self.n = n

    class Computed(Message, bubble=False):
        def __init__(self, grouping: Grouping) -> None:
            super().__init__()
            self.grouping = grouping

    def __init__(self, project: Project, coder: str, path: Path, source_id: int, filter: Filter | None = None) -> None:
        super().__init__()
        self.project, self.coder, self.path = project, coder, path
        self.source_id, self.filter = source_id, filter
        self.grouping: Grouping | None = None
        self.computing = False
        self.k: int | None = None  # None: chosen by the silhouette
        self.made: list[Made] = []
        self.made_from: dict[int, str] = {}  # theme number → the label of the code made from it
        self.source_name = next((s.name for s in project.sources() if s.id == source_id), str(source_id))

    def compose(self) -> ComposeResult:
        yield Static("", id="themes-title")
        with Horizontal(id="themes-progress"):
            yield Static("", id="themes-progress-label")
            yield ProgressBar(id="themes-bar", show_eta=False, show_percentage=False)
        yield OptionList(id="themes-list")
        yield Static("", id="themes-note", classes="empty")
        yield Static("", id="themes-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        listing = self.query_one("#themes-list", OptionList)
        listing.border_title = "Themes"
        listing.border_subtitle = "enter: make the theme a code"
        self.compute()

    # -- grouping, in a worker ----------------------------------------------------------------------------------
    def compute(self) -> None:
        self.computing = True
        self.made_from = {}  # the theme numbers are new
        self.query_one("#themes-progress").set_class(False, "done")
        self.query_one("#themes-progress-label", Static).update("Grouping the answers…")
        self.query_one("#themes-list", OptionList).clear_options()
        self.query_one("#themes-note", Static).update("")
        self.query_one("#themes-note").set_class(True, "empty")
        self._title()
        path, source_id, k, wanted = self.path, self.source_id, self.k, self.filter

        def job() -> None:
            from coder.themes import service as themes

            title = self.source_name + (f" ({wanted.describe()})" if wanted is not None and wanted.terms else "")
            try:
                with open_project(path) as project:
                    answers = themes.answers_of(project, source_id, wanted)
                    self.post_message(self.Counted(len(answers)))
                    grouping = themes.group(project, answers, k, title)
            except Exception as exc:  # said on the screen, never a traceback
                grouping = themes.Grouping(title, 0, 0, note=f"Could not group the answers: {exc}")
            self.post_message(self.Computed(grouping))

        self.run_worker(job, thread=True, exclusive=True, group="themes", exit_on_error=False)

    @on(Counted)
    def _counted(self, event: Counted) -> None:
        n = event.n
        self.query_one("#themes-progress-label", Static).update(f"Grouping {n:,} answer{'s' if n != 1 else ''}…")

    @on(Computed)
    def _computed(self, event: Computed) -> None:
        self.computing = False
        self.grouping = grouping = event.grouping
        self.query_one("#themes-progress").set_class(True, "done")
        listing = self.query_one("#themes-list", OptionList)
        listing.clear_options()
        for theme in grouping.themes:  # a divider under each theme
            listing.add_options([Option(self._prompt(theme), id=f"t{theme.number}"), None])
        if grouping.themes:
            listing.highlighted = 0
            listing.focus()
        self._detail()
        note = self.query_one("#themes-note", Static)
        note.update(lit(grouping.note) if not grouping.themes else "")
        note.set_class(bool(grouping.themes), "empty")
        self._title()

    def _prompt(self, theme: Theme) -> Text:
        total = self.grouping.grouped if self.grouping else theme.size
        out = Text()
        out.append(f"{theme.number:>2}  ", "bold")
        out.append(f"{theme.size:,} answer{'s' if theme.size != 1 else ''}", "bold")
        out.append(f" ({round(100 * theme.size / max(total, 1))} %)  ", "dim")
        out.append(plain_text(" · ".join(theme.terms)) or "no distinctive base form", "italic")
        made = self.made_from.get(theme.number)
        if made:
            out.append(f"\n    → code «{plain_text(made)}»", "bold")
        for answer, copies in list(zip(theme.typical, theme.copies, strict=True))[:TYPICAL]:
            out.append("\n    ")
            out.append_text(_answer(answer.text, copies))
        return out

    @on(OptionList.OptionHighlighted, "#themes-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        """The highlighted theme at length (shown on a tall screen)."""
        detail = self.query_one("#themes-detail", Static)
        theme = self.current
        detail.set_class(theme is not None, "on")
        if theme is None:
            return
        detail.border_title = f"Theme {theme.number} · {theme.size:,} answers"
        out = Text()
        out.append("typical:", "bold")
        for answer, copies in zip(theme.typical, theme.copies, strict=True):
            out.append("\n  ")
            out.append_text(_answer(answer.text, copies))
        if theme.edge:
            out.append("\nat its edge:", "bold")
            for answer in theme.edge:
                out.append("\n  ")
                out.append_text(_answer(answer.text, 1))
        detail.update(out)

    def _title(self) -> None:
        title = Text()
        title.append("Themes", "bold")
        title.append(plain_text(f"  {self.source_name}"))
        grouping = self.grouping
        if self.computing:
            title.append("  grouping…", "dim")
        elif grouping is not None and grouping.themes:
            title.append("\n" + plain_text(grouping.summary()), "dim")
        self.query_one("#themes-title", Static).update(title)

    # -- actions ------------------------------------------------------------------------------------------------
    @property
    def current(self) -> Theme | None:
        listing = self.query_one("#themes-list", OptionList)
        if self.computing or self.grouping is None or listing.highlighted is None:
            return None
        themes = self.grouping.themes
        return themes[listing.highlighted] if listing.highlighted < len(themes) else None

    @on(OptionList.OptionSelected, "#themes-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_make()

    def action_make(self) -> None:
        theme = self.current
        if theme is None:
            self.notify("No theme to make a code of yet", severity="warning", timeout=3)
            return
        question = f"Theme {theme.number} as a code: its {theme.size:,} answers become suggestions to review"
        hint = "Enter makes the code · Esc cancels · nothing is coded until you accept an answer"

        def named(label: str | None) -> None:
            if label is None or not label.strip():
                return
            self._make(theme, label.strip())

        self.app.push_screen(Prompt(question, theme.proposed_label(), hint=hint), named)

    def _make(self, theme: Theme, label: str) -> None:
        from coder.themes.service import theme_to_code

        made = theme_to_code(self.project, theme, label, self.coder)
        self.made.append(made)
        self.made_from[theme.number] = made.code.label
        self.app.saved(f"added the code {made.code.label} with {made.suggestions:,} suggestions")
        listing = self.query_one("#themes-list", OptionList)
        listing.replace_option_prompt(f"t{theme.number}", self._prompt(theme))
        question = (
            f"Made the code «{made.code.label}»: {made.suggestions:,} answers wait as suggestions for it."
            "\nOpen the review queue now to accept or reject them?"
        )

        def answered(review: bool | None) -> None:
            if review:
                self.dismiss(ThemesDone(list(self.made), review=True))

        self.app.push_screen(Confirm(question, yes="Review", danger=False), answered)

    def action_regroup(self, step: int) -> None:
        grouping = self.grouping
        if self.computing or grouping is None or not grouping.themes:
            return
        k = max(2, min(grouping.k + step, max(2, grouping.grouped // 2)))
        if k == grouping.k:
            self.notify(f"{grouping.k} themes is as far as this goes", timeout=3)
            return
        self.k = k
        self.compute()

    def action_keys(self) -> None:
        from coder.tui.screens.help import HelpScreen

        opened = Binding("t", "", "in the sources panel, on a survey question: this screen")
        self.app.push_screen(HelpScreen([("Themes", [opened, *self.BINDINGS])]))

    def action_close(self) -> None:
        self.dismiss(ThemesDone(list(self.made), review=False))


def _answer(text: str, copies: int) -> Text:
    """«Vet ikke.» with ``× 14`` before it when that many members say it word for word (plain text, never markup)."""
    out = Text()
    if copies > 1:
        out.append(f"× {copies} ", "bold")
    out.append("«" + plain_text(" ".join(text.split())) + "»", "dim")
    return out
