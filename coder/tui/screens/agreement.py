"""The agreement view (``I``): how far two or more coders agree, per code and overall.

The figures are :func:`coder.team.agreement.compute`'s (docs/team.md defines them; κ and α to two decimals here,
three in ``coder agreement``), counted in a thread on a connection of its own. ``c`` chooses the coders
(``kari,ola`` or ``kari,consensus``), ``u`` the units (segments some coder coded, or every segment), ``o`` the
overlap two spans need to count as one (90 % by default), ``C`` walks the disagreements of these coders (the
consensus view).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from coder.errors import CoderError
from coder.project.service import open_project
from coder.team import agreement as agr
from coder.tui.footer import KeysFooter
from coder.tui.literal import lit
from coder.tui.results import JumpTo
from coder.tui.screens.dialogs import Prompt

if TYPE_CHECKING:
    from coder.store import Project

LABEL = 22  # a longer code name is cut so that two coders' figures fit beside it at 80 columns


def default_coders(project: Project, consensus: str) -> list[str]:
    """The two coders who coded most (consensus last), for a first look."""
    counts = project.coders_with_codings()
    names = sorted(counts, key=lambda name: (name == consensus, -counts[name], name))
    return names[:2]


def compact_header(report: agr.Report) -> list[str]:
    """The columns that fit 80 columns: code, segments coded per coder, agree, κ, α, spans, characters."""
    return ["code", *[c[:6] for c in report.coders], "agree", "κ", "α", "spans", "chars"]


def compact_rows(report: agr.Report) -> list[list[str]]:
    rows = []
    for f in [*report.codes, report.overall]:
        label = "Overall" if f.code_id is None else f.label
        rows.append(
            [
                label if len(label) <= LABEL else label[: LABEL - 1] + "…",
                *[str(f.coded.get(c, 0)) for c in report.coders],
                agr.percent(f.percent),
                agr.number(f.kappa, 2),
                agr.number(f.alpha, 2),
                agr.percent(f.span_percent, 0),
                agr.percent(f.char_percent, 0),
            ]
        )
    return rows


class AgreementScreen(Screen[JumpTo | None]):
    """``AgreementScreen(project, coder, coders)``; the figures are counted on a connection of the app's path."""

    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding("c", "coders", "coders", tooltip="the coders to compare: kari,ola (or kari,consensus)"),
        Binding("u", "units", "units", tooltip="segments some coder coded ↔ every segment of the sources"),
        Binding("o", "overlap", "overlap", tooltip="how much two spans must overlap to count as one (90 %)"),
        Binding("C", "consensus", "consensus", tooltip="walk these coders' disagreements and settle them"),
    ]

    DEFAULT_CSS = """
    AgreementScreen #agreement-title { height: 1; padding: 0 1; text-style: bold; }
    AgreementScreen #agreement-grid { height: 1fr; border: round $panel-lighten-2; margin: 0 1; }
    AgreementScreen #agreement-grid:focus { border: round $accent; }
    AgreementScreen #agreement-info { height: auto; max-height: 6; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, project: Project, coder: str, coders: list[str]) -> None:
        super().__init__()
        self.project, self.coder, self.coders = project, coder, list(coders)
        self.units: agr.Units = "coded"
        self.overlap = 0.9
        self.report: agr.Report | None = None

    def compose(self) -> ComposeResult:
        yield Static("Agreement", id="agreement-title")
        yield DataTable(id="agreement-grid", zebra_stripes=True, cursor_type="row", fixed_columns=1)
        yield Static("", id="agreement-info")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.recount()

    def recount(self) -> None:
        title = self.query_one("#agreement-title", Static)
        if len(self.coders) < 2:
            title.update("Agreement: fewer than two coders have coded in this project")
            self.query_one("#agreement-info", Static).update("c chooses the coders to compare (kari,ola)")
            return
        title.update(lit(f"Agreement · {' ↔ '.join(self.coders)} · counting …"))
        self._count(list(self.coders), self.units, self.overlap)

    @work(thread=True, exclusive=True, group="agreement", exit_on_error=False)
    def _count(self, coders: list[str], units: agr.Units, overlap: float) -> None:
        try:
            with open_project(self.app.path) as project:
                report = agr.compute(project, coders, units=units, overlap=overlap)
        except CoderError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self.show, report)

    def _failed(self, message: str) -> None:
        self.query_one("#agreement-title", Static).update(lit(f"Agreement · {' ↔ '.join(self.coders)}"))
        self.query_one("#agreement-info", Static).update(lit(message, multiline=True))
        self.notify(message, title="Agreement", severity="warning", timeout=6)

    def show(self, report: agr.Report) -> None:
        self.report = report
        grid = self.query_one(DataTable)
        grid.clear(columns=True)
        grid.add_columns(*(lit(h) for h in compact_header(report)))
        for row in compact_rows(report):
            grid.add_row(*(lit(cell) for cell in row))
        overall = report.overall
        self.query_one("#agreement-title", Static).update(
            lit(
                f"Agreement · {' ↔ '.join(report.coders)} · α {agr.number(overall.alpha)}"
                + (f" · κ {agr.number(overall.kappa)}" if overall.kappa is not None else "")
                + f" · {agr.percent(overall.percent)}"
            )
        )
        self.query_one("#agreement-info", Static).update(lit("\n".join(agr.describe(report)), multiline=True))

    # -- keys ---------------------------------------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss(None)

    def action_coders(self) -> None:
        known = ", ".join(f"{name} ({n})" for name, n in self.project.coders_with_codings().items())

        def chosen(value: str | None) -> None:
            if value:
                self.coders = [v.strip() for v in value.split(",") if v.strip()]
                self.recount()

        prompt = Prompt("Coders to compare (A,B or A,B,C)", ",".join(self.coders), f"coders: {known}")
        self.app.push_screen(prompt, chosen)

    def action_units(self) -> None:
        self.units = "all" if self.units == "coded" else "coded"
        self.notify("units: every segment of the sources" if self.units == "all" else "units: the coded segments")
        self.recount()

    def action_overlap(self) -> None:
        def chosen(value: str | None) -> None:
            if not value:
                return
            try:
                share = float(value.strip().rstrip("%").replace(",", ".")) / 100
            except ValueError:
                self.notify(f"«{value}»: give a percentage, e.g. 90", severity="warning")
                return
            if not 0 < share <= 1:
                self.notify("give a percentage above 0 and at most 100", severity="warning")
                return
            self.overlap = share
            self.recount()

        self.app.push_screen(
            Prompt("Span agreement: least overlap, in percent", f"{self.overlap * 100:g}", "100 = exact spans"), chosen
        )

    def action_consensus(self) -> None:
        from coder.team.consensus import walk
        from coder.tui.screens.consensus import ConsensusScreen

        try:
            walk(self.project, self.coders)
        except CoderError as error:
            self.notify(str(error), title="Consensus", severity="warning", timeout=6)
            return

        def done(result: JumpTo | None) -> None:
            if result is not None:
                self.dismiss(result)
            else:
                self.recount()

        self.app.push_screen(ConsensusScreen(self.project, self.coder, self.coders), done)
