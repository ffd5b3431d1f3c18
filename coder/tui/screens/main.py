"""The main screen: sources │ reader │ codebook, and every coding action on them.

Actions call ``coder.coding.service`` (one transaction each) and then redraw from the store,
so what the screen shows is always what is committed. The suggestion keys are the mixin ``SuggestionKeys``
(``suggestion_keys.py``), the team keys ``TeamKeys`` (``team.py``); the codebook panel owns its editing keys
(``widgets/codebook_keys.py``) and posts ``CodebookPanel.Edited``, answered here with :meth:`MainScreen.after_change`.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from coder import spans
from coder.coding import service as editing
from coder.errors import NothingToDo
from coder.filters import parse_filter
from coder.model import Attribute, Code
from coder.tui.footer import KeysFooter
from coder.tui.results import CodeHits, JumpTo
from coder.tui.screens.dialogs import MemoEditor
from coder.tui.screens.panel_focus import PanelFocus
from coder.tui.screens.picker import CodePicker, Picked
from coder.tui.screens.reader_position import RememberPosition
from coder.tui.screens.similar import MoreLikeThisKeys
from coder.tui.screens.suggestion_keys import SUGGESTION_BINDINGS, SuggestionKeys
from coder.tui.screens.survey_filter import SurveyFilter
from coder.tui.screens.team import TeamKeys
from coder.tui.widgets.codebook import CodebookPanel
from coder.tui.widgets.codebook_keys import CodebookCommands
from coder.tui.widgets.reader import Reader, Shown
from coder.tui.widgets.reader_status import status_line
from coder.tui.widgets.sources import SourcesPanel

if TYPE_CHECKING:
    from coder.store import Project

#: coding keys are the reader's (``widgets/reader.py`` CODING_BINDINGS): they act on its selection only while it has
#: the focus; the screen keeps the keys that open screens or undo
_READER_ACTIONS = {"accept_suggestion", "reject_suggestion", "accept_all"}


class MainScreen(
    PanelFocus, RememberPosition, SurveyFilter, TeamKeys, SuggestionKeys, MoreLikeThisKeys, CodebookCommands, Screen
):
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]  # a short screen shows less of the suggestions' why
    BINDINGS = [
        *[b for b in SUGGESTION_BINDINGS if b.action not in _READER_ACTIONS],
        Binding("m", "memo", "memo"),
        Binding("slash", "search", "search"),
        Binding("r", "retrieve", "retrieve"),
        Binding("M", "more_like_this", "more like this", show=False, tooltip="more like this, not yet coded with it"),
        Binding("u", "undo", "undo"),
        Binding("ctrl+r", "redo", "redo", show=False),
        Binding("f", "filter", "filter sources", show=False),
        Binding("n", "new_code", "new code", show=False),
        Binding("question_mark", "app.help", "help"),
        Binding("q", "app.quit", "quit"),
        Binding("A", "anonymisation_check", "anonymisation check", show=False),
        Binding("T", "tables", "tables", show=False, tooltip="tables for the report: frequencies, codes × attribute"),
        Binding("w", "coder_view", "whose codings", show=False, tooltip="everyone's, one coder's, or where two differ"),
        Binding("I", "agreement", "agreement", show=False, tooltip="intercoder agreement: percent, kappa, alpha"),
        Binding("C", "consensus", "consensus", show=False, tooltip="walk the coders' disagreements and settle them"),
    ]

    def __init__(self, project: Project, coder: str) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        self.source_id: int | None = None
        self.codes: dict[str, Code] = {}
        self.filter = parse_filter("")
        self.case_attrs: dict[str, dict[str, Attribute]] = {}
        self._cases_mark: tuple | None = None  # what refresh_sources last read (see there)
        self._sources_shown: list | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Horizontal(id="panels"):
            yield SourcesPanel(id="sources")
            with Vertical(id="reader-pane"):
                yield Reader(id="reader")
                yield Static(id="status")
            codebook = CodebookPanel(id="codebook")
            codebook.project, codebook.coder = self.project, self.coder  # its editing keys act on these
            yield codebook
        yield KeysFooter()

    @property
    def reader(self) -> Reader:
        return self.query_one(Reader)

    @property
    def codebook_panel(self) -> CodebookPanel:
        return self.query_one(CodebookPanel)

    def on_mount(self) -> None:
        panel = self.codebook_panel
        panel.code_tree.auto_expand = False
        self.query_one("#sources").border_title = "Sources"
        self.query_one("#reader-pane").border_title = "Reader"
        panel.border_title = "Codes"
        self.refresh_sources()
        self.refresh_codes()
        first = self.first_source(self.project.sources())  # the one open last (reader_position.py)
        if first is not None:
            self.open_source(first)
        self.reader.focus()

    # -- loading from the store ----------------------------------------------------------------
    def refresh_sources(self, codings_only: bool = False) -> None:
        """Read the sources and their cases' attributes again (at start and after an import) — only when the cases
        changed (:meth:`~coder.store.Project.cases_mark`), and the panel only when what it shows did. A survey's
        respondents are read in the background (survey_filter.py): 50,000 take a few hundred milliseconds.
        ``codings_only``: after an action on codings, only the sources' coding counts can have changed."""
        if codings_only and self._sources_shown is not None:
            counts = self.project.coding_counts()
            sources = [replace(s, n_codings=counts.get(s.id, 0)) for s in self._sources_shown]
            if sources != self._sources_shown:
                self._sources_shown = sources
                self.query_one(SourcesPanel).set_sources(sources, self.case_attrs)
            return
        sources = self.project.sources()
        mark = self.project.cases_mark()
        if mark != self._cases_mark:
            self.case_attrs = self.project.cases_of_sources()
            self.forget_respondents(any(s.kind == "survey" for s in sources))
        elif sources == self._sources_shown:
            return
        self._cases_mark, self._sources_shown = mark, sources
        panel = self.query_one(SourcesPanel)
        panel.set_sources(sources, self.case_attrs)

    def refresh_codes(self, select: str | None = None) -> None:
        here: dict[str, int] = {}
        if self.source_id is not None and self.reader.shown is not None:
            for coding in self.reader.shown.codings:
                here[coding.code_id] = here.get(coding.code_id, 0) + 1
        codes = self.codebook_panel.reload(here, select)
        self.codes = {c.id: c for c in codes}
        self._codebook_changed(codes)

    def open_source(self, source_id: int) -> None:
        source = next((s for s in self.project.sources() if s.id == source_id), None)
        if source is None:
            return
        self.source_id = source_id
        segments = self.project.segments_cached(source_id)  # shared with a search that follows: read-only
        shown = Shown(
            source_id,
            source.name,
            source.kind,
            self.project.source_text(source_id),
            segments,
            self.visible_codings(self.project.codings(source_id)),
            {int(i) for i in self.project.memo_targets("segment") if i.isdigit()},
        )
        visible = self.visible_answers(source, shown)
        self.reader.show(shown, self.codes, visible)
        self.restore_position(source_id)
        self.show_title(source, visible)
        self.query_one(SourcesPanel).set_current(source_id)
        self.refresh_codes()
        if len(segments) > 5_000:  # long-lived: the collector's full passes need not walk a million objects again
            gc.freeze()

    def after_change(self, message: str, select: str | None = None, codings_only: bool = True) -> None:
        """Redraw what an action changed, and say what was done (and saved); ``codings_only``: it changed no source."""
        if self.reader.shown is not None:
            self._redraw_codings()
        self.refresh_codes(select)
        self.refresh_sources(codings_only)
        self.app.saved(message)

    def _redraw_codings(self) -> None:
        """The open source's codings, codes and memos read again into the reader."""
        self.reader.update_codings(
            self.visible_codings(self.project.codings(self.reader.shown.source_id)),
            {c.id: c for c in self.project.codebook().codes},
            {int(i) for i in self.project.memo_targets("segment") if i.isdigit()},
        )

    def others_changed(self) -> None:
        """Another coder process (or a worker's connection) changed the project: redraw the reader's codings, the
        codebook's counts, the sources and the suggestions from the store. The cursor, the selection and the panels'
        highlighted rows stay where they are; a source whose text changed is shown again at the same segment."""
        shown = self.reader.shown
        if shown is not None:
            if not any(s.id == shown.source_id for s in self.project.sources()):
                self.source_id = None
            elif self.project.source_text(shown.source_id) != shown.text:
                cursor = self.reader.cursor
                self.open_source(shown.source_id)
                if cursor < len(self.reader.shown.segments):
                    self.reader.cursor = cursor
                    self.reader._after_move()
            else:
                self._redraw_codings()
        self.refresh_codes()
        self.refresh_sources()
        self.refresh_suggestions()

    def fail(self, message: str) -> None:
        self.notify(message, severity="warning", timeout=4)

    # -- the status line under the reader ---------------------------------------------------------
    @on(Reader.Moved)
    def _moved(self, event: Reader.Moved) -> None:
        self.refresh_suggestions()
        reader = event.reader
        status = self.query_one("#status", Static)
        shown = reader.shown
        if shown is None or not shown.segments:
            status.update("")
            return
        if reader.only == []:
            status.update(Text(f"0 of {len(shown.segments)} answers match the filter", "italic"))
            return
        status.update(status_line(reader, self.codes, status.size.width))

    # -- sources ---------------------------------------------------------------------------------
    def action_themes(self) -> None:
        """The themes of the survey question open in the sources panel (``t`` there; the palette comes here)."""
        self.query_one(SourcesPanel).action_themes()

    @on(SourcesPanel.Opened)
    def _open(self, event: SourcesPanel.Opened) -> None:
        self.open_source(event.source_id)
        self.reader.focus()

    @on(SourcesPanel.FilterChanged)
    def _filter(self, event: SourcesPanel.FilterChanged) -> None:
        self.filter = event.filter
        source = next((s for s in self.project.sources() if s.id == self.source_id), None)
        if source is not None:
            self.filter_answers(source)

    def action_filter(self) -> None:
        self.query_one("#source-filter").focus()

    # -- coding ---------------------------------------------------------------------------------
    def _selection(self) -> tuple[int, int, int] | None:
        sel = self.reader.selection()
        if sel is None or self.reader.shown is None:
            self.fail("Nothing selected: open a source and move to a passage")
            return None
        return (self.reader.shown.source_id, *sel)

    def apply_code(self, code_id: str) -> None:
        span = self._selection()
        if span is None:
            return
        ids = editing.code_spans(self.project, [span], code_id, self.coder)
        label = self.codes[code_id].label
        self.after_change(f"coded as {label}" if ids else f"already coded as {label}", select=code_id)

    def action_quick(self, slot: int) -> None:
        quick = editing.quick_codes(self.project)
        if quick[slot] is None:
            self.fail(f"No code on key {slot + 1}: pin one with p in the codebook, or code with c first")
            return
        self.apply_code(quick[slot])

    def action_pick(self) -> None:
        if self._selection() is None:
            return
        parent = self.codes.get(self.codebook_panel.selected or "")
        self.app.push_screen(
            CodePicker(list(self.codes.values()), "Apply a code to the selection", parent=parent), self._picked
        )

    def _picked(self, picked: Picked | None) -> None:
        if picked is None:
            return
        if picked.code_id:
            self.apply_code(picked.code_id)
            return
        if picked.new_label:
            code = editing.new_code(self.project, picked.new_label, picked.parent, self.coder)
            self.refresh_codes(code.id)
            self.apply_code(code.id)

    def action_in_vivo(self) -> None:
        span = self._selection()
        if span is None:
            return
        source_id, start, end = span
        if len(self.project.source_text(source_id)[start:end]) > 200:
            self.fail("In vivo names a code by a few words: select them first (s, then ←→ ⇧←→)")
            return
        parent = self.codebook_panel.selected
        try:
            code, _ = editing.code_in_vivo(self.project, source_id, start, end, parent, self.coder)
        except ValueError as exc:
            self.fail(str(exc))
            return
        self.after_change(f"new code «{code.label}», applied", select=code.id)

    def _focused(self):
        coding = self.reader.focused_coding()
        if coding is None:
            self.fail("No coding here")
        return coding

    def action_uncode(self) -> None:
        coding = self._focused()
        if coding is not None:
            editing.uncode(self.project, coding.id, self.coder)
            self.after_change(f"removed {self.codes[coding.code_id].label} (u to undo)")

    def action_recode(self) -> None:
        coding = self._focused()
        if coding is None:
            return

        def done(picked: Picked | None) -> None:
            if picked and picked.code_id:
                editing.recode(self.project, coding.id, picked.code_id, self.coder)
                self.after_change(f"changed to {self.codes[picked.code_id].label}")

        title = f"Change {self.codes[coding.code_id].label} to…"
        self.app.push_screen(CodePicker(list(self.codes.values()), title, allow_new=False), done)

    def action_cycle(self) -> None:
        if self.reader.cycle_coding() is None:
            self.fail("No coding here")

    def action_resize(self, end: str, step: int) -> None:
        coding = self._focused()
        if coding is None:
            return
        text = self.reader.shown.text
        span = (coding.start, coding.end)
        if end == "end":
            span = spans.grow_end(text, *span) if step > 0 else spans.shrink_end(text, *span)
        else:
            span = spans.grow_start(text, *span) if step > 0 else spans.shrink_start(text, *span)
        if span == (coding.start, coding.end):
            return
        editing.resize(self.project, coding.id, span[0], span[1], self.coder)
        self.after_change(f"{self.codes[coding.code_id].label}: {len(text[span[0] : span[1]].split())} words")

    def action_quote(self) -> None:
        coding = self._focused()
        if coding is None:
            return
        marked = coding.id not in self.project.quote_marks()
        editing.mark_quote(self.project, coding.id, marked, self.coder)
        self.after_change("marked as a candidate quote" if marked else "no longer a candidate quote")

    # -- memos ------------------------------------------------------------------------------------
    def action_memo(self) -> None:
        """A memo on the coding at the cursor, else on the segment; in the panels, on the source or code."""
        focused = self.focused
        if focused is not None and self.query_one(SourcesPanel) in focused.ancestors_with_self:
            if self.source_id is None:
                return
            self.edit_memo("source", self.source_id, "Memo on the source", self.reader.shown.title)
            return
        if focused is not None and self.codebook_panel in focused.ancestors_with_self:
            code_id = self.codebook_panel.selected
            if code_id:
                self.edit_memo("code", code_id, f"Memo on the code {self.codes[code_id].label}", "")
            return
        shown = self.reader.shown
        if shown is None:
            return
        coding = self.reader.focused_coding()
        if coding is not None:
            quote = shown.text[coding.start : coding.end]
            context = f"«{quote[:160]}{'…' if len(quote) > 160 else ''}»"
            self.edit_memo("coding", coding.id, f"Memo on the coding {self.codes[coding.code_id].label}", context)
            return
        seg = shown.segments[self.reader.cursor]
        who = seg.speaker or seg.case or "segment"
        self.edit_memo("segment", seg.id, f"Memo on this segment ({who})", shown.text[seg.start : seg.end][:160])

    def edit_memo(self, kind: str, target, title: str, context: str) -> None:
        old = self.project.memo(kind, target)

        def done(text: str | None) -> None:
            if text is None:
                return
            editing.write_memo(self.project, kind, target, text, self.coder)
            self.after_change("memo saved" if text.strip() else "memo deleted")

        self.app.push_screen(MemoEditor(title, old.text if old else "", context), done)

    # -- undo -------------------------------------------------------------------------------------
    def action_undo(self) -> None:
        try:
            message = editing.undo(self.project)
        except NothingToDo as exc:
            self.fail(str(exc).capitalize())
            return
        self.after_change(message, codings_only=False)

    def action_redo(self) -> None:
        try:
            message = editing.redo(self.project)
        except NothingToDo as exc:
            self.fail(str(exc).capitalize())
            return
        self.after_change(message, codings_only=False)

    # -- search and retrieval -------------------------------------------------------------------------
    def action_search(self) -> None:
        from coder.tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.project), self._search_done)

    def _search_done(self, result: JumpTo | CodeHits | None) -> None:
        if isinstance(result, JumpTo):
            self.jump(result)
        elif isinstance(result, CodeHits):
            self._code_hits(result)

    def _code_hits(self, hits: CodeHits) -> None:
        def done(picked: Picked | None) -> None:
            if picked is None:
                return
            code_id = picked.code_id
            if code_id is None and picked.new_label:
                code_id = editing.new_code(self.project, picked.new_label, picked.parent, self.coder).id
                self.refresh_codes(code_id)
            if code_id:
                bulk = {"bulk": "search", "query": hits.query}
                ids = editing.code_spans(self.project, hits.spans, code_id, self.coder, provenance=bulk)
                self.after_change(hits.done(len(ids), self.codes[code_id].label), select=code_id)

        self.app.push_screen(CodePicker(list(self.codes.values()), hits.title()), done)

    def jump(self, place: JumpTo) -> None:
        if place.source_id != self.source_id:
            self.open_source(place.source_id)
        self.reader.select_span(place.start, place.end)
        self.reader.focus()

    def action_retrieve(self) -> None:
        from coder.tui.screens.retrieval import RetrievalScreen

        code_id = self.codebook_panel.selected
        focused = self.reader.focused_coding()
        if self.focused is self.reader and focused is not None:
            code_id = focused.code_id
        if code_id is None:
            self.fail("Choose a code in the codebook first")
            return
        self.app.push_screen(RetrievalScreen(self.project, code_id, self.coder), self._retrieval_done)

    def _retrieval_done(self, result: JumpTo | None) -> None:
        self.refresh_codes()
        if result is not None:
            self.jump(result)

    def action_tables(self) -> None:
        from coder.tui.screens.tables import TablesScreen

        self.app.push_screen(TablesScreen(self.project, self.coder))

    def action_anonymisation_check(self) -> None:
        from coder.tui.screens.check import open_check

        open_check(self.app, self.project, self.coder, self.app.path, self._check_done)

    def _check_done(self, result: JumpTo | None) -> None:
        """Pseudonymising changed text: show the new text, the codings where they moved to."""
        shown = self.reader.shown
        if shown is not None and self.project.source_text(shown.source_id) != shown.text:
            cursor = self.reader.cursor
            self.open_source(shown.source_id)
            if result is None and cursor < len(self.reader.shown.segments):
                self.reader.cursor = cursor
                self.reader._after_move()
        self.refresh_sources()
        self.refresh_codes()
        if result is not None:
            self.jump(result)

    # -- the codebook ------------------------------------------------------------------------------------
    @on(CodebookPanel.Chosen)
    def _chosen(self, event: CodebookPanel.Chosen) -> None:
        self.apply_code(event.code_id)

    @on(CodebookPanel.Edited)
    def _edited(self, event: CodebookPanel.Edited) -> None:
        if event.codes_only:
            self.refresh_codes(event.select)
            self.app.saved(event.message)
        else:
            self.after_change(event.message, event.select)
