"""Full-text search (``/``): results with context as you type; Enter jumps, ``a`` codes every hit."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from coder.hits import SPREAD_NAMES, SPREADS, Spread, hit_spans, typed_query
from coder.store import Project
from coder.store.sources import Hit
from coder.tui.results import CodeHits, JumpTo

LIMIT = 500
DEBOUNCE = 0.15


def snippet_text(snippet: str) -> Text:
    """A snippet with its \\x01…\\x02 marked words shown in the accent style."""
    text = Text()
    marked = False
    for part in snippet.replace("\x02", "\x01").split("\x01"):
        text.append(" ".join(part.split("\n")), "bold reverse" if marked else "")
        marked = not marked
    return text


class SearchScreen(Screen[JumpTo | CodeHits | None]):
    """Search all sources.  Dismisses with a place to jump to, hits to code, or None."""

    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding("a", "code_all", "code all hits", tooltip="code every hit with a code you pick next (one undo)"),
        Binding(
            "w", "spread", "code what", tooltip="what a codes: the sentence → the whole turn or answer → the words"
        ),
        Binding("slash", "focus_query", "new search", show=False, tooltip="back to the query"),
    ]

    DEFAULT_CSS = """
    SearchScreen #search-query { margin: 0 1; }
    SearchScreen #search-count { height: 1; padding: 0 2; color: $text-muted; }
    SearchScreen #search-count.error { color: $error; }
    SearchScreen #search-hits { height: 1fr; border: round $panel-lighten-2; margin: 0 1; }
    SearchScreen #search-hits:focus { border: round $accent; }
    """

    def __init__(self, project: Project, query: str = "") -> None:
        super().__init__()
        self.project = project
        self.initial = query
        self.hits: list[Hit] = []
        self.spread: Spread = "sentence"
        self._timer: Timer | None = None
        self._error = ""

    def compose(self) -> ComposeResult:
        yield Input(
            self.initial,
            placeholder='search all sources:  kapasitet   sakkyn*   "tidlig innsats"   ventetid NOT skole',
            id="search-query",
        )
        yield Static("", id="search-count")
        yield OptionList(id="search-hits")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search-query", Input).focus()
        if self.initial:
            self.run_search()

    # -- searching --------------------------------------------------------------------------------------
    @on(Input.Changed, "#search-query")
    def _changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.run_search)

    @on(Input.Submitted, "#search-query")
    def _submitted(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.run_search()
        if self.hits:
            self.query_one("#search-hits", OptionList).focus()

    def run_search(self) -> None:
        query = self.query_one("#search-query", Input).value.strip()
        self._error = ""
        try:
            self.hits = self.project.search_hits(typed_query(query), LIMIT) if query else []
        except ValueError as error:
            self.hits, self._error = [], str(error)
        listing = self.query_one("#search-hits", OptionList)
        listing.clear_options()
        listing.add_options(self._option(i, hit) for i, hit in enumerate(self.hits))
        if self.hits:
            listing.highlighted = 0
        self._show_count(query)

    def _option(self, index: int, hit: Hit) -> Option:
        where = Text(hit.source, "bold")
        if hit.speaker:
            where.append(f" · {hit.speaker}", "dim")
        return Option(Text.assemble(where, "\n  ", snippet_text(hit.snippet)), id=str(index))

    def _show_count(self, query: str) -> None:
        count = self.query_one("#search-count", Static)
        count.set_class(bool(self._error), "error")
        if self._error:
            count.update(self._error)
            return
        if not query:
            count.update('words find their forms: kapasitet → kapasiteten · exact phrase: "felles språk" · AND OR NOT')
            return
        sources = len({h.source_id for h in self.hits})
        n = f"first {LIMIT}" if len(self.hits) >= LIMIT else str(len(self.hits))
        hits = "hit" if len(self.hits) == 1 else "hits"
        where = "source" if sources == 1 else "sources"
        spread = f" · a codes {SPREAD_NAMES[self.spread]} (w changes)" if self.hits else ""
        count.update(f"{n} {hits} in {sources} {where}{spread}")

    # -- leaving ------------------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#search-hits")
    def _open(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[int(event.option.id or 0)]
        start, end = hit.matches[0] if hit.matches else (hit.start, hit.end)
        self.dismiss(JumpTo(hit.source_id, start, end))

    def action_code_all(self) -> None:
        if isinstance(self.focused, Input):
            return
        if not self.hits:
            self.notify("Nothing to code: search for something first", severity="warning")
            return
        self.dismiss(CodeHits(hit_spans(self.project, self.hits, self.spread)))

    def action_spread(self) -> None:
        self.spread = SPREADS[(SPREADS.index(self.spread) + 1) % len(SPREADS)]
        self._show_count(self.query_one("#search-query", Input).value.strip())

    def action_focus_query(self) -> None:
        self.query_one("#search-query", Input).focus()

    def action_close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``a`` and ``w`` are letters: while typing a query they go to the query, not to the screen."""
        if action in ("code_all", "spread", "focus_query") and isinstance(self.focused, Input):
            return False
        return True
