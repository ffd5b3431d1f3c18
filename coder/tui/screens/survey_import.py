"""Importing a survey (.csv, .xlsx): say which column is the respondent id, which hold answers, which are
attributes.  coder guesses; the researcher corrects with one key per column and imports with Enter."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from coder.ingest.survey import Table
from coder.tui.literal import plain_text

ROLES = ("question", "attribute", "id", "skip")
SHOWN = {"question": "answers", "attribute": "attribute", "id": "id", "skip": "—"}
STYLE = {"question": "bold green", "attribute": "cyan", "id": "bold yellow", "skip": "dim"}


@dataclass
class SurveyPlan:
    id_column: str
    questions: list[str]
    attributes: list[str]


class SurveyImportScreen(ModalScreen[SurveyPlan | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "cancel"),
        Binding("space", "cycle", "change role"),
        Binding("t", "role('question')", "answers", show=False),
        Binding("a", "role('attribute')", "attribute", show=False),
        Binding("i", "role('id')", "id", show=False),
        Binding("minus,s", "role('skip')", "skip", show=False),
    ]
    DEFAULT_CSS = """
    SurveyImportScreen { align: center middle; }
    SurveyImportScreen > Vertical {
        width: 90; max-width: 98%; height: auto; max-height: 90%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    SurveyImportScreen OptionList { height: auto; max-height: 20; border: none; background: $panel; }
    SurveyImportScreen .hint { color: $text-muted; }
    SurveyImportScreen #survey-problem { color: $error; }
    """

    def __init__(self, name: str, table: Table, roles: dict[str, str]) -> None:
        super().__init__()
        self.file_name, self.table, self.roles = name, table, dict(roles)
        self.columns = {h: [cells[i] for _, cells in table.rows] for i, h in enumerate(table.header)}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                Text.assemble(
                    ("Import survey ", "bold"), plain_text(self.file_name), (f"  {len(self.table.rows)} rows", "dim")
                )
            )
            yield Static(
                "t answers (one source per question) · a attribute · i respondent id · - skip · space cycles",
                classes="hint",
            )
            yield OptionList(id="survey-columns")
            yield Static("", id="survey-problem")
            yield Static("Enter imports · esc cancels", classes="hint")

    def on_mount(self) -> None:
        self._fill()

    def _fill(self, keep: int = 0) -> None:
        listing = self.query_one("#survey-columns", OptionList)
        listing.clear_options()
        for name in self.table.header:
            role = self.roles.get(name, "skip")
            sample = next((v for v in self.columns[name] if v), "")
            sample = plain_text(" ".join(sample.split()))
            line = Text.assemble(
                (f"{SHOWN[role]:<10}", STYLE[role]),
                (f"{plain_text(name):<20.20}", "bold"),
                "  ",
                (sample[:60], "dim italic"),
            )
            listing.add_option(Option(line, id=name))
        listing.highlighted = min(keep, len(self.table.header) - 1)
        self.query_one("#survey-problem", Static).update(self.problem() or "")

    def problem(self) -> str | None:
        ids = [c for c, r in self.roles.items() if r == "id"]
        if len(ids) != 1:
            return "Mark exactly one column as the respondent id (i)."
        if not any(r == "question" for r in self.roles.values()):
            return "Mark at least one column as answers (t)."
        return None

    def _set(self, role: str) -> None:
        listing = self.query_one("#survey-columns", OptionList)
        if listing.highlighted is None:
            return
        name = self.table.header[listing.highlighted]
        if role == "id":  # only one id: the old one becomes an attribute
            for column, old in self.roles.items():
                if old == "id":
                    self.roles[column] = "attribute"
        self.roles[name] = role
        self._fill(listing.highlighted)

    def action_role(self, role: str) -> None:
        self._set(role)

    def action_cycle(self) -> None:
        listing = self.query_one("#survey-columns", OptionList)
        if listing.highlighted is not None:
            now = self.roles.get(self.table.header[listing.highlighted], "skip")
            self._set(ROLES[(ROLES.index(now) + 1) % len(ROLES)])

    @on(OptionList.OptionSelected, "#survey-columns")
    def _import(self) -> None:
        problem = self.problem()
        if problem:
            self.notify(problem, severity="warning")
            return
        pick = [c for c in self.table.header]
        self.dismiss(
            SurveyPlan(
                id_column=next(c for c in pick if self.roles.get(c) == "id"),
                questions=[c for c in pick if self.roles.get(c) == "question"],
                attributes=[c for c in pick if self.roles.get(c) == "attribute"],
            )
        )
