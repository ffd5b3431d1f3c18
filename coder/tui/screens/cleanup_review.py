"""The cleanup review (``T`` in retrieval): the cleanup proposal of every passage shown, one key each, before export.

It walks the passages shown that have no saved report text and whose proposal (what ``coder export quotes
--clean`` would print: :func:`coder.export.service.proposal` with ``capital``) differs from the words as said.
For each it shows the words as said, the words the proposal leaves out struck through, and the proposal, and
takes one key:

- ``a`` / Enter accepts: the proposal is saved as the passage's report text (the ``t`` dialog's save, one
  undoable action);
- ``e`` opens the report-text dialog with the proposal, to edit it and save (or escape: back to this passage);
- ``k`` keeps the words as said: they are saved as the report text (one undoable action), so that an export
  with ``--clean`` prints them as said (a saved report text always wins; the store has no other place for it);
- ``space`` skips it (nothing saved: ``--clean`` would still clean it), ``u`` undoes the last decision (and what it
  saved), ``escape`` goes back to retrieval.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from coder.coding import service as editing
from coder.export import service as quotes
from coder.model import plural
from coder.tui.footer import KeysFooter
from coder.tui.literal import lit, plain_text

if TYPE_CHECKING:
    from coder.export.report_text import Proposal
    from coder.store import Project
    from coder.store.codings import Retrieved

#: decision → how the counter names it
DONE = {"accepted": "accepted", "edited": "edited", "kept": "kept", "skipped": "skipped"}


@dataclass
class Item:
    """A passage to review: ``said`` its words as said (one line), ``proposal`` what ``--clean`` would print."""

    passage: Retrieved
    said: str
    proposal: Proposal


@dataclass
class Decision:
    index: int
    kind: str  # accepted, edited, kept, skipped
    saved: bool  # an undoable action was recorded (``u`` undoes it)


@dataclass
class ReviewDone:
    """What the review did: each decision, in order."""

    decisions: list[Decision] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(d.kind == kind for d in self.decisions)

    def describe(self) -> str:
        parts = [f"{self.count(k)} {name}" for k, name in DONE.items() if self.count(k)]
        return " · ".join(parts) or "nothing decided"


def to_review(project: Project, passages: list[Retrieved]) -> list[Item]:
    """The passages without a saved report text whose cleanup proposal changes their words, in the order shown."""
    items = []
    for passage in passages:
        coding_id = passage.coding.id
        if quotes.report_text(project, coding_id) is not None:
            continue
        said = " ".join(quotes.original_text(project, coding_id).split())
        proposal = quotes.proposal(project, coding_id, capital=True)
        if proposal.text and " ".join(proposal.text.split()) != said:
            items.append(Item(passage, said, proposal))
    return items


def marked(said: str, proposed: str) -> tuple[Text, Text]:
    """The words as said with those the proposal leaves out struck through and dim, and the proposal with what it
    puts in (a […], a capital, a full stop) in bold: a word-by-word diff (difflib), cheap and good enough to see."""
    old, new = said.split(), proposed.split()
    left, right = Text(), Text()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            _words(left, old[i1:i2], "" if op == "equal" else "dim strike")
        if j2 > j1:
            _words(right, new[j1:j2], "" if op == "equal" else "bold")
    return left, right


def _words(text: Text, words: list[str], style: str) -> None:
    if text:
        text.append(" ")
    text.append(plain_text(" ".join(words)), style)


class CleanupReview(Screen[ReviewDone]):
    """``CleanupReview(project, coder, items, title)``: dismisses with the decisions made."""

    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding("a,enter", "accept", "accept", tooltip="save the proposal as the report text"),
        Binding("e", "edit", "edit", tooltip="edit the proposal in the report-text dialog, then save it"),
        Binding("k", "keep", "keep as said", tooltip="save the words as said: --clean then leaves them as said"),
        Binding("space", "skip", "skip", tooltip="decide later: nothing saved (--clean would still clean it)"),
        Binding("u", "undo", "undo", tooltip="undo the last decision and what it saved"),
        Binding("question_mark", "help", "help", show=False),
    ]

    DEFAULT_CSS = """
    CleanupReview #cleanup-title { height: 1; padding: 0 1; text-style: bold; }
    CleanupReview #cleanup-count { height: 1; padding: 0 2; color: $text-muted; }
    CleanupReview #cleanup-body { height: 1fr; border: round $accent; margin: 0 1; padding: 0 1; }
    CleanupReview .heading { text-style: bold; margin-top: 1; }
    CleanupReview #cleanup-where { color: $text-muted; }
    CleanupReview #cleanup-hint { height: auto; max-height: 2; padding: 0 2; color: $text-muted; }
    """

    def __init__(self, project: Project, coder: str, items: list[Item], title: str) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        self.items = items
        self.title_text = title
        self.index = 0
        self.done = ReviewDone()

    def compose(self) -> ComposeResult:
        yield Static(lit(f"Clean up the quotes · {self.title_text}"), id="cleanup-title")
        yield Static("", id="cleanup-count")
        yield Static("", id="cleanup-hint")
        with VerticalScroll(id="cleanup-body"):
            yield Static("", id="cleanup-where")
            yield Label("As said", classes="heading")
            yield Static("", id="cleanup-said")
            yield Label("In the report (proposal)", classes="heading")
            yield Static("", id="cleanup-proposal")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.show()

    @property
    def item(self) -> Item | None:
        return self.items[self.index] if self.index < len(self.items) else None

    def counter(self) -> str:
        """«3 of 17 · 2 accepted · 1 kept»."""
        where = f"{self.index + 1} of {len(self.items)}" if self.item else f"all {len(self.items)} reviewed"
        counts = [f"{self.done.count(k)} {name}" for k, name in DONE.items() if self.done.count(k)]
        return " · ".join([where, *counts])

    def show(self) -> None:
        self.query_one("#cleanup-count", Static).update(lit(self.counter()))
        item = self.item
        said, proposal, where, hint = (Text(), Text(), Text(), Text())
        if item is not None:
            said, proposal = marked(item.said, item.proposal.text)
            p = item.passage
            parts = [p.source, p.speaker or p.case or "", *(a.value for a in p.attributes.values())]
            where = lit(" · ".join(x for x in parts if x))
            hint = lit(f"proposal — {item.proposal.summary() or 'nothing cut'}")
        else:
            hint = lit(f"{self.done.describe()} · u undoes the last decision · esc goes back to retrieval")
        self.query_one("#cleanup-where", Static).update(where)
        self.query_one("#cleanup-said", Static).update(said)
        self.query_one("#cleanup-proposal", Static).update(proposal)
        self.query_one("#cleanup-hint", Static).update(hint)
        self.query_one("#cleanup-body", VerticalScroll).scroll_home(animate=False)

    def decide(self, kind: str, saved: bool) -> None:
        self.done.decisions.append(Decision(self.index, kind, saved))
        self.index += 1
        self.show()

    # -- keys -----------------------------------------------------------------------------------------------------
    def action_accept(self) -> None:
        if (item := self.item) is None:
            return
        saved = quotes.set_report_text(self.project, item.passage.coding.id, item.proposal.text, self.coder)
        self.decide("accepted", saved)

    def action_keep(self) -> None:
        if (item := self.item) is None:
            return
        self.decide("kept", quotes.keep_as_said(self.project, item.passage.coding.id, self.coder))

    def action_skip(self) -> None:
        if self.item is not None:
            self.decide("skipped", False)

    def action_edit(self) -> None:
        from coder.tui.screens.report_text import ReportTextEditor, ReportTextResult

        if (item := self.item) is None:
            return
        coding_id = item.passage.coding.id

        def done(result: ReportTextResult | None) -> None:
            if result is None:
                return  # escaped: still this passage
            self.decide("edited", quotes.set_report_text(self.project, coding_id, result.text, self.coder))

        p = item.passage
        where = " · ".join(x for x in (p.source, p.speaker or p.case or "") if x)
        self.app.push_screen(ReportTextEditor(f"Report text · {where}", item.said, item.proposal, None), done)

    def action_undo(self) -> None:
        if not self.done.decisions:
            self.app.notify("Nothing decided yet in this review", timeout=3)
            return
        last = self.done.decisions.pop()
        if last.saved:
            self.app.saved(editing.undo(self.project))
        self.index = last.index
        self.show()

    def action_help(self) -> None:
        from coder.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen([("Clean up the quotes (T in retrieval)", self.BINDINGS)]))

    def action_close(self) -> None:
        self.dismiss(self.done)


def review_title(code_label: str, n: int) -> str:
    return f"{code_label} · {plural(n, 'proposal')}"
