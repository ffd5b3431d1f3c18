"""The consensus view (``C``): the coders' disagreements one at a time, settled with one key each.

Each item is a segment and a code the coders treated differently (:mod:`coder.team.consensus`): the segment's
text with each coder's spans marked, and per coder whether they applied the code and to which words. ``a`` / ``b``
(/ ``c``) take that coder's coding, ``k`` keeps both (the union of the spans), ``n`` neither (the code does not
apply here), ``s`` / space skips, ``u`` undoes the last decision and goes back to it, ``t`` records every passage
the coders agree on as consensus too. Each decision is one undoable action; the coders' own codings are never
touched. Escape returns to the reader at the item last shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from coder.coding import service as editing
from coder.errors import NothingToDo
from coder.model import plain
from coder.team import consensus as cons
from coder.tui.footer import KeysFooter
from coder.tui.literal import lit, passage
from coder.tui.results import JumpTo

if TYPE_CHECKING:
    from coder.store import Project

KEYS = "abc"
STYLES = ["bold underline", "reverse", "bold italic"]  # coder a, b, c in the segment text


class ConsensusScreen(Screen[JumpTo | None]):
    """``ConsensusScreen(project, coder, coders)``: coders are two or three names with codings."""

    BINDINGS = [
        Binding("a", "take(0)", "take coder a/b", key_display="a/b", tooltip="take coder a's coding"),
        Binding("b", "take(1)", "take b's", show=False, tooltip="take coder b's coding"),
        Binding("c", "take(2)", "take c's", show=False, tooltip="take coder c's coding (three coders)"),
        Binding("k", "decide('both')", "both"),
        Binding("n", "decide('neither')", "neither"),
        Binding("s,space", "skip", "skip", key_display="s"),
        Binding("u", "undo", "undo"),
        Binding("t", "take_agreed", "take agreed", show=False, tooltip="record every agreed passage as consensus"),
        Binding("escape", "close", "back"),
    ]

    DEFAULT_CSS = """
    ConsensusScreen #consensus-title { height: 1; padding: 0 1; text-style: bold; }
    ConsensusScreen #consensus-segment {
        height: 1fr; min-height: 4; margin: 0 1; padding: 0 1;
        border: round $panel-lighten-2; border-title-color: $text;
    }
    ConsensusScreen #consensus-coders {
        height: auto; margin: 0 1; padding: 0 1; border: round $accent; border-title-color: $text;
    }
    """

    def __init__(self, project: Project, coder: str, coders: list[str]) -> None:
        super().__init__()
        self.project, self.coder, self.coders = project, coder, list(coders)[:3]
        self.walk: cons.Walk | None = None
        self.position = 0  # index into walk.items of the item shown
        self.history: list[tuple[int, str]] = []  # (segment, code) of this walk's decisions, newest last

    def compose(self) -> ComposeResult:
        yield Static("Consensus", id="consensus-title")
        with VerticalScroll(id="consensus-segment"):
            yield Static("", id="consensus-text")
        yield Static("", id="consensus-coders")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.reload()
        self.position = self._next_open(0)
        self.show()

    # -- state ----------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.walk = cons.walk(self.project, self.coders)

    @property
    def item(self) -> cons.Item | None:
        if self.walk is None or not 0 <= self.position < len(self.walk.items):
            return None
        return self.walk.items[self.position]

    def _next_open(self, start: int) -> int:
        """The first open item at or after ``start``, wrapping round; -1 when none is open."""
        items = self.walk.items if self.walk else []
        for k in range(len(items)):
            i = (start + k) % len(items)
            if items[i].decision is None:
                return i
        return -1

    def _index_of(self, key: tuple[int, str]) -> int:
        items = self.walk.items if self.walk else []
        return next((i for i, it in enumerate(items) if (it.segment_id, it.code_id) == key), -1)

    # -- drawing ----------------------------------------------------------------------------------------------------
    def show(self) -> None:
        walk = self.walk
        assert walk is not None
        left = len(walk.open)
        title = (
            f"Consensus · {' ↔ '.join(walk.coders)} · {left} left of {len(walk.items)} disagreements · "
            f"{walk.agreed} agreed"
        )
        self.query_one("#consensus-title", Static).update(lit(title))
        box = self.query_one("#consensus-segment")
        text = self.query_one("#consensus-text", Static)
        coders_box = self.query_one("#consensus-coders", Static)
        item = self.item
        if item is None:
            box.border_title = ""
            unrecorded = walk.agreed - walk.agreed_recorded
            done = f"Every disagreement is decided ({walk.decided} of {len(walk.items)})."
            if unrecorded:
                done += f"\n{unrecorded} agreed passages are not in the consensus yet: t records them."
            text.update(Text(done, "italic"))
            coders_box.update("Escape returns to the reader; u undoes the last decision.")
            coders_box.border_title = ""
            return
        seg_text = self.project.source_text(item.source_id)[item.start : item.end]
        shown = passage(seg_text)
        for k, coder in enumerate(walk.coders):
            for s, e in item.spans.get(coder, []):
                shown.stylize(STYLES[k % len(STYLES)], s - item.start, e - item.start)
        text.update(shown)
        label = self.project.code(item.code_id).label
        box.border_title = lit(f"{item.source} §{item.ordinal + 1} · {label}")
        lines = Text()
        for k, coder in enumerate(walk.coders):
            spans = item.spans.get(coder, [])
            lines.append(f"{KEYS[k]}  ", "bold")
            lines.append(f"{plain(coder):<14.14} ", STYLES[k % len(STYLES)])
            if spans:
                words = " … ".join(self.project.source_text(item.source_id)[s:e] for s, e in spans)
                full = spans == [(item.start, item.end)]
                lines.append("✓ coded " + ("the whole segment" if full else f"«{plain(_cut(words, 48))}»"))
            else:
                lines.append("– not coded", "dim")
            lines.append("\n")
        lines.append("k  both (the code applies)   n  neither   s  skip   u  undo", "dim")
        if item.decision is not None:
            decided = f"decided: {item.decision['choice']} (by {item.decision.get('by', '?')})"
            lines.append("\n" + plain(decided), "italic")
        coders_box.update(lines)
        coders_box.border_title = lit(label)

    # -- keys ---------------------------------------------------------------------------------------------------------
    def action_take(self, k: int) -> None:
        if k >= len(self.coders):
            return
        self._decide(self.coders[k])

    def action_decide(self, choice: str) -> None:
        self._decide(choice)

    def _decide(self, choice: str) -> None:
        item = self.item
        if item is None:
            self.notify("nothing left to decide", severity="warning", timeout=3)
            return
        label = cons.decide(self.project, item, choice, self.coder)
        self.app.saved(label)
        self.history.append((item.segment_id, item.code_id))
        at = self.position
        self.reload()
        self.position = self._next_open(at + 1)
        self.show()

    def action_skip(self) -> None:
        if self.walk is None or not self.walk.open:
            return
        self.position = self._next_open(self.position + 1)
        self.show()

    def action_undo(self) -> None:
        if not self.history:
            self.notify("no decision of this walk to undo", severity="warning", timeout=3)
            return
        try:
            message = editing.undo(self.project)
        except NothingToDo as error:
            self.notify(str(error), severity="warning", timeout=4)
            return
        self.app.saved(message)
        key = self.history.pop()
        self.reload()
        back = self._index_of(key)
        self.position = back if back >= 0 else self._next_open(0)
        self.show()

    def action_take_agreed(self) -> None:
        n = cons.take_agreed(self.project, self.coders, self.coder)
        self.notify(f"{n} agreed passages recorded as consensus" if n else "every agreed passage is recorded")
        if n:
            self.app.saved(f"took {n} agreed passages as consensus")
            self.history.append((-1, ""))  # u takes them back
        self.reload()
        self.show()

    def action_close(self) -> None:
        item = self.item
        self.dismiss(JumpTo(item.source_id, item.start, item.end) if item is not None else None)


def _cut(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
