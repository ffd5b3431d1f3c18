"""Text analysis in the background: the job the app runs in a thread worker, its messages, and the one-line
progress bar shown above the footer while it runs.

The job opens its own connection to the project file (never the UI thread's), loads the pipeline, and annotates
the segments whose cached annotation is missing or stale (coder.nlp.annotate.refresh), one short transaction per
batch; then it embeds the segments whose sentence embedding is missing or stale (coder.nlp.embeddings.refresh),
on one engine thread so that the screen keeps a core. It never touches widgets: it posts :class:`Analysis`
messages and the app owns the bar.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Label, ProgressBar

from coder.project.service import open_project


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

    class Embedding(Message):
        """``todo`` segments are to be embedded (0: none); ``warning``: the semantic layer could not load."""

        def __init__(self, todo: int, warning: str | None = None) -> None:
            super().__init__()
            self.todo = todo
            self.warning = warning

    class Embedded(Message):
        """``done`` segments were embedded and saved: the semantic layer can be (re)fitted."""

        def __init__(self, done: int, seconds: float) -> None:
            super().__init__()
            self.done = done
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


def embed(path: Path, post: Callable[[Message], object], cancelled: Callable[[], bool]) -> None:
    """The worker's second part: embed every stale segment of the project at ``path`` (when the semantic layer is
    on). Posts ``Embedding`` (how many, or why not), ``Advanced`` and ``Embedded``."""
    from coder.nlp import embeddings

    with open_project(path) as project:
        if not embeddings.enabled(project.setting("semantic")):
            return
        loaded = embeddings.load(threads=1)
        if loaded.embedder is None:
            post(Analysis.Embedding(0, loaded.warning))
            return
        stale = project.stale_embeddings(loaded.embedder.key)
        post(Analysis.Embedding(len(stale)))
        if not stale or cancelled():
            return
        progress = embeddings.refresh(
            project,
            loaded.embedder,
            stale=stale,
            on_progress=lambda p: post(Analysis.Advanced(p.done, p.total)),
            cancelled=cancelled,
        )
        if not cancelled():
            post(Analysis.Embedded(progress.done, progress.seconds))


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

    def __init__(self, todo: int, what: str = "Analysing text") -> None:
        super().__init__(id="analysis-progress")
        self.todo = todo
        self.what = what
        # made here, not in compose: progress may arrive before the bar has composed
        self.label = Label(self._label(0))
        self.bar = ProgressBar(total=todo, show_eta=False)

    def compose(self) -> ComposeResult:
        yield self.label
        yield self.bar

    def _label(self, done: int) -> str:
        return f"{self.what} {count(done)} / {count(self.todo)} segments"

    def advance_to(self, done: int) -> None:
        self.label.update(self._label(done))
        self.bar.update(progress=done)
