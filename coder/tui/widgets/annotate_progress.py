"""Text analysis in the background: the job the app runs in a thread worker, its messages, and the one-line
progress bar shown above the footer while it runs.

The job opens its own connection to the project file (never the UI thread's), loads the pipeline, and annotates
the segments whose cached annotation is missing or stale (coder.nlp.annotate.refresh), one short transaction per
batch. It never touches widgets: it posts :class:`Analysis` messages and the app owns the bar.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Label, ProgressBar

from coder.project.service import open_project

if TYPE_CHECKING:
    pass


class Analysis:
    """What the background job tells the app."""

    class Ready(Message):
        """The pipeline is loaded (``loaded``: coder.nlp.loading.Loaded); ``stale`` segments are to be done."""

        def __init__(self, loaded, stale: int) -> None:
            super().__init__()
            self.loaded = loaded
            self.stale = stale

    class Advanced(Message):
        """``done`` of ``todo`` stale segments are annotated and saved."""

        def __init__(self, done: int, todo: int) -> None:
            super().__init__()
            self.done = done
            self.todo = todo

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, Analysis.Advanced)  # only the newest count matters

    class Finished(Message):
        def __init__(self, done: int, tokens: int, seconds: float) -> None:
            super().__init__()
            self.done = done
            self.tokens = tokens
            self.seconds = seconds


def analyse(path: Path, post: Callable[[Message], object], cancelled: Callable[[], bool]) -> None:
    """The worker's body: annotate every stale segment of the project at ``path``. Posts :class:`Analysis`
    messages; with everything cached it posts ``Ready`` with ``stale == 0`` and does nothing more."""
    from coder.nlp import annotate as ann

    with open_project(path) as project:
        loaded = ann.load(project.setting("nlp_model"))
        key = ann.loaded_key(loaded)
        stale = project.stale_segments(key)
        post(Analysis.Ready(loaded, len(stale)))
        if not stale or cancelled():
            return
        progress = ann.refresh(
            project,
            loaded.nlp,
            key,
            ann.splitter(),
            stale=stale,
            on_progress=lambda p: post(Analysis.Advanced(p.done, p.total)),
            cancelled=cancelled,
        )
        if not cancelled():
            post(Analysis.Finished(progress.done, progress.tokens, progress.seconds))


def count(n: int) -> str:
    return f"{n:,}"


class AnalysisProgress(Horizontal):
    """``Analysing text 1,234 / 25,499 segments ━━━━━━━━━━━━ 5%`` — one line between the panels and the footer."""

    DEFAULT_CSS = """
    AnalysisProgress { height: 1; padding: 0 1; background: $boost; }
    AnalysisProgress > Label { width: auto; color: $text-muted; padding-right: 1; }
    AnalysisProgress > ProgressBar { width: 1fr; }
    AnalysisProgress > ProgressBar > Bar { width: 1fr; }
    """

    def __init__(self, todo: int) -> None:
        super().__init__(id="analysis-progress")
        self.todo = todo
        # made here, not in compose: progress may arrive before the bar has composed
        self.label = Label(self._label(0))
        self.bar = ProgressBar(total=todo, show_eta=False)

    def compose(self) -> ComposeResult:
        yield self.label
        yield self.bar

    def _label(self, done: int) -> str:
        return f"Analysing text {count(done)} / {count(self.todo)} segments"

    def advance_to(self, done: int) -> None:
        self.label.update(self._label(done))
        self.bar.update(progress=done)
