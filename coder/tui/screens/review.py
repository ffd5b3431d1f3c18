"""The review queue (``R``): suggestions one at a time, where a decision teaches the model most, Prodigy-style.

The queue (:meth:`coder.suggest.service.Suggester.review_queue`: scores near their code's threshold and codes on which
the rule and learned layers disagree, first) is computed in a thread worker on a connection of its own, with a
progress bar, so a project of 10,000 segments never freezes the screen. Then each item shows the segment (source,
speaker, the matched words marked), the code with its description, the scores and the evidence, and the segments
already coded with that code that are most like it. One key per decision: ``a``/Enter accepts (codes the segment,
origin «suggested»), ``x`` rejects (never suggested there again), space/``s`` skips, ``u`` undoes the last
decision and goes back to it, Escape returns to the reader on the segment last shown. Each decision is one
undoable action, and the app retrains the learned layer in the background when enough have come in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ProgressBar, Static
from textual.worker import get_current_worker

from coder.coding import service as editing
from coder.errors import NothingToDo
from coder.model import Code, SegmentText
from coder.project.service import open_project
from coder.tui.footer import KeysFooter
from coder.tui.literal import lit, passage, plain_text
from coder.tui.results import JumpTo
from coder.tui.widgets.suggestions import colour_of, plural, score_text, scores_line, similar_texts, snippet, why

if TYPE_CHECKING:
    from coder.store import Project
    from coder.suggest.service import QueueItem, Suggester


@dataclass
class Reviewed:
    """What the review hands back: decisions made (net of undos), whether codings changed, where to land."""

    decisions: int
    changed: bool
    place: JumpTo | None


class _Cancelled(Exception):
    """The screen went away while the queue was computed."""


class ReviewScreen(Screen[Reviewed]):
    """``ReviewScreen(project, coder, path)``: the app's suggester must be built."""

    BINDINGS = [
        Binding("a,enter", "accept", "accept", key_display="a"),
        Binding("x", "reject", "reject"),
        Binding("space,s", "skip", "skip", key_display="space"),
        Binding("u", "undo", "undo"),
        Binding("escape", "close", "back"),
        Binding("R", "again", "new queue", show=False, tooltip="compute the queue again with what the model knows now"),
    ]

    DEFAULT_CSS = """
    ReviewScreen #review-title { height: 1; padding: 0 1; }
    ReviewScreen #review-progress { height: 1; padding: 0 2; }
    ReviewScreen #review-progress.done { display: none; }
    ReviewScreen #review-progress-label { width: auto; padding: 0 1 0 0; }
    ReviewScreen #review-segment {
        height: 1fr; min-height: 4; margin: 0 1; padding: 0 1;
        border: round $panel-lighten-2; border-title-color: $text; scrollbar-size-vertical: 1;
    }
    ReviewScreen #review-code {
        height: auto; max-height: 60%; margin: 0 1; padding: 0 1;
        border: round $accent; border-title-color: $text; border-subtitle-color: $text-muted;
    }
    ReviewScreen #review-code.empty { display: none; }
    """

    class Progress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ReviewScreen.Progress)

    class Computed(Message):
        def __init__(self, items: list[QueueItem], seconds: float) -> None:
            super().__init__()
            self.items, self.seconds = items, seconds

    class First(Message):
        """The queue of the first segments scored: shown while the rest is scored."""

        def __init__(self, items: list[QueueItem]) -> None:
            super().__init__()
            self.items = items

    class Reranked(Message):
        """The rest of the queue, ranked again by a model retrained on the decisions made so far."""

        def __init__(self, items: list[QueueItem]) -> None:
            super().__init__()
            self.items = items

    def __init__(self, project: Project, coder: str, path: Path) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        self.path = path
        self.items: list[QueueItem] = []
        self.index = 0
        self.computing = False
        self.scoring = False  # the first part of the queue is shown while the rest is scored
        self.history: list[int] = []  # the item index of each decision on this queue still standing, oldest first
        self.stamps: list[float] = []  # when each decision of the session still standing was taken (monotonic)
        self.changed = False
        self.reranked = 0  # times the rest of the queue was ranked again by a retrained model
        self.seconds = 0.0
        self.codes: dict[str, Code] = {}
        self._sources: dict[int, str] = {}
        self._speakers: dict[int, dict[int, str]] = {}
        self._similar: dict[tuple[int, str], list[SegmentText]] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="review-title")
        with Horizontal(id="review-progress"):
            yield Static("", id="review-progress-label")
            yield ProgressBar(id="review-bar", show_eta=False)
        with VerticalScroll(id="review-segment"):
            yield Static("", id="review-text")
        yield Static("", id="review-code", classes="empty")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.codes = {c.id: c for c in self.project.codebook().codes}
        self._sources = {s.id: s.name for s in self.project.sources()}
        self.compute()
        self.set_interval(5, self._show_title)  # the rate decays while one thinks

    @property
    def suggester(self) -> Suggester:
        return self.app.suggester

    # -- the queue, in a worker ---------------------------------------------------------------------------------
    def compute(self) -> None:
        if self.computing:
            return
        self.computing, self.scoring = True, False
        self.items, self.index, self.history = [], 0, []  # undo reaches back within one queue
        self._similar.clear()
        self._progress(0, 0)
        suggester = self.suggester
        self.run_worker(lambda: self._compute(suggester), thread=True, exclusive=True, group="review-queue")
        self.show()

    def _compute(self, suggester: Suggester) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled()
            self.post_message(self.Progress(done, total))

        def first(items: list[QueueItem]) -> None:
            if not worker.is_cancelled:
                self.post_message(self.First(items))

        started = time.perf_counter()
        try:
            with open_project(self.path) as project:
                items = suggester.review_queue(project, progress=progress, first=first)
        except _Cancelled:
            return
        self.post_message(self.Computed(items, time.perf_counter() - started))

    def rerank(self) -> None:
        """The learned layer was retrained: rank what is left of the queue with it, in the background, without
        stopping the walk (Prodigy's stream does the same: the next questions come from the updated model)."""
        if self.computing or self.scoring:
            return
        suggester = self.suggester

        def job() -> None:
            with open_project(self.path) as project:
                items = suggester.review_queue(project)
            self.post_message(self.Reranked(items))

        self.run_worker(job, thread=True, exclusive=True, group="review-rerank", exit_on_error=False)

    @on(Reranked)
    def _reranked(self, event: Reranked, counted: bool = True) -> None:
        if self.computing:
            return
        kept = self.items[: self.index + (1 if self.current is not None else 0)]  # decided, skipped, on screen
        seen = {(q.segment.id, q.score.code_id) for q in kept}
        decided = self.project.suggestion_decisions({q.segment.id for q in event.items})
        rest = [
            q
            for q in event.items
            if (q.segment.id, q.score.code_id) not in seen and q.score.code_id not in decided.get(q.segment.id, {})
        ]
        self.items = kept + rest
        self.reranked += counted
        self._show_title()

    @on(Progress)
    def _on_progress(self, event: Progress) -> None:
        self._progress(event.done, event.total)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#review-progress").set_class(False, "done")
        label = f"Scoring {done:,} / {total:,} segments" if total else "Scoring the segments…"
        self.query_one("#review-progress-label", Static).update(label)
        self.query_one("#review-bar", ProgressBar).update(total=total or None, progress=done)

    @on(First)
    def _first(self, event: First) -> None:
        """The first part scored: walk it while the rest is scored (the bar stays until it is)."""
        if self.computing:
            self.computing, self.scoring = False, True
            decided = self.project.suggestion_decisions({q.segment.id for q in event.items})
            self.items = [q for q in event.items if q.score.code_id not in decided.get(q.segment.id, {})]
            self.index = 0
            self.show()

    @on(Computed)
    def _computed(self, event: Computed) -> None:
        self.seconds = event.seconds
        self.query_one("#review-progress").set_class(True, "done")
        if self.scoring:  # the first part is being walked: what is decided or on screen stays, the rest is new
            self.scoring = False
            self._reranked(self.Reranked(event.items), counted=False)
            return
        self.computing = False
        decided = self.project.suggestion_decisions({q.segment.id for q in event.items})
        self.items = [q for q in event.items if q.score.code_id not in decided.get(q.segment.id, {})]
        self.index = 0
        self.show()

    # -- what is shown ------------------------------------------------------------------------------------------
    @property
    def current(self) -> QueueItem | None:
        return self.items[self.index] if not self.computing and self.index < len(self.items) else None

    def show(self) -> None:
        with self.app.batch_update():
            self._show_title()
            item = self.current
            box = self.query_one("#review-segment", VerticalScroll)
            text = self.query_one("#review-text", Static)
            code = self.query_one("#review-code", Static)
            code.set_class(item is None, "empty")
            if item is None:
                box.border_title = "Review queue"
                text.update(self._empty() if not self.computing else "")
                return
            seg, score = item.segment, item.score
            colour = colour_of(self.codes.get(score.code_id))
            body = passage(seg.text.strip("\n"))
            lead = len(seg.text) - len(seg.text.lstrip("\n"))
            for m in score.matches:
                body.stylize(f"bold reverse {colour}", m.start - lead, m.end - lead)
            text.update(body)
            box.scroll_home(animate=False)
            where = self._sources.get(seg.source_id, "")
            who = self._speaker(seg)
            box.border_title = lit(f"{where} · {who}" if who else where)
            code.update(self._code_text(item))
            label = self.codes[score.code_id].label if score.code_id in self.codes else score.code_id
            title = Text.assemble(("■ ", colour), (plain_text(label), "bold"), f"  {score_text(score.score)}")
            code.border_title = title
            code.border_subtitle = "above its threshold" if score.above else "below its threshold"

    def _code_text(self, item: QueueItem) -> Text:
        seg, score = item.segment, item.score
        code = self.codes.get(score.code_id)
        out = Text()
        if code is not None and code.description:
            out.append(plain_text(snippet(code.description, 150)) + "\n", "italic")
        out.append("why: ", "dim")
        out.append_text(why(seg.text, score, colour_of(code)))
        out.append("\n")
        out.append_text(scores_line(score))
        similar = self._similar_to(seg, score.code_id)
        width = max(self.size.width - 6, 20)  # one line each: the box's inner width
        for other in similar[:2]:
            line = Text("≈ ", "dim")
            line.append(plain_text(self._sources.get(other.source_id, "")), "dim")
            who = self._speaker(other)
            if who:
                line.append(plain_text(f" · {who}"), "dim")
            line.append(f"  «{snippet(other.text, 2 * width)}»", "italic")
            line.truncate(width, overflow="ellipsis")
            out.append("\n")
            out.append_text(line)
        if not similar:
            out.append("\n≈ nothing coded with it yet", "dim")
        return out

    def _empty(self) -> Text:
        made = len(self.stamps)
        out = Text()
        if not self.items:
            out.append("Nothing to review.", "bold")
            out.append(
                "\n\nEvery suggestion the engine has is decided, or no segment has evidence for a code yet. "
                "Code a few passages by hand (1-9, c) and the learned layer will find more."
            )
        else:
            out.append("Queue empty.", "bold")
            out.append(f" {plural(made, 'decision')} this session")
            if made and self.stamps:
                out.append(f" in {_clock(self.stamps[-1] - self.stamps[0])}")
            out.append(".")
        out.append("\n\nWhat next:\n", "bold")
        out.append("  R", "bold")
        out.append("    a new queue, with what the model has learned from your decisions\n")
        out.append("  esc", "bold")
        out.append("  back to the reader; there ctrl+a accepts every suggestion above the\n")
        out.append("       threshold in a source (one action, u undoes it)\n")
        out.append("  u", "bold")
        out.append("    undo the last decision and look at it again")
        return out

    def _show_title(self) -> None:
        from coder.suggest.service import decisions_per_minute

        title = Text()
        title.append("Review queue", "bold")
        if self.computing:
            title.append("  computing…", "dim")
        elif self.items:
            at = min(self.index + 1, len(self.items))
            title.append(f"  {at} of {len(self.items)}", "dim")
        made = len(self.stamps)
        title.append(f"  ·  {plural(made, 'decision')}")
        if self.reranked:
            title.append("  ·  re-ranked by the retrained model", "dim")
        if made:
            rate = decisions_per_minute(self.stamps, time.monotonic())
            title.append(f"  ·  {rate:.1f} a minute")
        self.query_one("#review-title", Static).update(title)

    def _speaker(self, seg: SegmentText) -> str:
        if seg.source_id not in self._speakers:
            self._speakers[seg.source_id] = {
                s.id: s.speaker or s.case or "" for s in self.project.segments(seg.source_id) if s.id is not None
            }
        return self._speakers[seg.source_id].get(seg.id, "")

    def _similar_to(self, seg: SegmentText, code_id: str) -> list[SegmentText]:
        key = (seg.id, code_id)
        if key not in self._similar:
            self._similar[key] = similar_texts(self.project, self.suggester, seg, code_id)
        return self._similar[key]

    # -- decisions --------------------------------------------------------------------------------------------------
    def _decide(self, decision: str) -> None:
        from coder.suggest import service as suggesting

        item = self.current
        if item is None:
            self.notify("Nothing to decide on here", severity="warning", timeout=3)
            return
        seg, score = item.segment, item.score
        label = self.codes[score.code_id].label if score.code_id in self.codes else score.code_id
        if decision == "accepted":
            suggesting.accept(self.project, seg.id, score, self.coder)
            self.app.saved(f"accepted {label}")
        else:
            suggesting.reject(self.project, seg.id, score, self.coder)
            self.app.saved(f"rejected {label}")
        self.history.append(self.index)
        self.stamps.append(time.monotonic())
        self.changed = True
        self._similar = {k: v for k, v in self._similar.items() if k[1] != score.code_id}  # a new coded segment
        self.index += 1
        self.show()
        self.app.decision_made()

    def others_changed(self) -> None:
        """Another coder (or process) changed the project (coder/tui/others.py): what they decided meanwhile leaves
        the queue ahead, the codebook's labels are read again; the suggestion shown stays where it is."""
        if self.computing or not self.items:
            return
        self.codes = {c.id: c for c in self.project.codebook().codes}
        ahead = self.items[self.index + 1 :]
        decided = self.project.suggestion_decisions({q.segment.id for q in ahead})
        kept = [
            q for q in ahead if q.score.code_id not in decided.get(q.segment.id, {}) and q.score.code_id in self.codes
        ]
        if len(kept) != len(ahead):
            self.items = self.items[: self.index + 1] + kept
            self._show_title()

    def action_accept(self) -> None:
        self._decide("accepted")

    def action_reject(self) -> None:
        self._decide("rejected")

    def action_skip(self) -> None:
        if self.current is not None:
            self.index += 1
            self.show()

    def action_undo(self) -> None:
        if not self.history:
            self.notify("No decision in this queue to undo", severity="warning", timeout=3)
            return
        try:
            message = editing.undo(self.project)
        except NothingToDo as exc:
            self.notify(str(exc).capitalize(), severity="warning", timeout=3)
            return
        self.index = self.history.pop()
        self.stamps.pop()
        self.changed = True
        self._similar.clear()
        self.app.saved(message)
        self.show()

    def action_again(self) -> None:
        self.codes = {c.id: c for c in self.project.codebook().codes}
        self.compute()

    def action_close(self) -> None:
        item = self.current
        if item is None and self.history:
            last = self.history[-1]
            item = self.items[last] if last < len(self.items) else None
        place = JumpTo(item.segment.source_id, item.segment.start, item.segment.end) if item else None
        self.dismiss(Reviewed(len(self.stamps), self.changed, place))


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"
