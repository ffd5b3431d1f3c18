"""The anonymisation check (``A``): identifiers that slipped through, each with its occurrences in context.

The check runs the language pipeline over every segment, so it runs in a thread worker on a connection of
its own and reports progress by messages; the screen stays usable and Escape leaves (the screen is kept
installed, so the check goes on and its result is there when ``A`` is pressed again). ``d`` dismisses a
candidate for good, ``p`` replaces it everywhere by a tag like ``[NAVN 1]`` (codings move with the text),
``a`` puts the word on the project's allow-list, Enter shows the occurrence in the reader, ``h`` shows or
hides what was already decided, ``R`` checks again.

This module is the screen, its worker and the decisions; how candidates and places are listed (and the
helpers ``number``, ``plural``, ``highlighted`` and ``KINDS``) is in ``check_rows.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, ProgressBar, Static
from textual.worker import get_current_worker

from coder.errors import CoderError
from coder.project.service import open_project
from coder.tui.footer import KeysFooter
from coder.tui.literal import lit
from coder.tui.results import JumpTo
from coder.tui.screens.check_rows import (
    KINDS,
    LEAD,
    candidate_options,
    count_line,
    find_again,
    highlighted,
    number,
    ordered,
    place_option,
    plural,
    title_text,
)

if TYPE_CHECKING:
    from coder.anonymise.check import Candidate, Hit
    from coder.store import Project

__all__ = [
    "KINDS",
    "LEAD",
    "SCREEN_NAME",
    "CheckScreen",
    "default_pipeline",
    "highlighted",
    "number",
    "open_check",
    "plural",
]

SCREEN_NAME = "anonymisation-check"


def default_pipeline(setting: str | None) -> Any:
    """The project's language pipeline, in the order ``coder model info`` shows (a ``Loaded``, with its warning)."""
    from coder.nlp.loading import load_pipeline

    return load_pipeline(setting)


class _Cancelled(Exception):
    """The screen went away while the check ran."""


class CheckScreen(Screen[JumpTo | None]):
    """``CheckScreen(project, coder, path, load_nlp)``; dismisses with a place to jump to, or None."""

    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding("d", "dismiss_candidate", "dismiss", tooltip="not an identifier: remembered, not shown again"),
        Binding(
            "p",
            "pseudonymise",
            "pseudonymise",
            tooltip="replace it everywhere in the project by a tag like [NAVN 1]; codings move with the text",
        ),
        Binding("a", "allow", "allow", tooltip="put the word on the project's allow-list (never a candidate)"),
        Binding("h", "toggle_decided", "decided", tooltip="show or hide dismissed and pseudonymised candidates"),
        Binding("R", "rerun", "recheck", tooltip="run the check again (after changes to the text)"),
    ]

    DEFAULT_CSS = """
    CheckScreen #check-title { height: 1; padding: 0 1; text-style: bold; }
    CheckScreen #check-count { height: 1; padding: 0 2; color: $text-muted; }
    CheckScreen #check-progress { height: 1; padding: 0 2; }
    CheckScreen #check-progress.done { display: none; }
    CheckScreen #check-progress-label { width: auto; padding: 0 1 0 0; }
    CheckScreen #check-list { height: 1fr; border: round $panel-lighten-2; margin: 0 1; }
    CheckScreen #check-places { height: 40%; border: round $panel-lighten-2; margin: 0 1; }
    CheckScreen #check-list:focus, CheckScreen #check-places:focus { border: round $accent; }
    CheckScreen OptionList { text-wrap: nowrap; text-overflow: ellipsis; }
    CheckScreen OptionList > .option-list--option { padding: 0 1; }
    """

    class Progress(Message):
        def __init__(self, done: int, total: int, note: str = "") -> None:
            super().__init__()
            self.done, self.total, self.note = done, total, note

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, CheckScreen.Progress)

    class Finished(Message):
        def __init__(self, candidates: list[Candidate], nlp: Any) -> None:
            super().__init__()
            self.candidates, self.nlp = candidates, nlp

    class Failed(Message):
        def __init__(self, error: str, severity: str = "error") -> None:
            super().__init__()
            self.error, self.severity = error, severity

    def __init__(
        self,
        project: Project,
        coder: str,
        path: Path,
        load_nlp: Callable[[str | None], Any] | None = None,
    ) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        self.path = path
        self.load_nlp = load_nlp or default_pipeline
        self.nlp: Any = None
        self.candidates: list[Candidate] = []
        self.shown: list[Candidate] = []
        self.show_decided = False
        self.running = False
        self.changed_since = 0  # pseudonymisations since the check ran: the places of the rest may have moved
        self._speakers: dict[int, dict[int, str]] = {}

    def compose(self) -> ComposeResult:
        yield Static("Anonymisation check", id="check-title")
        with Horizontal(id="check-progress"):
            yield Static("", id="check-progress-label")
            yield ProgressBar(id="check-bar", show_eta=False)
        yield Static("", id="check-count")
        yield OptionList(id="check-list")
        yield OptionList(id="check-places")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#check-list").border_title = "Candidates"
        self.query_one("#check-places").border_title = "Places"
        self.query_one("#check-list", OptionList).focus()
        self.start()

    # -- the check, in a worker ---------------------------------------------------------------------------
    def start(self) -> None:
        """Run the check on a connection of its own; the worker only posts messages."""
        if self.running:
            return
        self.running = True
        self._show_progress(0, 0, "Loading the language pipeline…" if self.nlp is None else "Starting…")
        self.run_worker(
            lambda: self._check(self.project.setting("nlp_model")),
            thread=True,
            exclusive=True,
            group="anonymisation-check",
            exit_on_error=False,
        )
        self._show_title()

    def _check(self, setting: str | None) -> None:
        from coder.anonymise.check import run_check

        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled()
            self.post_message(self.Progress(done, total))

        try:
            if self.nlp is None:
                loaded = self.load_nlp(setting)  # a spaCy Language, or coder.nlp.loading.Loaded
                nlp, warning = getattr(loaded, "nlp", loaded), getattr(loaded, "warning", None)
                if warning:
                    self.post_message(self.Failed(f"{warning}; names and places are not looked for", "warning"))
            else:
                nlp = self.nlp
            if worker.is_cancelled:
                return
            with open_project(self.path) as project:
                candidates = run_check(project, nlp, progress=progress, include_dismissed=True)
        except _Cancelled:
            return
        except (CoderError, OSError, ValueError) as error:
            self.post_message(self.Failed(str(error)))
            return
        except Exception as error:  # noqa: BLE001 — a notification, never a traceback
            self.post_message(self.Failed(f"{type(error).__name__}: {error}"))
            return
        self.post_message(self.Finished(candidates, nlp))

    @on(Progress)
    def _progress(self, event: Progress) -> None:
        self._show_progress(event.done, event.total, event.note)

    def _show_progress(self, done: int, total: int, note: str = "") -> None:
        self.query_one("#check-progress").set_class(False, "done")
        label = note or f"Checking {number(done)} / {number(total)} segments"
        self.query_one("#check-progress-label", Static).update(label)
        bar = self.query_one("#check-bar", ProgressBar)
        bar.update(total=total or None, progress=done)

    @on(Finished)
    def _finished(self, event: Finished) -> None:
        self.running = False
        self.nlp = event.nlp
        self.candidates = list(event.candidates)
        self.changed_since = 0
        self.query_one("#check-progress").set_class(True, "done")
        self.redraw()
        open_ = sum(c.status == "open" for c in self.candidates)
        if self.app.screen is not self:
            self.app.notify(f"Anonymisation check: {plural(open_, 'candidate')} to look at (A shows them)")

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        if event.severity == "warning":
            self.app.notify(event.error, title="Anonymisation check", severity="warning", timeout=10)
            return
        self.running = False
        self.query_one("#check-progress").set_class(True, "done")
        self._show_title()
        self.app.notify(event.error, title="The anonymisation check failed", severity="error", timeout=10)

    # -- what is shown ------------------------------------------------------------------------------------
    def redraw(self, keep: Candidate | None = None) -> None:
        """List the candidates by kind; ``keep`` (or the one under the cursor) stays selected if still shown."""
        listing = self.query_one("#check-list", OptionList)
        if keep is None:
            keep = self.current()
        before = self.shown.index(keep) if keep in self.shown else None
        self.shown = ordered(self.candidates, self.show_decided)
        options = candidate_options(self.shown)
        with self.app.batch_update():
            listing.clear_options()
            listing.add_options(options)
            if self.shown:
                if keep in self.shown:
                    target = self.shown.index(keep)
                elif before is not None:  # the one decided has gone: the next one takes its place
                    target = min(before, len(self.shown) - 1)
                else:
                    target = 0
                listing.highlighted = listing.get_option_index(f"c{target}")
            self.show_places()
            self._show_title()

    def _show_title(self) -> None:
        self.query_one("#check-title", Static).update(title_text(self.changed_since))
        self.query_one("#check-count", Static).update(count_line(self.candidates, self.running, self.show_decided))

    def current(self) -> Candidate | None:
        listing = self.query_one("#check-list", OptionList)
        if listing.highlighted is None or not self.shown:
            return None
        option_id = listing.get_option_at_index(listing.highlighted).id or ""
        if not option_id.startswith("c"):
            return None
        index = int(option_id[1:])
        return self.shown[index] if index < len(self.shown) else None

    @on(OptionList.OptionHighlighted, "#check-list")
    def _highlighted(self) -> None:
        self.show_places()

    def show_places(self) -> None:
        """The occurrences of the candidate under the cursor: source · speaker, then the context."""
        places = self.query_one("#check-places", OptionList)
        places.clear_options()
        candidate = self.current()
        if candidate is None:
            places.border_title = "Places"
            return
        for index, hit in enumerate(candidate.hits):
            places.add_option(place_option(index, candidate, hit, self._speaker(hit)))
        if candidate.hits:
            places.highlighted = 0
        places.border_title = lit(f"Places of «{candidate.text}» · Enter shows it in the reader")

    def _speaker(self, hit: Hit) -> str:
        if hit.segment_id is None:
            return ""
        if hit.source_id not in self._speakers:
            self._speakers[hit.source_id] = {
                s.id: s.speaker or s.case or "" for s in self.project.segments(hit.source_id) if s.id is not None
            }
        return self._speakers[hit.source_id].get(hit.segment_id, "")

    # -- decisions ------------------------------------------------------------------------------------------
    def _chosen(self) -> Candidate | None:
        candidate = self.current()
        if candidate is None:
            self.notify("No candidate here", severity="warning", timeout=3)
        return candidate

    def action_dismiss_candidate(self) -> None:
        from coder.anonymise.check import dismiss

        candidate = self._chosen()
        if candidate is None or candidate.status == "dismissed":
            return
        try:
            dismiss(self.project, candidate, self.coder)
        except (CoderError, ValueError) as error:
            self.notify(str(error), title="Could not dismiss", severity="error", timeout=8)
            return
        candidate.status = "dismissed"
        self.redraw(keep=candidate)
        self.app.saved(f"dismissed «{candidate.text}» (not shown again)")

    def action_pseudonymise(self) -> None:
        from coder.tui.screens.dialogs import Confirm

        candidate = self._chosen()
        if candidate is None:
            return
        if candidate.status == "pseudonymised":
            self.notify(f"«{candidate.text}» is already {candidate.tag or 'pseudonymised'}", timeout=4)
            return
        places = len(candidate.hits)
        sources = len({h.source_id for h in candidate.hits})
        tag = self._next_tag(candidate)
        question = (
            f"Replace «{candidate.text}» with {tag} in {plural(places, 'place')} in {plural(sources, 'source')}?"
            " Codings move with the text."
        )

        def done(yes: bool | None) -> None:
            if yes:
                self._pseudonymise(candidate)

        self.app.push_screen(Confirm(question, yes="Replace"), done)

    def _next_tag(self, candidate: Candidate) -> str:
        """The tag the candidate will get: its own if it was pseudonymised before, else the next free number."""
        if candidate.tag:
            return candidate.tag
        try:
            from coder.anonymise.pseudonyms import next_number, tag

            return tag(candidate.kind, next_number(candidate.kind, self.project.pseudonym_tags()))
        except (KeyError, AttributeError):
            return "a tag like [NAVN 1]"

    def _pseudonymise(self, candidate: Candidate) -> None:
        from coder.anonymise.check import pseudonymise

        try:
            report = pseudonymise(self.project, candidate, self.coder)
        except (CoderError, ValueError) as error:
            self.notify(str(error), title="Could not pseudonymise", severity="error", timeout=8)
            return
        candidate.status, candidate.tag = "pseudonymised", report.tag
        self.changed_since += 1
        self._speakers.clear()
        self.redraw(keep=candidate)
        what = f"«{candidate.text}» → {report.tag}: {plural(report.occurrences, 'place')}"
        what += f" in {plural(report.sources, 'source')}"
        if getattr(report, "codings_moved", 0):
            what += f", {plural(report.codings_moved, 'coding')} moved"
        self.app.saved(what)
        self.notify(what, title="Pseudonymised", timeout=6)
        self.app.start_analysis()  # the changed segments' analysis is stale: redo it in the background

    def action_allow(self) -> None:
        from coder.anonymise.check import add_allowed

        candidate = self._chosen()
        if candidate is None:
            return
        try:
            add_allowed(self.project, candidate.text, self.coder)
        except (CoderError, ValueError) as error:
            self.notify(str(error), title="Could not add to the allow-list", severity="error", timeout=8)
            return
        gone = [c for c in self.candidates if c.text == candidate.text and c.status == "open"]
        before = self.shown.index(candidate) if candidate in self.shown else None
        self.candidates = [c for c in self.candidates if c not in gone]
        self.redraw(keep=self.shown[before + 1] if before is not None and before + 1 < len(self.shown) else None)
        self.app.saved(f"«{candidate.text}» is on the allow-list")

    def action_toggle_decided(self) -> None:
        self.show_decided = not self.show_decided
        self.redraw()

    def action_rerun(self) -> None:
        if self.running:
            self.notify("The check is running", timeout=3)
            return
        self.start()

    # -- leaving ------------------------------------------------------------------------------------------------
    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        candidate = self.current()
        if candidate is None or not candidate.hits:
            return
        places = self.query_one("#check-places", OptionList)
        index = places.highlighted or 0
        if event.option_list is places and event.option.id:
            index = int(event.option.id[1:])
        place = self.locate(candidate, candidate.hits[min(index, len(candidate.hits) - 1)])
        if place is None:
            self.notify(f"«{candidate.text}» is no longer there: R checks again", severity="warning", timeout=5)
            return
        self.dismiss(place)

    def locate(self, candidate: Candidate, hit: Hit) -> JumpTo | None:
        """Where the hit is now: the text may have moved (or been replaced by its tag) since the check ran."""
        try:
            text = self.project.source_text(hit.source_id)
        except (CoderError, KeyError, LookupError):
            return None
        return find_again(text, candidate, hit)

    def action_close(self) -> None:
        self.dismiss(None)


def open_check(app: App, project: Project, coder: str, path: Path, done: Callable[[JumpTo | None], None]) -> None:
    """Show the check; the first time it starts, later it shows what it found (and the worker it may still run)."""
    if not app.is_screen_installed(SCREEN_NAME):
        app.install_screen(CheckScreen(project, coder, path, getattr(app, "nlp_loader", None)), SCREEN_NAME)
    app.push_screen(SCREEN_NAME, done)
