"""The coder app: opens a project, shows the main screen, owns theme, help and the palette."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from coder.codebook.service import load_into
from coder.errors import CoderError, ProjectBusy
from coder.project import background
from coder.project.service import open_for_work, open_project
from coder.tui.commands import CoderCommands
from coder.tui.literal import plain_text
from coder.tui.notices import Notices
from coder.tui.others import WatchesOthers
from coder.tui.screens.dialogs import Prompt
from coder.tui.screens.help import HelpScreen
from coder.tui.screens.main import MainScreen
from coder.tui.widgets import suggestions
from coder.tui.widgets.annotate_progress import Analysis, AnalysisProgress, message_of, one_engine_thread, run_child
from coder.tui.widgets.codebook import CodebookPanel
from coder.tui.widgets.reader import Reader
from coder.tui.widgets.suggestions import Suggestions

THEMES = ("textual-dark", "textual-light")


class CoderApp(Notices, WatchesOthers, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "coder"
    COMMANDS = App.COMMANDS | {CoderCommands}
    BINDINGS = [
        Binding("ctrl+t", "toggle_dark", "theme", show=False),
        Binding("ctrl+g", "pause_background", "pause/resume the background analysis", show=False),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (180, "-wide")]  # app.tcss: a wide terminal widens the side panels
    ENABLE_COMMAND_PALETTE = True
    #: annotate stale segments in the background after the first paint: None = in interactive sessions unless
    #: CODER_NLP=0 (headless test runs and benches stay quiet; a test sets True to see it)
    background_analysis: bool | None = None
    pipeline = None  # a coder.nlp.loading.Loaded the search lemmatises typed words with (else Ordbank's tables)
    _pipeline_warned = False
    #: build the suggestion engine after the first paint: None = in interactive sessions unless CODER_SUGGEST=0
    #: (headless runs show no suggestions unless a test sets True)
    background_suggestions: bool | None = None
    suggester = None  # coder.suggest.service.Suggester, once built (widgets/suggestions.py)
    training = False  # a retraining worker is running

    class Imported(Message):
        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    def __init__(
        self, path: str | Path, coder: str | None = None, lock: bool = True, nlp_loader=None, session: str | None = None
    ) -> None:
        """Open ``path`` once; ``coder`` or the project's own coder (``coder whoami``) is who codes. Other coding
        screens and commands may have it open too (issue 20); with ``lock`` this one says so in the project (a
        presence row the others' headers show, tui/others.py; a bench leaves it out). ``session``: a test's app
        standing for another process (coder.store.base.new_session)."""
        super().__init__()
        self.path = Path(path)
        #: ``nlp_loader(setting) -> Language`` for the anonymisation check; None: coder.nlp.loading (tests inject one)
        self.nlp_loader = nlp_loader
        self.work = open_for_work(self.path, coder, present=lock, session=session)
        self.project = self.work.project
        self.coder = self.work.coder
        self.title = plain_text(f"coder · {self.path.name}")
        self.sub_title = "saved"
        self.theme = self.project.setting("theme") or THEMES[0]

    def on_mount(self) -> None:
        self.push_screen(MainScreen(self.project, self.coder))
        self.watch_others()  # others' changes redrawn, their write locks waited out, who else is here: tui/others.py
        if self.work.warning:
            self.notify(self.work.warning, title="Network file system", severity="warning", timeout=12)
        self.call_after_refresh(self.start_analysis)
        self.call_after_refresh(self.start_suggestions)

    def on_unmount(self) -> None:
        self.work.close()

    def saved(self, what: str) -> None:
        """Say in the header that the last action is committed."""
        at = dt.datetime.now().strftime("%H:%M:%S")
        self.sub_title = plain_text(f"saved {at} · {what}")

    # -- errors: a notification, never a traceback -----------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        if isinstance(error, ProjectBusy):
            self.notify(self.busy_message(error), title="Busy", severity="warning", timeout=8)
            return
        if isinstance(error, (CoderError, ValueError, KeyError)):
            self.notify(str(error), title="Could not do that", severity="error", timeout=8)
            return
        super()._handle_exception(error)

    # -- help, theme ----------------------------------------------------------------------------------
    def action_help(self) -> None:
        from coder.tui.screens.agreement import AgreementScreen
        from coder.tui.screens.check import CheckScreen
        from coder.tui.screens.consensus import ConsensusScreen
        from coder.tui.screens.main import MainScreen as Main
        from coder.tui.screens.retrieval import RetrievalScreen
        from coder.tui.screens.review import ReviewScreen
        from coder.tui.screens.search import SearchScreen
        from coder.tui.screens.similar import SimilarScreen
        from coder.tui.screens.tables import TablesScreen
        from coder.tui.screens.themes import ThemesScreen
        from coder.tui.widgets.sources import SourcesPanel

        sections = [
            ("Reader", Reader.BINDINGS),
            ("Coding", Main.BINDINGS),
            ("Codebook panel", CodebookPanel.BINDINGS),
            ("Sources panel", SourcesPanel.BINDINGS),
            ("Themes (t in Sources)", ThemesScreen.BINDINGS),
            ("More like this (M)", [Binding("enter", "", "code the highlighted passage"), *SimilarScreen.BINDINGS]),
            ("Search (/)", [Binding("enter", "", "go to the hit; in the query: to the hits"), *SearchScreen.BINDINGS]),
            ("Retrieval (r)", [Binding("enter", "", "show the passage in context"), *RetrievalScreen.BINDINGS]),
            ("Anonymisation (A)", [Binding("enter", "", "show the place in the reader"), *CheckScreen.BINDINGS]),
            ("Review queue (R)", ReviewScreen.BINDINGS),
            ("Tables (T)", TablesScreen.BINDINGS),
            ("Agreement (I)", AgreementScreen.BINDINGS),
            ("Consensus (C)", ConsensusScreen.BINDINGS),
            (
                "App",
                [
                    Binding("tab", "", "next panel"),
                    Binding("ctrl+p", "", "command palette: every command"),
                    Binding("ctrl+t", "", "light / dark theme"),
                    Binding("ctrl+q", "", "quit"),
                ],
            ),
        ]
        self.push_screen(HelpScreen(sections))

    def action_toggle_dark(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
        with self.project.transaction():
            self.project.set_setting("theme", self.theme)

    def watch_theme(self, theme: str) -> None:
        for reader in self.query(Reader):
            reader.restyle()

    # -- imports from the palette: in a worker, on a connection of its own ---------------------------------
    def action_import_files(self) -> None:
        self.push_screen(
            Prompt("Import files (paths separated by spaces; a folder imports its files)", placeholder="intervjuer/"),
            lambda value: value and self._import_or_survey(value.split()),
        )

    def _import_or_survey(self, names: list[str]) -> None:
        """A spreadsheet among the files goes to the survey import; the rest are read as files."""
        tables = [n for n in names if Path(n).suffix.lower() in (".csv", ".tsv", ".xlsx")]
        if len(tables) == 1 and len(names) == 1:
            self._survey(Path(names[0]).expanduser())
        elif tables:
            raise CoderError(f"{tables[0]}: import a survey on its own (ctrl+p → Import a survey)")
        else:
            self._import(names, codebook=False)

    def action_load_codebook(self) -> None:
        self.push_screen(
            Prompt("Load a codebook (.yaml or .json)", placeholder="codebooks/ppt.yaml"),
            lambda value: value and self._import([value.strip()], codebook=True),
        )

    def action_import_survey(self) -> None:
        self.push_screen(
            Prompt("Import a survey (.csv, .tsv or .xlsx)", placeholder="svar/ppt-ledere.csv"),
            lambda value: value and self._survey(Path(value.strip()).expanduser()),
        )

    def _survey(self, path: Path) -> None:
        """Read the table in a worker (a national survey's spreadsheet takes seconds), guess the columns' roles,
        let the researcher correct them, then import. A file that cannot be read is a message naming it."""
        self.notify(f"reading {path.name} …", timeout=3)
        self._read_survey(path)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _read_survey(self, path: Path) -> None:
        from coder.ingest.survey import guess_roles, read_table

        try:
            table = read_table(path)
        except OSError as error:
            raise CoderError(f"{path}: {error.strerror or error}") from None
        if not table.rows:
            raise CoderError(f"{path}: no rows under the header")
        roles = guess_roles(table)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._choose_columns, path, table, roles)

    def _choose_columns(self, path: Path, table, roles: dict[str, str]) -> None:
        from coder.tui.screens.survey_import import SurveyImportScreen, SurveyPlan

        def chosen(plan: SurveyPlan | None) -> None:
            if plan is not None:
                self._import_survey(path, plan)

        self.push_screen(SurveyImportScreen(path.name, table, roles), chosen)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import_survey(self, path: Path, plan) -> None:
        from coder.ingest.service import import_survey

        with open_project(self.path) as project:
            report = import_survey(project, path, plan.id_column, plan.questions, plan.attributes, coder=self.coder)
        answers = sum(report.answers.values())
        summary = f"imported {len(report.added)} question(s), {answers} answers from {report.respondents} respondents"
        self.post_message(self.Imported(summary))

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import(self, names: list[str], codebook: bool) -> None:
        from coder.ingest.service import import_files

        paths: list[Path] = []
        for name in names:
            p = Path(name).expanduser()
            paths += sorted(x for x in p.iterdir() if x.is_file()) if p.is_dir() else [p]
        with open_project(self.path) as project:
            if codebook:
                loaded = load_into(project, paths[0], self.coder)
                summary = f"codebook: {len(loaded.added)} codes added, {len(loaded.updated)} updated"
            else:
                report = import_files(project, paths, coder=self.coder)
                summary = f"imported {len(report.added)} source(s)"
        self.post_message(self.Imported(summary))

    @on(Imported)
    def _imported(self, event: Imported) -> None:
        screen = self.screen if isinstance(self.screen, MainScreen) else None
        for s in self.screen_stack:
            if isinstance(s, MainScreen):
                screen = s
        if screen is not None:
            screen.refresh_sources()
            screen.refresh_codes()
        self.saved(event.summary)
        self.notify(event.summary)
        self.start_analysis()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, (CoderError, OSError)) else f"{type(error).__name__}: {error}"
            if event.worker.group.startswith("suggest"):
                self.training = False
                self.notify(message, title="Suggestions", severity="error", timeout=10)
                return
            if event.worker.group == "nlp":
                self._analysis_over()
                self.notify(message, title="Text analysis stopped; what was done is kept", severity="error", timeout=10)
                return
            self.notify(message, title="Import failed; the project is unchanged", severity="error", timeout=10)

    # -- text analysis (lemmas, compound parts, entities) in the background: tui/widgets/annotate_progress.py ---
    def start_analysis(self) -> None:
        """Annotate the segments whose cached analysis is missing or stale, in a thread on its own connection."""
        wanted = self.background_analysis
        if wanted is None:
            wanted = not self.is_headless and os.environ.get("CODER_NLP", "1") != "0"
        if wanted:
            one_engine_thread()
            self._analyse()

    background_paused = False

    def action_pause_background(self) -> None:
        """ctrl+g: stop the analysis after its batch under way (kept), or go on with what is missing or stale."""
        running = [w for w in self.workers if w.group == "nlp" and w.is_running]
        for worker in running:
            worker.cancel()
        if running:
            self._analysis_over()
        elif self.background_paused:
            one_engine_thread()
            self._analyse()
        else:
            return self.notify("No background analysis is running.")
        self.background_paused = bool(running)
        done = "paused; what is done is saved (ctrl+g goes on)" if running else "goes on where it stopped"
        self.notify(f"Background analysis {done}")

    analysis_in_process = False  # tests: the job in this process (a pipeline they hand in), not a child process

    @work(thread=True, exclusive=True, group="nlp", exit_on_error=False)
    def _analyse(self) -> None:
        worker = get_current_worker()
        if self.analysis_in_process:
            background.run(self.path, lambda e: self.post_message(message_of(e)), lambda: worker.is_cancelled)
        else:  # a process of its own: it never slows the keys (coder/project/background.py)
            run_child(self.path, self.post_message, lambda: worker.is_cancelled)

    def _analysis_over(self) -> None:
        for screen in self.screen_stack:
            for bar in screen.query(AnalysisProgress):
                bar.remove()

    @on(Analysis.Ready)
    def _analysis_ready(self, event: Analysis.Ready) -> None:
        if event.warning and not self._pipeline_warned:
            self._pipeline_warned = True
            self.notify(event.warning, title=f"Text analysis: {event.name}", severity="warning")
        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if event.stale and main is not None:
            self._analysis_over()
            main.mount(AnalysisProgress(event.stale), after="#panels")

    @on(Analysis.Advanced)
    def _analysis_advanced(self, event: Analysis.Advanced) -> None:
        for screen in self.screen_stack:
            for bar in screen.query(AnalysisProgress):
                bar.advance_to(event.done)

    @on(Analysis.Finished)
    def _analysis_finished(self, event: Analysis.Finished) -> None:
        self._analysis_over()
        if self.suggester is not None:  # lemmas and compounds are there now: score again
            self.suggester.forget()
            self._suggestions_changed()
            self._warm_suggester(self.suggester)

    @on(Analysis.Embedding)
    def _embedding(self, event: Analysis.Embedding) -> None:
        if event.warning:
            self.notify(event.warning, title="Suggestions by meaning", severity="warning", timeout=8)
        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if event.todo and main is not None:
            self._analysis_over()
            main.mount(AnalysisProgress(event.todo, "Embedding text"), after="#panels")

    @on(Analysis.Embedded)
    def _embedded(self, event: Analysis.Embedded) -> None:
        self._analysis_over()
        self.reload_suggester()  # the semantic layer's statistics now cover the whole project

    # -- code suggestions: the engine is built, retrained and reloaded in workers (tui/widgets/suggestions.py) --
    def start_suggestions(self) -> None:
        wanted = self.background_suggestions
        if wanted is None:
            wanted = not self.is_headless and os.environ.get("CODER_SUGGEST", "1") != "0"
        if wanted:
            one_engine_thread()
            self._build_suggester()

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _build_suggester(self) -> None:
        suggester = suggestions.build(self.path)
        self.post_message(Suggestions.Ready(suggester))
        suggestions.warm(self.path, suggester)

    @work(thread=True, exclusive=True, group="suggest-warm", exit_on_error=False)
    def _warm_suggester(self, suggester) -> None:
        suggestions.warm(self.path, suggester)

    @on(Suggestions.Ready)
    def _suggester_ready(self, event: Suggestions.Ready) -> None:
        self.suggester = event.suggester
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.suggestions_ready()
        self.decision_made()

    def decision_made(self) -> None:
        """After an accept or reject: retrain the learned layer in the background when enough new decisions
        have come in since the last training."""
        if self.suggester is not None and not self.training and self.suggester.needs_training(self.project):
            self.training = True
            self._retrain(self.suggester)

    @work(thread=True, exclusive=True, group="suggest-train", exit_on_error=False)
    def _retrain(self, suggester) -> None:
        self.post_message(Suggestions.Retrained(suggestions.train(self.path, suggester)))

    @on(Suggestions.Retrained)
    def _retrained(self, event: Suggestions.Retrained) -> None:
        self.training = False
        self.notify(suggestions.retrained_note(event.report), timeout=4)
        self._suggestions_changed()
        from coder.tui.screens.review import ReviewScreen

        if isinstance(self.screen, ReviewScreen):
            self.screen.rerank()

    def reload_suggester(self) -> None:
        """The codebook changed (codes or keywords): the engine reads it again, in the background."""
        if self.suggester is not None:
            self._reload_suggester(self.suggester)

    @work(thread=True, exclusive=True, group="suggest-reload", exit_on_error=False)
    def _reload_suggester(self, suggester) -> None:
        suggestions.reload(self.path, suggester)
        self.post_message(Suggestions.Reloaded())

    @on(Suggestions.Reloaded)
    def _suggestions_changed(self, event: Suggestions.Reloaded | None = None) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.refresh_suggestions()

    # -- the vector index: questions by meaning (more like this, search by meaning) — coder/search/vectors.py ------
    vectors = None  # coder.search.vectors.VectorIndex once built: ask vector_index()
    vectors_reason: str | None = None  # why there is none, in words: the layer is off, the engine did not load
    _vectors_building = False
    _vectors_stale = False  # the embedding finished while a build ran: build once more after it
    _vectors_then = None  # the request that started the build, answered when it is done
    _vectors_failed: str | None = None  # a build failed with the layer on (the engine did not load): not tried again

    class VectorsBuilt(Message):
        def __init__(self, index, reason: str | None) -> None:
            super().__init__()
            self.index, self.reason = index, reason

    def vector_index(self, then=None):
        """The project's VectorIndex, or None while there is none. Then it is built in a worker (unless the layer is
        off or the background embedding still runs: :meth:`vector_index_note` says which) and ``then()`` is called
        once it is there."""
        if self.vectors is not None:
            return self.vectors
        from coder.search.similar import layer_off

        self.vectors_reason = layer_off(self.project) or self._vectors_failed
        if self.vectors_reason is None and self._embedding_bar() is None:
            self._vectors_then = then or self._vectors_then
            self.build_vector_index()
        return None

    def vector_index_note(self) -> str:
        """Why :meth:`vector_index` gave None, for a notification."""
        if self.vectors_reason:
            return self.vectors_reason
        bar = self._embedding_bar()
        if bar is not None:
            done = int(bar.bar.progress or 0)
            return f"Still embedding: {done:,} of {bar.todo:,} segments. Ask again when the bar below is done."
        return "Building the index of meanings (a second or two on a large project)…"

    def _embedding_bar(self) -> AnalysisProgress | None:
        bars = (bar for screen in self.screen_stack for bar in screen.query(AnalysisProgress))
        return next((bar for bar in bars if bar.what == "Embedding text"), None)

    def build_vector_index(self) -> None:
        """Build the index (again) in a worker, on a connection of its own; the old one serves until then."""
        if self._vectors_building:
            self._vectors_stale = True
            return
        self._vectors_building = True
        self._build_vectors()

    @work(thread=True, group="vectors", exit_on_error=False)
    def _build_vectors(self) -> None:
        from coder.search.similar import Built, build_index

        try:
            with open_project(self.path) as project:
                built = build_index(project, threads=1)
        except Exception as error:  # said in words, never a traceback
            built = Built(None, f"The index of meanings could not be built: {type(error).__name__}: {error}")
        self.post_message(self.VectorsBuilt(built.index, built.reason))

    @on(VectorsBuilt)
    def _vectors_built(self, event: VectorsBuilt) -> None:
        self._vectors_building = False
        self.vectors = event.index if event.index is not None else self.vectors
        self.vectors_reason = event.reason
        if event.index is None and event.reason:
            from coder.search.similar import layer_off

            self._vectors_failed = None if layer_off(self.project) else event.reason
        if self._vectors_stale:
            self._vectors_stale = False
            self.build_vector_index()
            return
        then, self._vectors_then = self._vectors_then, None
        if then is not None and event.index is not None:
            then()
        elif then is not None:
            self.notify(event.reason or "", title="By meaning", severity="warning", timeout=8)

    @on(Analysis.Embedding)
    def _nothing_to_embed(self, event: Analysis.Embedding) -> None:
        if not event.todo and not event.warning:  # every segment was embedded already: the index can be built
            self.build_vector_index()

    @on(Analysis.Embedded)
    def _embedded_index(self, event: Analysis.Embedded) -> None:
        self.build_vector_index()
