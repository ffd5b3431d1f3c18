"""Text analysis in the background, as the screen sees it: the job (coder/project/background.py) run as a child
process and read by a thread worker, its messages, and the one-line progress bar shown above the footer while it runs.

The job opens its own connection to the project file, loads the pipeline, and annotates the segments whose cached
annotation is missing or stale, one short transaction per batch; then it embeds the segments whose sentence embedding
is missing or stale. The worker turns each line it reports into an :class:`Analysis` message; the app owns the bar.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Label, ProgressBar

from coder.errors import CoderError


class Analysis:
    """What the background job tells the app."""

    class Ready(Message):
        """The pipeline ``name`` is loaded (``warning``: what to tell about it); ``stale`` segments are to be done."""

        def __init__(self, name: str, warning: str | None, stale: int) -> None:
            super().__init__()
            self.name, self.warning, self.stale = name, warning, stale

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


def message_of(event: dict) -> Message:
    """The message for one event the job reports (coder/project/background.py); ``failed`` raises its message."""
    kind = event["event"]
    if kind == "failed":
        raise CoderError(event["message"])
    if kind == "ready":
        return Analysis.Ready(event["name"], event["warning"], event["stale"])
    if kind == "advanced":
        return Analysis.Advanced(event["done"], event["todo"])
    if kind == "finished":
        return Analysis.Finished(event["done"], event["tokens"], event["seconds"])
    if kind == "embedding":
        return Analysis.Embedding(event["todo"], event["warning"])
    return Analysis.Embedded(event["done"], event["seconds"])


def one_engine_thread() -> None:
    """The embedding engine (OpenMP, read once when it first loads) gets one thread, in the app and in the job it
    starts (which inherits the setting): the screen keeps the other core. A value the user set is kept."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def run_child(path: Path, post: Callable[[Message], object], cancelled: Callable[[], bool]) -> None:
    """The worker's body: run the job as a child process, post what it reports, and stop it (after its batch under
    way) once ``cancelled()``; looked at five times a second. An error the job could not report is raised with the
    last line it wrote to standard error."""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "coder.project.background", str(path)],
            stdout=subprocess.PIPE,
            stderr=errors,
            stdin=subprocess.DEVNULL,
        )
        pending = b""
        try:
            while True:
                if cancelled():
                    child.terminate()
                    break
                ready, _, _ = select.select([child.stdout], [], [], 0.2)
                if not ready:
                    continue
                chunk = os.read(child.stdout.fileno(), 65536)
                if not chunk:
                    break
                *lines, pending = (pending + chunk).split(b"\n")
                for line in lines:
                    post(message_of(json.loads(line)))
        finally:
            if child.poll() is None and cancelled():
                child.terminate()
            code = child.wait()
        if code and not cancelled():
            errors.seek(0)
            said = [line for line in errors.read().decode("utf-8", "replace").splitlines() if line.strip()]
            raise CoderError(said[-1] if said else f"the background analysis ended with code {code}")


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
