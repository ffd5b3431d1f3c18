"""The main screen's team keys: ``w`` whose codings the reader shows, ``I`` agreement, ``C`` consensus.

A mixin of :class:`coder.tui.screens.main.MainScreen`, so the main screen keeps one line per key. The reader draws
what it is given: the main screen passes every source's codings through :meth:`TeamKeys.visible_codings`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coder.errors import CoderError
from coder.model import Coding
from coder.team import consensus as cons
from coder.team import views
from coder.team.identity import consensus_name
from coder.tui.results import JumpTo

if TYPE_CHECKING:
    from coder.store import Project


class TeamKeys:
    project: Project
    coder: str
    coder_view: views.CoderView = views.EVERYONE

    def visible_codings(self, codings: list[Coding]) -> list[Coding]:
        return views.visible(codings, self.coder_view)

    def coder_view_title(self) -> str:
        """What the reader pane's title adds while a coder view is on."""
        described = self.coder_view.describe()
        return f" · {described}" if described else ""

    def team_coders(self) -> list[str]:
        """The coders agreement and consensus start with: the two of a differences view, else the two who coded
        most (the consensus coder last)."""
        if len(self.coder_view.coders) >= 2:
            return list(self.coder_view.coders)
        from coder.tui.screens.agreement import default_coders

        return default_coders(self.project, consensus_name(self.project))

    def action_coder_view(self) -> None:
        from coder.tui.screens.tables import Choose

        counts = self.project.coders_with_codings()
        options = views.choices(counts, self.coder, consensus_name(self.project))
        labels = [(str(k), label) for k, (_, label) in enumerate(options)]
        current = next((str(k) for k, (v, _) in enumerate(options) if v == self.coder_view), "0")

        def chosen(value: str | None) -> None:
            if value is None:
                return
            self.coder_view = options[int(value)][0]
            self.show_coder_view()

        self.app.push_screen(Choose("Show the codings of", labels, current), chosen)  # type: ignore[attr-defined]

    def show_coder_view(self) -> None:
        """Draw the open source again with the codings of the view chosen."""
        reader = self.reader  # type: ignore[attr-defined]
        if reader.shown is not None and reader.shown.segments:
            seg = reader.shown.segments[min(reader.cursor, len(reader.shown.segments) - 1)]
            self.open_source(reader.shown.source_id)  # type: ignore[attr-defined]
            reader.select_span(seg.start, seg.end)
        self.notify(f"showing {self.coder_view.describe() or 'everyone'}'s codings", timeout=3)  # type: ignore[attr-defined]

    def action_agreement(self) -> None:
        from coder.tui.screens.agreement import AgreementScreen

        self.app.push_screen(AgreementScreen(self.project, self.coder, self.team_coders()), self._team_done)  # type: ignore[attr-defined]

    def action_consensus(self) -> None:
        from coder.tui.screens.consensus import ConsensusScreen

        coders = self.team_coders()
        try:
            cons.walk(self.project, coders)
        except CoderError as error:
            self.notify(f"{error} — choose the coders in the agreement view (I, then c)", severity="warning")  # type: ignore[attr-defined]
            return
        self.app.push_screen(ConsensusScreen(self.project, self.coder, coders), self._team_done)  # type: ignore[attr-defined]

    def _team_done(self, result: JumpTo | None) -> None:
        """Back from agreement or consensus: consensus codings may be new; land where the walk was."""
        if self.source_id is not None:  # type: ignore[attr-defined]
            self.open_source(self.source_id)  # type: ignore[attr-defined]
        if result is not None:
            self.jump(result)  # type: ignore[attr-defined]
