"""The background analysis: the NLP annotation and then the sentence embeddings of every segment whose cached result
is missing or stale, one committed batch at a time — run as a process of its own.

The coding screen starts it as a child (``python -m coder.project.background PROJECT``) and reads what it reports, a
JSON object a line on its standard output, instead of running it in a thread: a thread shares the interpreter with the
screen, and while spaCy annotated a 50,000-answer survey every key waited for it (coding one answer: 54 ms median
without, 102 ms with; issue 21). A process of its own gets the other core of the machine, at a lower priority. Stopped
(ctrl+g, quitting, the screen's process gone), it stops after the batch under way; what is saved stays saved, and the
next start goes on with what is still missing.

The events, each a dict with ``event``: ``ready`` (``name``, ``warning``, ``stale``: the pipeline is loaded), then
``advanced`` (``done``, ``todo``) and ``finished`` (``done``, ``tokens``, ``seconds``); ``embedding`` (``todo``,
``warning``), ``advanced`` and ``embedded`` (``done``, ``seconds``); or ``failed`` (``message``).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from coder.errors import CoderError
from coder.project.service import open_project

Emit = Callable[[dict], None]


def run(path: Path, emit: Emit, cancelled: Callable[[], bool]) -> None:
    """Annotate, then embed, what is stale in the project at ``path``, reporting to ``emit``."""
    analyse(path, emit, cancelled)
    if not cancelled():
        embed(path, emit, cancelled)


def analyse(path: Path, emit: Emit, cancelled: Callable[[], bool]) -> None:
    """Annotate every stale segment (coder.nlp.annotate.refresh); with everything cached only ``ready`` is sent."""
    from coder.nlp import annotate as ann

    with open_project(path) as project:
        loaded = ann.load(project.setting("nlp_model"))
        key = ann.loaded_key(loaded)
        stale = project.stale_segments(key)
        emit({"event": "ready", "name": loaded.name, "warning": loaded.warning, "stale": len(stale)})
        if not stale or cancelled():
            return
        progress = ann.refresh(
            project,
            loaded.nlp,
            key,
            ann.splitter(),
            stale=stale,
            on_progress=lambda p: emit({"event": "advanced", "done": p.done, "todo": p.total}),
            cancelled=cancelled,
        )
        if not cancelled():
            emit({"event": "finished", "done": progress.done, "tokens": progress.tokens, "seconds": progress.seconds})


def embed(path: Path, emit: Emit, cancelled: Callable[[], bool]) -> None:
    """Embed every stale segment (coder.nlp.embeddings.refresh) when the semantic layer is on, on one engine thread."""
    from coder.nlp import embeddings

    with open_project(path) as project:
        if not embeddings.enabled(project.setting("semantic")):
            return
        loaded = embeddings.load(threads=1)
        if loaded.embedder is None:
            emit({"event": "embedding", "todo": 0, "warning": loaded.warning})
            return
        stale = project.stale_embeddings(loaded.embedder.key)
        emit({"event": "embedding", "todo": len(stale), "warning": None})
        if not stale or cancelled():
            return
        progress = embeddings.refresh(
            project,
            loaded.embedder,
            stale=stale,
            on_progress=lambda p: emit({"event": "advanced", "done": p.done, "todo": p.total}),
            cancelled=cancelled,
        )
        if not cancelled():
            emit({"event": "embedded", "done": progress.done, "seconds": progress.seconds})


def main(argv: list[str] | None = None) -> int:
    """The child process: events on standard output (anything a library prints goes to standard error instead)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m coder.project.background PROJECT", file=sys.stderr)
        return 2
    events = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    parent = os.getppid()
    if hasattr(os, "nice"):
        os.nice(5)  # the screen's process first

    def emit(event: dict) -> None:
        events.write(json.dumps(event) + "\n")
        events.flush()

    try:
        run(Path(args[0]), emit, lambda: bool(stop) or os.getppid() != parent)
    except CoderError as error:
        emit({"event": "failed", "message": str(error)})
    except BrokenPipeError:  # the screen stopped reading: it is gone
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
