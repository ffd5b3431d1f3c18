"""The Sources panel's filter applied to the open survey question's answers, and the reader's title that says so.

A new filter does not read the question again: the answers are filtered over :class:`~coder.filters.Answers`, kept
while the question, its segments and the respondents stay the same, and the reader lays out the ones that pass.
The respondents' attributes (50,000 of them take a few hundred milliseconds) are read by a worker on its own
connection after the screen is drawn, so start-up does not wait for them; a filter typed before it is done reads
them itself.
"""

from __future__ import annotations

from textual.worker import get_current_worker

from coder.errors import CoderError
from coder.filters import Answers
from coder.model import Attribute, Source
from coder.project.service import open_project
from coder.tui.literal import lit
from coder.tui.widgets.reader_cursor import Shown
from coder.tui.widgets.sources import SourcesPanel


def _keys_of(cases: dict[str, dict[str, Attribute]]) -> list[str]:
    """Every attribute key of ``cases``, in the order first met."""
    return list(dict.fromkeys(key for attributes in cases.values() for key in attributes))


READ_AFTER = 0.4  # seconds after start-up (or an import) before the respondents are read in the background


class SurveyFilter:
    """Mixed into the main screen (``self.filter``, ``self.case_attrs``, ``self.reader``)."""

    _answers: tuple[list, dict, Answers] | None = None  # (segments, cases, what they make), held by identity
    _respondents: dict[str, dict[str, Attribute]] | None = None  # every case's attributes, by name (None: unread)

    def forget_respondents(self, read_soon: bool) -> None:
        """The cases changed: read them again when needed, and (``read_soon``) in the background once the screen
        is drawn (a worker started at once slowed the first paint by a third: the two share the interpreter)."""
        self._respondents = None
        panel = self.query_one(SourcesPanel)  # type: ignore[attr-defined]
        panel.keys = None if read_soon else _keys_of(self.case_attrs)  # type: ignore[attr-defined]
        if read_soon:
            self.set_timer(READ_AFTER, self._start_reading)  # type: ignore[attr-defined]

    def _start_reading(self) -> None:
        if self._respondents is None:
            self.run_worker(self._read_respondents, thread=True, exclusive=True, group="cases", exit_on_error=False)  # type: ignore[attr-defined]

    def respondents(self) -> dict[str, dict[str, Attribute]]:
        """Every case's attributes by case name (read here if the worker has not yet)."""
        if self._respondents is None:
            cases = {c.name: c.attributes for c in self.project.cases()}  # type: ignore[attr-defined]
            self._respondents_read(self._cases_mark, cases, _keys_of(cases))  # type: ignore[attr-defined]
        return self._respondents

    def _read_respondents(self) -> None:
        try:
            with open_project(self.project.path) as project:  # type: ignore[attr-defined]
                mark = project.cases_mark()
                cases = {c.name: c.attributes for c in project.cases()}
        except (CoderError, OSError):  # closed or busy: the filter reads them when it needs them
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._respondents_read, mark, cases, _keys_of(cases))  # type: ignore[attr-defined]

    def _respondents_read(self, mark: tuple, cases: dict[str, dict[str, Attribute]], keys: list[str]) -> None:
        """The respondents are known: kept for the filter, their attribute keys for its «no attr» warning."""
        if self._respondents is None and mark == self._cases_mark:  # type: ignore[attr-defined]
            self._respondents = cases
            self.query_one(SourcesPanel).keys = keys  # type: ignore[attr-defined]

    def visible_answers(self, source: Source, shown: Shown) -> list[int] | None:
        """The indexes of the answers that pass the filter (None: not a survey question, or no filter)."""
        if source.kind != "survey" or not self.filter.terms:  # type: ignore[attr-defined]
            return None
        segments, cases = shown.segments, self.respondents()
        kept = self._answers
        if kept is None or kept[0] is not segments or kept[1] is not cases:
            empty: dict = {}
            bounds = [(s.start, s.end) for s in segments]
            answers = Answers(shown.text, bounds, [cases.get(s.case or "", empty) for s in segments])
            kept = self._answers = (segments, cases, answers)
        return self.filter.passing_answers(kept[2])  # type: ignore[attr-defined]

    def filter_answers(self, source: Source) -> None:
        """The filter changed while ``source`` is open: show the answers that pass, the cursor kept if it can be."""
        shown = self.reader.shown  # type: ignore[attr-defined]
        if shown is not None and shown.source_id == source.id and source.kind == "survey":
            visible = self.visible_answers(source, shown)
            self.reader.filter_to(visible)  # type: ignore[attr-defined]
            self.show_title(source, visible)

    def show_title(self, source: Source, visible: list[int] | None) -> None:
        """The reader's title: the source, its case's attributes, how many answers the filter lets through."""
        shown = self.reader.shown  # type: ignore[attr-defined]
        title = source.name
        case_attrs = self.case_attrs.get(source.case or "", {})  # type: ignore[attr-defined]
        if case_attrs:
            title += " · " + " · ".join(a.value for a in list(case_attrs.values())[:4])
        if visible is not None and shown is not None:
            title += f" · {len(visible)} of {len(shown.segments)} answers ({self.filter.describe()})"  # type: ignore[attr-defined]
        title += self.coder_view_title()  # type: ignore[attr-defined]
        self.query_one("#reader-pane").border_title = lit(title)  # type: ignore[attr-defined]
