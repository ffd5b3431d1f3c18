"""The report-text dialog (``t`` in retrieval): the passage as said above, its text for the report below.

The report text starts as the one saved, else as the cleanup assist's proposal (:mod:`coder.export.report_text`:
fillers, repetitions and false starts cut, […] where words were left out mid-sentence), with a line saying
what it cut. ``ctrl+s`` saves it (one undoable action), ``escape`` leaves without saving, ``ctrl+r`` takes the
proposal again, ``ctrl+o`` starts from the words as said, ``ctrl+x`` removes the report text (the export then
prints the original).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from coder.export.report_text import Proposal
from coder.tui.footer import KeysFooter
from coder.tui.literal import lit, plain_text


@dataclass
class ReportTextResult:
    """What to save: ``text`` (empty: no report text)."""

    text: str


class ReportTextEditor(ModalScreen[ReportTextResult | None]):
    """``ReportTextEditor(title, original, proposal, current)``: dismisses with what to save, or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "save", priority=True),
        Binding("escape", "dismiss(None)", "cancel", priority=True),
        Binding("ctrl+r", "proposal", "proposal", priority=True, tooltip="the cleanup assist's proposal again"),
        Binding("ctrl+o", "original", "as said", priority=True, tooltip="start from the words as they were said"),
        Binding("ctrl+x", "remove", "remove", priority=True, tooltip="no report text: the export prints the original"),
    ]

    DEFAULT_CSS = """
    ReportTextEditor { align: center middle; }
    ReportTextEditor > Vertical {
        width: 96; max-width: 98%; height: auto; max-height: 96%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    ReportTextEditor .heading { text-style: bold; margin-top: 1; }
    ReportTextEditor #report-original { height: auto; max-height: 8; color: $text-muted; }
    ReportTextEditor #report-text { height: 10; }
    ReportTextEditor .hint { color: $text-muted; height: auto; }
    /* under 34 rows everything still shows, the hint line too: less of the words as said, a shorter editor */
    ReportTextEditor.-short > Vertical { max-height: 100%; }
    ReportTextEditor.-short .heading { margin-top: 0; }
    ReportTextEditor.-short #report-original { max-height: 4; }
    ReportTextEditor.-short #report-text { height: 1fr; min-height: 4; max-height: 10; }
    """
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]

    def __init__(self, title: str, original: str, proposal: Proposal, current: str | None) -> None:
        super().__init__()
        self.title_text = title
        self.original = " ".join(original.split())
        self.proposal = proposal
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(lit(self.title_text), classes="heading")
            yield Label("As said", classes="heading")
            with VerticalScroll(id="report-original"):
                yield Static(lit(self.original, multiline=True))
            yield Label("In the report", classes="heading")
            start = self.current if self.current is not None else self.proposal.text
            yield TextArea(plain_text(start, multiline=True), id="report-text", soft_wrap=True, show_line_numbers=False)
            yield Static(lit(self._hint()), id="report-hint", classes="hint")
        yield KeysFooter()

    def _hint(self) -> str:
        done = self.proposal.summary() or "nothing to cut"
        saved = "the saved report text; " if self.current is not None else ""
        return f"{saved}proposal — {done}"

    def on_mount(self) -> None:
        area = self.query_one("#report-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def area(self) -> TextArea:
        return self.query_one("#report-text", TextArea)

    def action_save(self) -> None:
        self.dismiss(ReportTextResult(" ".join(self.area.text.split())))

    def action_proposal(self) -> None:
        self.area.text = self.proposal.text

    def action_original(self) -> None:
        self.area.text = self.original

    def action_remove(self) -> None:
        self.dismiss(ReportTextResult(""))
