"""The tables view (``T``): code frequencies, codes × an attribute, code co-occurrence — the tables of the report.

``1`` ``2`` ``3`` choose the table, ``a`` the attribute, ``s`` the source (a survey question), the filter
line narrows the cases (``landsdel=nord``), ``e`` writes the table shown to .xlsx, .csv or .md, ``b`` shows codes
by an attribute as bars of block characters (:mod:`coder.analysis.bars`) and back.
The counting runs in a thread on a connection of its own (coder.analysis.service.build_table), so a
large project never freezes the screen; the table shows when it is done.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from coder.analysis.bars import GAP, bar_view
from coder.analysis.formats import format_for, write
from coder.analysis.service import TableRequest, build_table
from coder.analysis.tables import Show, Table
from coder.errors import CoderError
from coder.project.service import open_project
from coder.tui.footer import KeysFooter
from coder.tui.literal import lit, plain_text, swatch
from coder.tui.screens.dialogs import Prompt
from coder.tui.shorten import distinct

if TYPE_CHECKING:
    from coder.store import Project

KIND_NAMES = {"frequencies": "code frequencies", "attribute": "codes by attribute", "cooccurrence": "co-occurrence"}
SHOWS: tuple[Show, ...] = ("both", "percent", "count")
ALL = ""  # the choice "every source"
LABEL_WIDTH = 30  # a longer code name is cut, so that three groups fit beside it at 80 columns
MIN_LABEL = 18  # fewer cells for the names than this: the «inkl. underkoder» titles go over three lines


class Choose(ModalScreen[str | None]):
    """Pick one of a few named choices: ``Choose(title, [(value, label), …], current)``; Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "cancel")]
    DEFAULT_CSS = """
    Choose { align: center middle; }
    Choose > Vertical {
        width: 60; max-width: 95%; height: auto; max-height: 85%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    Choose Label { color: $text-muted; }
    Choose OptionList { height: auto; max-height: 16; border: none; background: $panel; }
    """

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self.title_text, self.choices, self.current = title, choices, current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(lit(self.title_text))
            yield OptionList(*(Option(lit(label), id=f"c{i}") for i, (_, label) in enumerate(self.choices)))

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        values = [v for v, _ in self.choices]
        listing.highlighted = values.index(self.current) if self.current in values else 0
        listing.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int((event.option.id or "c0")[1:])][0])


class TablesScreen(Screen[None]):
    """``TablesScreen(project, coder)``: reads the choices from ``project``, counts on a connection of its own."""

    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding("1", "kind('frequencies')", "table", key_display="1-3", tooltip="code frequencies"),
        Binding("2", "kind('attribute')", "by attribute", show=False, tooltip="codes × an attribute: n, percent"),
        Binding("3", "kind('cooccurrence')", "co-occurrence", show=False, tooltip="codes × codes: segments with both"),
        Binding("a", "attribute", "attribute", tooltip="choose the attribute of the table (tjenestetype …)"),
        Binding("s", "source", "source", tooltip="count in one source only (a survey question) or in all"),
        Binding("f,slash", "filter", "filter", tooltip="only the cases that match: tjenestetype=kommunal, a,b, !="),
        Binding("h", "subcodes", "sub-codes", show=False, tooltip="parent codes count their sub-codes' codings or not"),
        Binding("v", "values", "values", show=False, tooltip="a cell as '46 % (55)', '46 %' or '55'"),
        Binding("b", "bars", "bars", tooltip="codes by an attribute as bars, or back to the table"),
        Binding("e", "export", "export", tooltip="write the table shown to .xlsx, .csv (;) or .md"),
    ]

    DEFAULT_CSS = """
    TablesScreen #tables-title { height: 1; padding: 0 1; text-style: bold; }
    TablesScreen #tables-filter { margin: 0 1; }
    TablesScreen #tables-info { height: 1; padding: 0 2; color: $text-muted; }
    TablesScreen #tables-grid { height: 1fr; border: round $panel-lighten-2; margin: 0 1; }
    TablesScreen #tables-grid:focus { border: round $accent; }
    TablesScreen #tables-bars { height: 1fr; border: round $accent; margin: 0 1; padding: 0 1; display: none; }
    """

    def __init__(self, project: Project, coder: str) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        keys = project.attribute_keys()
        self.request = TableRequest("frequencies", attribute=keys[0] if keys else None)
        self.show: Show = "both"
        self.table: Table | None = None  # the table shown (what ``e`` writes)
        self.bars = False  # the bar view instead of the table (codes by an attribute only)
        self._reader: Project | None = None  # the counting connection, opened by the first count
        self._lock = threading.Lock()  # one count at a time on the counting connection
        self._closed = False

    def compose(self) -> ComposeResult:
        yield Static("Tables", id="tables-title")
        yield Input(placeholder="filter the cases: tjenestetype=kommunal   landsdel=nord,vest   !=", id="tables-filter")
        yield Static("", id="tables-info")
        yield DataTable(id="tables-grid", zebra_stripes=True, cursor_type="row", fixed_columns=1, header_height=2)
        with VerticalScroll(id="tables-bars"):
            yield Static("", id="tables-bars-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.recount()

    def on_unmount(self) -> None:
        """Close the counting connection now, or let the count that still runs close it when done."""
        self._closed = True
        if self._lock.acquire(blocking=False):
            try:
                self._close_reader()
            finally:
                self._lock.release()

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    # -- counting ------------------------------------------------------------------------------------------
    def recount(self) -> None:
        self.query_one("#tables-info", Static).update("counting …")
        self._count(self.request)

    @work(thread=True, exclusive=True, group="tables", exit_on_error=False)
    def _count(self, request: TableRequest) -> None:
        try:
            with self._lock:
                if self._closed:
                    return
                if self._reader is None:
                    self._reader = open_project(self.project.path)
                table = build_table(self._reader, request)
                if self._closed:
                    self._close_reader()
                    return
        except Exception as error:  # shown, never a traceback: a wrong filter, a source gone
            message = str(error) if isinstance(error, CoderError) else f"{type(error).__name__}: {error}"
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._failed, request, message)
            return
        if not get_current_worker().is_cancelled:  # cancelled: the screen was closed while it counted
            self.app.call_from_thread(self._show, request, table)

    def _failed(self, request: TableRequest, message: str) -> None:
        if request == self.request and self.is_attached:
            self.notify(message, title="Could not count that table", severity="error", timeout=8)
            self._describe()

    def _show(self, request: TableRequest, table: Table) -> None:
        if request != self.request or not self.is_attached:  # an older count finished after a newer choice
            return
        self.table = table
        self._fill()
        self._describe()
        if self.bars and table.kind != "attribute":
            self.bars = False  # another table chosen (1, 3): the bars were of the attribute table
        self._show_bars()

    def _fill(self) -> None:
        grid = self.query_one(DataTable)
        grid.clear(columns=True)
        if self.table is None:
            return
        header = self.table.header()
        rows = self.table.text_rows(self.show)
        width = grid.scrollable_content_region.width
        # «Segmenter inkl. underkoder» over three header lines when two would leave the names too little room
        stacked = any(" inkl. " in t for t in header[1:]) and label_room(header[1:], rows, width) < MIN_LABEL
        grid.header_height = 3 if stacked else 2
        grid.add_column(lit(header[0]), key="label")
        for i, title in enumerate(header[1:]):
            grid.add_column(lit(_two_lines(plain_text(title), stacked), justify="right", multiline=True), key=f"v{i}")
        names = fit_labels([plain_text(row[0]) for row in rows], header[1:], rows, width, stacked)
        for i, (row, name) in enumerate(zip(rows, names, strict=True)):
            summary = self.table.rows[i].code_id is None
            grid.add_row(lit(name, "bold" if summary else ""), *(lit(c, justify="right") for c in row[1:]), key=str(i))

    def _describe(self) -> None:
        request = self.request
        title = self.table.title if self.table else KIND_NAMES[request.kind]
        self.query_one("#tables-title", Static).update(Text.assemble("Tables · ", (plain_text(title), "bold")))
        names = {str(s.id): s.name for s in self.project.sources()}
        parts = [", ".join(names.get(s, s) for s in request.sources) if request.sources else "all sources"]
        if request.where:
            parts.append(f"filter: {request.where}")
        if request.kind != "frequencies":
            parts.append("parents count sub-codes" if request.subcodes else "own codings only")
        parts.append("e exports")
        self.query_one("#tables-info", Static).update(lit(" · ".join(parts)))

    # -- choices ------------------------------------------------------------------------------------------
    def choose(self, **changes) -> None:
        self.request = replace(self.request, **changes)
        self.recount()

    def action_kind(self, kind: str) -> None:
        if kind == "attribute" and not self.request.attribute:
            self.notify("The cases have no attributes to compare by", severity="warning", timeout=4)
            return
        self.choose(kind=kind)

    def action_attribute(self) -> None:
        keys = self.project.attribute_keys()
        if not keys:
            self.notify("The cases have no attributes to compare by", severity="warning", timeout=4)
            return

        def done(key: str | None) -> None:
            if key is not None:
                self.choose(kind="attribute", attribute=key)

        self.app.push_screen(Choose("Codes by which attribute?", [(k, k) for k in keys], self.request.attribute), done)

    def action_source(self) -> None:
        units = {"transcript": "turns", "survey": "answers", "document": "paragraphs"}
        choices = [(ALL, "All sources")] + [
            (str(s.id), f"{s.name}  ({s.n_segments} {units.get(s.kind, 'segments')})") for s in self.project.sources()
        ]
        current = self.request.sources[0] if self.request.sources else ALL

        def done(value: str | None) -> None:
            if value is not None:
                self.choose(sources=(value,) if value else ())

        self.app.push_screen(Choose("Count in which source?", choices, current), done)

    def action_filter(self) -> None:
        self.query_one("#tables-filter", Input).focus()

    @on(Input.Submitted, "#tables-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self._show_bars(focus=True)
        if event.value.strip() != self.request.where:
            self.choose(where=event.value.strip())

    def action_subcodes(self) -> None:
        self.choose(subcodes=not self.request.subcodes)

    def action_values(self) -> None:
        self.show = SHOWS[(SHOWS.index(self.show) + 1) % len(SHOWS)]
        self._fill()
        self._draw_bars()

    # -- the bar view -------------------------------------------------------------------------------------------
    def action_bars(self) -> None:
        """Bars for the table of codes by an attribute; from another table, that table in bars."""
        if self.bars:
            self.bars = False
        elif self.request.kind != "attribute":
            if not self.request.attribute:
                self.notify("The cases have no attributes to draw bars by", severity="warning", timeout=4)
                return
            self.bars = True
            self.choose(kind="attribute")  # drawn when counted
            return
        else:
            self.bars = True
        self._show_bars()

    def _show_bars(self, focus: bool = False) -> None:
        """The table or the bars, whichever is chosen; the focus on it when ``focus`` or when not in the filter
        line (a count that ends while the filter is typed leaves the focus there)."""
        grid, scroll = self.query_one(DataTable), self.query_one("#tables-bars", VerticalScroll)
        drawn = self.bars and self.table is not None and self.table.kind == "attribute"
        grid.display, scroll.display = not drawn, drawn
        if focus or not isinstance(self.focused, Input):
            (scroll if drawn else grid).focus()
        if drawn:
            self.call_after_refresh(self._draw_bars)

    def on_resize(self) -> None:
        if self.bars:
            self.call_after_refresh(self._draw_bars)

    def _draw_bars(self) -> None:
        """Draw the bars in the width the view has now (they scale to it)."""
        scroll = self.query_one("#tables-bars", VerticalScroll)
        if not self.bars or self.table is None or self.table.kind != "attribute" or not scroll.display:
            return
        width = max(scroll.size.width - 2, 20)  # room for a scroll bar
        view = bar_view(self.table, width, self.show)
        colours = {c.id: c.colour for c in self.project.codebook().codes}
        out = Text(plain_text(view.axis), "dim", no_wrap=True, overflow="crop")
        for block in view.blocks:
            out.append("\n")
            out.append(plain_text(block.title), "bold")
            out.append(block.empty, "dim")
            for line in block.lines:
                out.append(f"\n{view.indent}")
                out.append(plain_text(line.label))
                out.append(" " * GAP)
                out.append(line.bar, swatch(colours.get(block.code_id), fallback=""))
                out.append(" " + line.value)
        self.query_one("#tables-bars-text", Static).update(out)

    # -- export -------------------------------------------------------------------------------------------------
    def action_export(self) -> None:
        if self.table is None:
            return
        table, show = self.table, self.show
        name = {"frequencies": "kodefrekvenser", "cooccurrence": "samforekomst"}.get(table.kind)
        name = name or f"koder-etter-{self.request.attribute}"

        def done(value: str | None) -> None:
            if not value or not value.strip():
                return
            path = Path(value.strip()).expanduser()
            if not path.suffix:
                path = path.with_suffix(".xlsx")
            fmt = format_for(path, None)
            if path.suffix.lower().lstrip(".") not in ("xlsx", "csv", "md", "markdown", "txt"):
                raise CoderError(f"{path}: write .xlsx, .csv or .md")
            if not path.parent.exists():
                raise CoderError(f"{path}: the folder {path.parent} does not exist")
            try:
                write(table, path, fmt, sep=";", show=show)
            except OSError as error:
                raise CoderError(f"{path}: {error.strerror or error}") from None
            self.notify(f"wrote {path.resolve()}", title=table.title)

        self.app.push_screen(
            Prompt(
                f"Export «{table.title}» to",
                value=f"{name}.xlsx",
                hint=".xlsx, .csv (; and decimal comma, for Norwegian Excel) or .md",
            ),
            done,
        )

    def action_close(self) -> None:
        filter_line = self.query_one("#tables-filter", Input)
        if self.focused is filter_line:
            filter_line.value = self.request.where
            self._show_bars(focus=True)
            return
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letters typed into the filter are text, not commands."""
        if action != "close" and isinstance(self.focused, Input):
            return False
        return True


def cut(label: str) -> str:
    """A code's name as the first column shows it: at most LABEL_WIDTH wide."""
    return label if len(label) <= LABEL_WIDTH else label[: LABEL_WIDTH - 1] + "…"


def label_room(titles: list[str], rows: list[list[str]], width: int, stacked: bool = False) -> int:
    """The cells the number columns leave for the codes' names in ``width``."""
    numbers = sum(
        2 + max(cell_len(x) for x in (*_two_lines(plain_text(t), stacked).splitlines(), *(r[i + 1] for r in rows)))
        for i, t in enumerate(titles)
    )
    return width - numbers - 3


def fit_labels(
    labels: list[str], titles: list[str], rows: list[list[str]], width: int, stacked: bool = False
) -> list[str]:
    """The codes' names in the room the number columns leave in ``width`` (issue 18, item 6): whole on a wide
    terminal, else told apart in that room (coder/tui/shorten.py) — at least MIN_LABEL, at most LABEL_WIDTH wide
    when the room is no more."""
    room = label_room(titles, rows, width, stacked)
    if room < MIN_LABEL and not stacked:
        return [cut(label) for label in labels]
    room = max(room, MIN_LABEL)
    names = [label.lstrip(" ") for label in labels]
    indents = [len(label) - len(name) for label, name in zip(labels, names, strict=True)]
    parents, stack = [], []  # each row's parent: the last row less indented above it
    for name, indent in zip(names, indents, strict=True):
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parents.append(stack[-1][1] if stack else None)
        stack.append((indent, name))
    short = distinct(names, [room - indent for indent in indents], parents)
    return [" " * indent + name for indent, name in zip(indents, short, strict=True)]


def _two_lines(title: str, stacked: bool = False) -> str:
    """A column title over two header lines, so the columns stay narrow: ``Kommunal`` / ``(n=119)``; ``stacked``:
    ``Segmenter`` / ``inkl.`` / ``underkoder`` over three, for a narrow terminal."""
    for cut in (" (n=", " inkl. "):
        if cut in title:
            head, _, tail = title.partition(cut)
            if cut == " (n=":
                return f"{head}\n{cut.strip()}{tail}"
            return f"{head}\ninkl.\n{tail}" if stacked else f"{head}\ninkl. {tail}"
    return title
