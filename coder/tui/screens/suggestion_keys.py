"""The main screen's suggestion keys: ``a`` accept, ``x`` reject, ``;`` next, ``ctrl+a`` accept all, ``R`` review.

A mixin of :class:`coder.tui.screens.main.MainScreen`, beside :class:`coder.tui.screens.team.TeamKeys`; the main
screen's bindings splice in :data:`SUGGESTION_BINDINGS`. The Suggested panel is ``widgets/suggestions.py``; the
engine is the app's, built in a worker. Accepting all counts and accepts in workers, which post
:class:`Suggestions.Counted` and :class:`Suggestions.AcceptedAll` back to the screen (handled by name: a mixin's
``@on`` would not be collected).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from coder.model import Code, SegmentText
from coder.suggest.evidence import CodeScore
from coder.tui.screens.dialogs import Confirm
from coder.tui.widgets.suggestions import Suggestions, SuggestionsPanel, accept_above, count_above, make_segment

if TYPE_CHECKING:
    from coder.store import Project
    from coder.tui.screens.review import Reviewed

#: spliced into the main screen's bindings after ``c`` (pick), where the help screen lists them
SUGGESTION_BINDINGS = [
    Binding("a", "accept_suggestion", "accept", tooltip="accept the highlighted suggestion"),
    Binding("x", "reject_suggestion", "reject", tooltip="reject the highlighted suggestion (never again here)"),
    Binding("semicolon,ctrl+down", "next_suggestion(1)", "next suggestion", show=False),
    Binding("ctrl+up", "next_suggestion(-1)", "previous suggestion", show=False),
    Binding("ctrl+a", "accept_all", "accept all above threshold in this source", show=False),
    Binding("R", "review", "review queue", show=False, tooltip="review queue: suggestions one by one"),
]


class SuggestionKeys:
    """Uses the screen's ``reader``, ``fail``, ``after_change`` and ``jump``."""

    project: Project
    coder: str
    codes: dict[str, Code]

    @property
    def suggestions(self) -> SuggestionsPanel:
        return self.query_one(SuggestionsPanel)

    def suggestions_ready(self) -> None:
        self.add_class("-suggesting")
        self.suggestions.turn_on()
        self.refresh_suggestions()

    def _cursor_segment(self) -> SegmentText | None:
        reader, shown = self.reader, self.reader.shown
        if shown is None or not shown.segments or reader.only == []:
            return None
        seg = shown.segments[reader.cursor]
        return make_segment(seg.id, shown.source_id, seg.start, seg.end, shown.text, seg.speaker)

    def refresh_suggestions(self) -> None:
        """Score the segment under the cursor and mark the highlighted suggestion's words in the reader."""
        suggester = self.app.suggester
        if suggester is None:
            return
        panel = self.suggestions
        panel.show_for(self.project, suggester, self._cursor_segment(), self.codes)
        self.reader.show_evidence(*panel.evidence())

    def _codebook_changed(self, codes: list[Code]) -> None:
        suggester = self.app.suggester
        if suggester is not None:
            from coder.suggest.engine import fingerprint

            if fingerprint(codes) != suggester.fingerprint:
                self.app.reload_suggester()

    def _suggestion(self) -> tuple[SegmentText, CodeScore] | None:
        panel = self.suggestions
        if self.app.suggester is None:
            self.fail("Suggestions are not ready yet")
            return None
        if panel.segment is None or panel.highlighted is None:
            self.fail("Nothing suggested here")
            return None
        return panel.segment, panel.highlighted

    def action_accept_suggestion(self) -> None:
        found = self._suggestion()
        if found is not None:
            from coder.suggest import service as suggesting

            segment, score = found
            suggesting.accept(self.project, segment.id, score, self.coder)
            self.after_change(f"accepted {self.codes[score.code_id].label}", select=score.code_id)
            self.app.decision_made()

    def action_reject_suggestion(self) -> None:
        found = self._suggestion()
        if found is not None:
            from coder.suggest import service as suggesting

            segment, score = found
            suggesting.reject(self.project, segment.id, score, self.coder)
            self.after_change(f"rejected {self.codes[score.code_id].label} here")
            self.app.decision_made()

    def action_next_suggestion(self, step: int = 1) -> None:
        if self.app.suggester is not None and self.suggestions.move(step, self.project, self.app.suggester):
            self.reader.show_evidence(*self.suggestions.evidence())

    def action_accept_all(self) -> None:
        """Accept every suggestion at or above its code's threshold in the open source, after a yes. A survey
        question may hold thousands of answers: counting and accepting run in workers on their own connection."""
        suggester, shown = self.app.suggester, self.reader.shown
        if suggester is None or shown is None:
            self.fail("Suggestions are not ready yet" if shown is not None else "Open a source first")
            return
        source_id, title, path = shown.source_id, shown.title, self.app.path
        if len(shown.segments) > 500:  # seconds for thousands of answers: say that something is happening
            self.notify(f"Scoring the {len(shown.segments):,} segments of {title}…", timeout=4)

        def count() -> None:
            self.post_message(Suggestions.Counted(source_id, title, *count_above(path, suggester, source_id)))

        self.run_worker(count, thread=True, exclusive=True, group="suggest-all", exit_on_error=False)

    def on_suggestions_counted(self, event: Suggestions.Counted) -> None:
        n, title, source_id = event.n, event.title, event.source_id
        if not n:
            self.fail(f"No suggestion in {title} is above its code's threshold")
            return
        question = (
            f"Accept {n} suggestion{'s' if n != 1 else ''} above the threshold in {title}?"
            f"\nThey code whole segments with {event.codes} code{'s' if event.codes != 1 else ''}, origin «suggested»."
            "\n(One action: u undoes them all.)"
        )
        suggester, path = self.app.suggester, self.app.path

        def accept() -> None:
            self.post_message(Suggestions.AcceptedAll(title, accept_above(path, suggester, source_id, self.coder)))

        def done(yes: bool | None) -> None:
            if yes:
                self.run_worker(accept, thread=True, exclusive=True, group="suggest-all", exit_on_error=False)

        self.app.push_screen(Confirm(question, yes="Accept all", danger=False), done)

    def on_suggestions_accepted_all(self, event: Suggestions.AcceptedAll) -> None:
        self.after_change(f"accepted {event.n} suggestion{'s' if event.n != 1 else ''} in {event.title}")
        self.app.decision_made()

    def action_review(self) -> None:
        from coder.tui.screens.review import ReviewScreen

        if self.app.suggester is None:
            self.fail("Suggestions are not ready yet")
            return
        self.app.push_screen(ReviewScreen(self.project, self.coder, self.app.path), self._review_done)

    def _review_done(self, result: Reviewed | None) -> None:
        if result is None:
            return
        if result.changed:
            self.after_change(f"reviewed {result.decisions} suggestion{'s' if result.decisions != 1 else ''}")
        if result.place is not None:
            self.jump(result.place)
