"""More like this (``M``): the passages across the project most like the coding in focus that lack its code.

Opened from the reader (the focused coding's code and span) or from retrieval (the retrieved code, the highlighted
passage). The lookup is :func:`coder.search.similar.more_like_this` over the app's vector index
(:meth:`CoderApp.vector_index`, built in a worker); until that index is there, the key says why (still embedding,
layer off) and opens the list by itself once a build it started is done. In the list, Enter or ``c`` codes the
highlighted passage, ``ctrl+a`` codes every passage shown that is not coded yet (after saying how many; one action),
``u`` undoes the last coding done here, ``g`` shows the passage in the reader, Escape goes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coder.coding import service as editing
from coder.errors import NothingToDo
from coder.tui.footer import KeysFooter
from coder.tui.literal import lit, plain_text, swatch
from coder.tui.results import JumpTo
from coder.tui.screens.dialogs import Confirm

if TYPE_CHECKING:
    from coder.model import Code
    from coder.search.similar import Similar
    from coder.store import Project

TITLE = "More like this"


@dataclass
class SimilarDone:
    """What the list hands back: passages coded there (net of undos), the last thing said, where to land."""

    coded: int
    message: str | None
    place: JumpTo | None


def open_similar(
    screen: Screen,
    project: Project,
    coder: str,
    code_id: str,
    span: tuple[int, int, int],
    done: Callable[[SimilarDone | None], None],
) -> None:
    """Look up the passages most like ``span`` (source, start, end) without ``code_id`` and show them over
    ``screen``; ``done`` gets what :class:`SimilarScreen` hands back. Every "not possible" is a notification."""
    from coder.search import similar  # numpy: imported when first used, not at start-up

    app = screen.app

    def again() -> None:  # the index was built because of this key: answer it, if nothing else came first
        if app.screen is screen:
            open_similar(screen, project, coder, code_id, span, done)

    index = app.vector_index(then=again)
    if index is None:
        app.notify(app.vector_index_note(), title=TITLE, severity="warning" if app.vectors_reason else "information")
        return
    codes = {c.id: c for c in project.codebook().codes}
    label = codes[code_id].label if code_id in codes else code_id
    try:
        found = similar.more_like_this(project, index, code_id, similar.segments_under(project, *span))
    except similar.NotEmbedded as error:
        app.notify(str(error), title=TITLE, severity="warning", timeout=8)
        return
    if not found:
        app.notify(f"Every other passage is coded with {label} already, or is the interviewer's", title=TITLE)
        return
    query = similar.snippet(project.source_text(span[0])[span[1] : span[2]], 200)

    def closed(result: SimilarDone | None) -> None:
        if result is not None and result.coded:  # the reader underneath shows the new codings (also from retrieval)
            for under in app.screen_stack:
                if callable(getattr(under, "after_change", None)):
                    under.after_change(result.message or f"coded as {label}")
        done(result)

    app.push_screen(SimilarScreen(project, coder, codes.get(code_id), code_id, query, found), closed)


class MoreLikeThisKeys:
    """The main screen's ``M``: more like the coding in focus in the reader (uses the screen's ``reader``, ``fail``
    and ``jump``; its ``after_change`` redraws what was coded)."""

    project: Project
    coder: str

    def action_more_like_this(self) -> None:
        coding = self.reader.focused_coding() if self.focused is self.reader else None
        if coding is None:
            self.fail("Put the cursor on a coding first: more like this finds passages like it that lack its code")
            return
        span = (coding.source_id, coding.start, coding.end)
        open_similar(self, self.project, self.coder, coding.code_id, span, self._similar_done)

    def _similar_done(self, result: SimilarDone | None) -> None:
        if result is not None and result.place is not None:
            self.jump(result.place)


class SimilarScreen(Screen[SimilarDone]):
    """``SimilarScreen(project, coder, code, code_id, query, found)``: the list of passages found."""

    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding("c", "code_one", "code it", tooltip="code the highlighted passage with the code (or Enter)"),
        Binding(
            "ctrl+a", "code_all", "code all", tooltip="code every passage shown not yet coded (asks first; one undo)"
        ),
        Binding("g", "go", "show in reader", tooltip="show the highlighted passage in the reader"),
        Binding("u", "undo", "undo", tooltip="undo the last coding done in this list"),
    ]

    DEFAULT_CSS = """
    SimilarScreen #similar-title { height: 1; padding: 0 1; }
    SimilarScreen #similar-query {
        height: 1; padding: 0 2; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    SimilarScreen #similar-count { height: 1; padding: 0 2; color: $text-muted; }
    SimilarScreen #similar-list { height: 1fr; border: round $panel-lighten-2; margin: 0 1; }
    SimilarScreen #similar-list:focus { border: round $accent; }
    SimilarScreen #similar-list > .option-list--option { padding: 0 1; }
    """

    def __init__(
        self, project: Project, coder: str, code: Code | None, code_id: str, query: str, found: list[Similar]
    ) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        self.code = code
        self.code_id = code_id
        self.label = code.label if code else code_id
        self.asked = query
        self.found = found
        self.coded: set[int] = set()  # segment ids of the passages found that carry the code now
        self.history: list[int] = []  # codings made by each action here still standing, oldest first
        self.message: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="similar-title")
        yield Static(Text.assemble("like «", plain_text(self.asked), "»"), id="similar-query")
        yield Static("", id="similar-count")
        yield OptionList(id="similar-list")
        yield KeysFooter()

    def on_mount(self) -> None:
        title = Text.assemble(
            (f"{TITLE} · ", "bold"),
            ("■ ", swatch(self.code.colour if self.code else None, "")),
            (plain_text(self.label), "bold"),
        )
        self.query_one("#similar-title", Static).update(title)
        self.redraw()
        self.query_one("#similar-list", OptionList).focus()

    # -- what is shown ----------------------------------------------------------------------------------------
    def redraw(self, keep: int | None = None) -> None:
        listing = self.query_one("#similar-list", OptionList)
        if keep is None:
            keep = self._at()
        width = max(self.size.width - 8, 40)
        lines = 2 if self.size.height < 34 else 4  # of each passage's text: a short screen shows more passages
        listing.clear_options()
        options: list[Option | None] = []
        for n, passage in enumerate(self.found):
            if options:
                options.append(None)  # a rule between passages
            options.append(self._option(passage, width * lines, n))
        listing.add_options(options)
        if self.found:
            listing.highlighted = listing.get_option_index(str(min(keep or 0, len(self.found) - 1)))
        left = len(self.found) - len(self.coded)
        count = lit(f"{len(self.found)} passages without {self.label}, most alike first")
        if self.coded:
            count.append(f" · {len(self.coded)} coded here, {left} left")
        self.query_one("#similar-count", Static).update(count)

    def _option(self, passage: Similar, chars: int, n: int) -> Option:
        from coder.search import similar  # numpy: imported when first used, not at start-up

        done = passage.segment_id in self.coded
        head = Text()
        head.append(f"{passage.cosine:.2f} ", "bold")
        head.append("✓ coded  " if done else "", "green")
        head.append(plain_text(passage.source), "bold")
        if passage.speaker:
            head.append(plain_text(f" · {passage.speaker}"))
        body = lit(similar.snippet(passage.snippet, chars), "dim" if done else "")
        return Option(Text.assemble(head, "\n", body), id=str(n))

    def _at(self) -> int | None:
        """The index in ``found`` of the highlighted passage."""
        listing = self.query_one("#similar-list", OptionList)
        if listing.highlighted is None or not self.found:
            return None
        return int(listing.get_option_at_index(listing.highlighted).id or 0)

    def current(self) -> Similar | None:
        at = self._at()
        return None if at is None else self.found[at]

    # -- coding ------------------------------------------------------------------------------------------------
    def _code(self, passages: list[Similar]) -> int:
        from coder.search import similar  # numpy: imported when first used, not at start-up

        ids = similar.code_found(self.project, passages, self.code_id, self.coder)
        if ids:
            self.history.append(len(ids))
            what = "passage" if len(ids) == 1 else "passages"
            self.message = f"coded {len(ids)} {what} as {self.label} (more like this)"
            self.app.saved(self.message)
        self.coded = similar.coded_now(self.project, self.code_id, self.found)
        return len(ids)

    @on(OptionList.OptionSelected, "#similar-list")
    def _selected(self) -> None:
        self.action_code_one()

    def action_code_one(self) -> None:
        n = self._at()
        if n is None:
            return
        passage = self.found[n]
        if passage.segment_id in self.coded:
            self.notify(f"Already coded with {self.label} (u undoes)", timeout=3)
            return
        self._code([passage])
        later = [i for i, p in enumerate(self.found) if i > n and p.segment_id not in self.coded]
        self.redraw(keep=later[0] if later else n)

    def action_code_all(self) -> None:
        todo = [p for p in self.found if p.segment_id not in self.coded]
        if not todo:
            self.notify(f"Every passage shown is coded with {self.label}", timeout=3)
            return
        n = len(todo)
        what = f"the {n} passages shown" if n != 1 else "the one passage shown"
        question = f"Code {what} that are not coded yet as {self.label}?\nOne action: u undoes it."

        def answer(yes: bool | None) -> None:
            if yes:
                self._code(todo)
                self.redraw()

        self.app.push_screen(Confirm(question, yes=f"Code {n}", danger=False), answer)

    def action_undo(self) -> None:
        from coder.search import similar  # numpy: imported when first used, not at start-up

        if not self.history:
            self.notify("Nothing coded in this list to undo (esc, then u in the reader)", severity="warning", timeout=4)
            return
        try:
            message = editing.undo(self.project)
        except NothingToDo as error:
            self.notify(str(error).capitalize(), severity="warning", timeout=3)
            return
        self.history.pop()
        self.message = message
        self.app.saved(message)
        self.coded = similar.coded_now(self.project, self.code_id, self.found)
        self.redraw()

    # -- leaving -----------------------------------------------------------------------------------------------
    def _result(self, place: JumpTo | None) -> SimilarDone:
        return SimilarDone(sum(self.history), self.message, place)

    def action_go(self) -> None:
        passage = self.current()
        if passage is not None:
            self.dismiss(self._result(JumpTo(passage.source_id, passage.start, passage.end)))

    def action_close(self) -> None:
        self.dismiss(self._result(None))
