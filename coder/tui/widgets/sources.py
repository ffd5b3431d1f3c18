"""The sources panel: interviews, each survey question and documents, with a filter; ``t`` groups a survey
question's answers into themes (``screens/themes.py``)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Tree

from coder.filters import Filter, parse_filter
from coder.model import Attribute, Source
from coder.tui.literal import plain_text
from coder.tui.shorten import distinct

GROUPS = {"transcript": "Interviews", "survey": "Survey", "document": "Documents"}


FILTER_PAUSE = 0.12  # seconds without typing in the filter before it filters (typing runs 5–10 keys a second)


class SourcesPanel(Vertical):
    """Lists the sources; Enter opens one. The filter takes words or ``key=value``."""

    BINDINGS = [
        Binding("t", "themes", "themes", tooltip="group a survey question's answers into themes by meaning"),
        Binding("j", "step(1)", "down", show=False),
        Binding("k", "step(-1)", "up", show=False),
        Binding("escape", "back_to_list", "back to the list", show=False),
    ]

    class Opened(Message):
        def __init__(self, source_id: int) -> None:
            super().__init__()
            self.source_id = source_id

    class FilterChanged(Message):
        def __init__(self, filter: Filter) -> None:
            super().__init__()
            self.filter = filter

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sources: list[Source] = []
        self.attributes: dict[str, dict[str, Attribute]] = {}
        #: every attribute key, a survey's respondents' too, for the filter's «no attr» warning (None: not known yet,
        #: no warning; the main screen sets them once the respondents are read)
        self.keys: list[str] | None = []
        self.filter: Filter = parse_filter("")
        self._pending = None  # the timer that posts FilterChanged once typing pauses
        self.current: int | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter: words, key=value", id="source-filter")
        tree: Tree[int | None] = Tree("Sources", id="source-tree")
        tree.show_root = False
        tree.guide_depth = 1
        tree.show_guides = False
        yield tree

    def set_sources(self, sources: list[Source], attributes: dict[str, dict[str, Attribute]]) -> None:
        """``attributes``: case name → its attributes, for the sources' cases."""
        self.sources, self.attributes = sources, attributes
        self._rebuild()

    def set_current(self, source_id: int | None) -> None:
        self.current = source_id
        self._rebuild()

    def passes(self, source: Source) -> bool:
        """Interviews and documents must match the filter; survey questions stay (their answers are filtered)."""
        if source.kind == "survey" or not self.filter.terms:
            return True
        return self.filter.matches(self.attributes.get(source.case or "", {}), source.name)

    def _rebuild(self) -> None:
        tree = self.query_one("#source-tree", Tree)
        cursor_id = tree.cursor_node.data if tree.cursor_node else self.current
        tree.clear()
        groups: dict[str, list[Source]] = {}
        for source in self.sources:
            key = source.kind if source.kind != "survey" else f"survey:{source.group or ''}"
            groups.setdefault(key, []).append(source)
        target = None
        for key, members in groups.items():
            kind = key.split(":", 1)[0]
            shown = [s for s in members if self.passes(s)]
            title = GROUPS[kind] if kind != "survey" else plain_text(f"Survey {key.split(':', 1)[1]}").strip()
            if kind != "survey" and len(members) == len(shown):
                title = GROUPS[kind]
            count = f"{len(shown)}" if len(shown) == len(members) else f"{len(shown)}/{len(members)}"
            node = tree.root.add(Text.assemble((title, "bold"), " ", (count, "dim")), data=None, expand=True)
            for source in shown:
                leaf = node.add_leaf(self._label(source), data=source.id)
                if source.id == cursor_id:
                    target = leaf
        if target is not None:
            self.call_after_refresh(tree.move_cursor, target)

    def _shown_name(self, source: Source) -> str:
        name = source.name
        if source.group and name.startswith(source.group) and len(name) > len(source.group) + 1:
            name = name[len(source.group) :].lstrip(" ·:-–")
        return plain_text(name)

    def _label(self, source: Source) -> Text:
        """``Intervju 01 (3) · Kommunal · 6-15 · Øst``. Short of room, the attributes give way first, cut with an
        ellipsis («· 6-…», never «· 6-»), and the names are told apart (coder/tui/shorten.py)."""
        room = self.query_one("#source-tree", Tree).scrollable_content_region.width - 2  # the indent
        name = self._shown_name(source)
        if 0 < room < cell_len(name):
            names = [self._shown_name(s) for s in self.sources]
            name = distinct(names, room)[names.index(name)]
        label = Text()
        label.append(name, "bold reverse" if source.id == self.current else "")
        if source.n_codings:
            label.append(f" ({source.n_codings})", "dim")
        attrs = self.attributes.get(source.case or "", {})
        if attrs:
            label.append(plain_text(" · " + " · ".join(a.value for a in list(attrs.values())[:3])), "dim italic")
        if room > 0 and label.cell_len > room:
            if room - cell_len(name) < 6:  # no room for anything telling after the name: the name alone
                label.truncate(cell_len(name))
            else:
                label.truncate(room, overflow="ellipsis")
        return label

    def on_resize(self) -> None:
        self.call_after_refresh(self._relabel)

    def _relabel(self) -> None:
        """The room changed: the rows cut for it, in place (a rebuilt tree would move its cursor)."""
        tree = self.query_one("#source-tree", Tree)
        by_id = {s.id: s for s in self.sources}
        for group in tree.root.children:
            for node in group.children:
                if node.data in by_id:
                    node.set_label(self._label(by_id[node.data]))

    @on(Tree.NodeSelected, "#source-tree")
    def _selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Opened(event.node.data))

    @on(Input.Changed, "#source-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            self.filter = parse_filter(event.value)
        except ValueError as error:
            self.border_subtitle = Text(plain_text(str(error)), "bold red")
            return
        unknown = self.filter.unknown_keys(self.keys) if self.keys is not None else []
        self.border_subtitle = Text(plain_text(f"no attr {unknown[0]}"), "bold red") if unknown else None
        self._rebuild()
        if self._pending is not None:  # the answers are filtered once typing pauses, or on leaving the filter:
            self._pending.stop()  # each key of «tjenestetype=fylke» would filter 50,000 answers, the keys waiting
        self._pending = self.set_timer(FILTER_PAUSE, self._post_filter)

    def _post_filter(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
            self.post_message(self.FilterChanged(self.filter))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget.id == "source-filter":
            self._post_filter()

    # -- themes ---------------------------------------------------------------------------------------------
    def action_themes(self) -> None:
        """The themes of the survey question under the tree's cursor (else the one open), of the answers the filter
        lets through. A code made from a theme is announced like any codebook edit (``CodebookPanel.Edited``), and
        the review queue (the main screen's ``R``) opens after it when the researcher says so."""
        from coder.tui.screens.themes import ThemesScreen

        tree = self.query_one("#source-tree", Tree)
        chosen = tree.cursor_node.data if tree.has_focus and tree.cursor_node is not None else None
        source = next((s for s in self.sources if s.id == (chosen or self.current)), None)
        if source is None or source.kind != "survey":
            self.notify("Themes group the answers of a survey question: choose one first", severity="warning")
            return
        app = self.app
        app.push_screen(ThemesScreen(app.project, app.coder, app.path, source.id, self.filter), self._themes_done)

    async def _themes_done(self, done) -> None:
        from coder.tui.widgets.codebook import CodebookPanel

        if done is None or not done.made:
            return
        last = done.made[-1]
        n = sum(m.suggestions for m in done.made)
        what = f"added {', '.join(m.code.label for m in done.made)} with {n:,} suggestions to review"
        self.post_message(CodebookPanel.Edited(what, select=last.code.id, codes_only=True))
        if done.review:
            await self.app.run_action("screen.review")

    def action_step(self, step: int) -> None:
        """j/k in the list move its cursor (in the filter they are letters: the Input takes them first)."""
        tree = self.query_one("#source-tree", Tree)
        tree.action_cursor_down() if step > 0 else tree.action_cursor_up()

    def action_back_to_list(self) -> None:
        self.query_one("#source-tree", Tree).focus()

    @on(Input.Submitted, "#source-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#source-tree", Tree).focus()
