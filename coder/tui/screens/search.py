"""Full-text search (``/``): results with context as you type; Enter jumps, ``a`` codes every hit.

Plain words are also searched by lemma (``l`` toggles): other forms of the word (*gikk* for ``gå``) and compounds
with it as a part (*henvisningspraksis* for ``praksis``), from the NLP cache the background analysis fills. The
merging and marking is :func:`coder.search.service.search_with_lemmas`; this screen only renders it.

A query that begins with ``~`` (``m`` on the hits adds or takes it away) is searched by meaning too: the passages
nearest it in meaning join the word and lemma hits, each listed once and marked how it matched, best first
(:func:`coder.search.meaning.search`, asking the app's vector index).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from coder.model import is_interviewer, plural
from coder.search import meaning
from coder.search.service import (
    SPREAD_NAMES,
    SPREADS,
    MarkedHit,
    Spread,
    lemma_coverage,
    ordbank_tables,
    plain_words,
    plan_coding,
    search_with_lemmas,
    typed_query,
)
from coder.tui.footer import KeysFooter
from coder.tui.literal import lit, plain_text
from coder.tui.results import CodeHits, JumpTo

if TYPE_CHECKING:
    from coder.store import Project
    from coder.store.sources import Hit

LIMIT = 500
DEBOUNCE = 0.15
COVERAGE_AGAIN = 2.0  # seconds before an incomplete lemma coverage is counted again
#: how each kind of match is marked in a snippet
MARKS = {"word": "bold reverse", "lemma": "bold reverse underline", "compound": "reverse italic"}
INDEX_AGAIN = 0.5  # seconds between asking the app again for the vector index while it is being built


def snippet_text(snippet: str, how: tuple[str, ...] = ()) -> Text:
    """A snippet with its \\x01…\\x02 marked words shown reversed; ``how[i]`` (word, lemma, compound) styles the
    i-th marked run (a plain word match when not given)."""
    text = Text()
    marked = False
    run = 0
    for part in snippet.replace("\x02", "\x01").split("\x01"):
        style = ""
        if marked:
            style = MARKS.get(how[run] if run < len(how) else "word", MARKS["word"])
            run += 1
        text.append(plain_text(" ".join(part.split("\n"))), style)
        marked = not marked
    return text


class SearchScreen(Screen[JumpTo | CodeHits | None]):
    """Search all sources.  Dismisses with a place to jump to, hits to code, or None."""

    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding("a", "code_all", "code all hits", tooltip="code every hit with a code you pick next (one undo)"),
        Binding(
            "w", "spread", "code what", tooltip="what a codes: the sentence → the whole turn or answer → the words"
        ),
        Binding(
            "l",
            "lemmas",
            "lemmas",
            tooltip="words only ↔ words + lemmas: other forms, compounds with the word (ctrl+l while typing)",
        ),
        Binding("ctrl+l", "toggle_lemmas", "lemmas", show=False),
        Binding(
            "m",
            "meaning",
            "meaning",
            tooltip="+ passages near the query in meaning, not only its words (or begin the query with ~)",
        ),
        Binding(
            "i",
            "interviewer",
            "interviewer",
            tooltip="a skips the interviewer's turns (the questions are not data) ↔ codes them too",
        ),
        Binding("slash", "focus_query", "new search", show=False, tooltip="back to the query"),
    ]
    #: search lemmas too (words + lemmas) or the words only, when the screen opens; ``l`` toggles it
    with_lemmas: ClassVar[bool] = True

    DEFAULT_CSS = """
    SearchScreen #search-query { margin: 0 1; }
    SearchScreen #search-count { height: auto; max-height: 2; padding: 0 2; color: $text-muted; }  /* wraps */
    SearchScreen #search-count.error { color: $error; }
    SearchScreen #search-note { height: 1; padding: 0 2; color: $text-muted; }
    SearchScreen #search-note.partial { color: $warning; }
    SearchScreen #search-hits { height: 1fr; border: round $panel-lighten-2; margin: 0 1; }
    SearchScreen #search-hits:focus { border: round $accent; }
    """

    def __init__(self, project: Project, query: str = "") -> None:
        super().__init__()
        self.project = project
        self.initial = query
        self.hits: list[Hit] = []
        self.respondents: dict = {}  # (source id, offset) → the case of a survey answer hit (store.cases_at)
        self.spread: Spread = "sentence"
        self.interviewer = False  # a codes the interviewer's turns too (i toggles)
        self._timer: Timer | None = None
        self._error = ""
        self.with_lemmas = type(self).with_lemmas
        self._lemmatised = False  # the hits shown came from the search by words and lemmas
        self._coverage: tuple[int, int] | None = None
        self._coverage_at = 0.0
        self.found: meaning.Found | None = None  # what the search by meaning found (None: not searched by meaning)
        self._segments: tuple[int, float] | None = None  # the project's segment count, and when it was counted
        self._index_timer: Timer | None = None
        self._index_seen = None  # the vector index the last search by meaning asked (None: none yet)
        self._index_failed: str | None = None  # the app could not build its vector index: why, and ask no more

    def compose(self) -> ComposeResult:
        yield Input(
            self.initial,
            placeholder='kapasitet   sakkyn*   "tidlig innsats"   by meaning: ~lang ventetid',
            id="search-query",
        )
        yield Static("", id="search-count")
        yield Static("", id="search-note")
        yield OptionList(id="search-hits")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#search-query", Input).focus()
        self._show_mode()
        if self.initial:
            self.run_search()
        self.call_after_refresh(self._load_dictionary)  # after the first hits are drawn: the two share the interpreter

    # -- searching --------------------------------------------------------------------------------------
    @on(Input.Changed, "#search-query")
    def _changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.run_search)

    @on(Input.Submitted, "#search-query")
    def _submitted(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.run_search()
        if self.hits:
            self.query_one("#search-hits", OptionList).focus()

    @property
    def nlp(self):
        """The pipeline the background analysis loaded (None until it is ready, or with the analysis off)."""
        loaded = getattr(self.app, "pipeline", None)
        return getattr(loaded, "nlp", None)

    def run_search(self) -> None:
        by_meaning, query = meaning.split_query(self.query_one("#search-query", Input).value)
        self._error = ""
        self._lemmatised = bool(query and self.with_lemmas and plain_words(query))
        try:
            if not query:
                self.hits = []
            elif self._lemmatised:
                self.hits = search_with_lemmas(self.project, query, self.nlp, ordbank_tables(), LIMIT)
            else:
                self.hits = self.project.search_hits(typed_query(query), LIMIT)
        except ValueError as error:
            self.hits, self._error = [], str(error)
        self.found = None
        incomplete = False
        if by_meaning and query:
            index = self._index_seen = None if self._index_failed else self.app.vector_index()
            self.found = meaning.search(self.project, index, query, self.hits)
            if self.found.waiting and self._index_failed:
                self.found.note, self.found.waiting = f"by meaning: {self._index_failed}", False
            elif (self.found.waiting or (index is not None and not len(index))) and self._analysis_running():
                self.found.note = meaning.EMBEDDING
            self.hits = list(self.found.hits)
            incomplete = self.found.waiting or (index is not None and self._meaning_covered(index) is not None)
        self._wait_for_index(incomplete)
        listing = self.query_one("#search-hits", OptionList)
        listing.clear_options()
        self.respondents = self.project.cases_at((h.source_id, h.start) for h in self.hits if not h.speaker)
        listing.add_options(self._option(i, hit) for i, hit in enumerate(self.hits))
        if self.hits:
            listing.highlighted = 0
        self._show_count(query)
        self._show_mode()
        self._show_note(query)

    def _option(self, index: int, hit: Hit) -> Option:
        where = lit(hit.source, "bold")
        if hit.speaker:
            where.append(plain_text(f" · {hit.speaker}"), "dim")
        elif (case := self.respondents.get((hit.source_id, hit.start))) is not None:  # a survey answer: who said it
            where.append(plain_text(f" · {case.name}"))
            if case.attributes:
                where.append(plain_text(" · " + " · ".join(a.value for a in case.attributes.values())), "dim italic")
        how: tuple[str, ...] = ()
        if isinstance(hit, MarkedHit):
            how = hit.how
            if self.found is not None and "word" in how:
                where.append(" · word", "italic")
            reason = hit.reason()
            if reason:
                where.append(plain_text(f" · {reason}"), "italic")
            if hit.similarity is not None:
                where.append(f" · meaning {hit.similarity:.2f}", "bold italic")
        return Option(Text.assemble(where, "\n  ", snippet_text(hit.snippet, how)), id=str(index))

    def _show_count(self, query: str) -> None:
        count = self.query_one("#search-count", Static)
        count.set_class(bool(self._error), "error")
        if self._error:
            count.update(lit(self._error))
            return
        if not query:
            if self.with_lemmas:
                count.update('gå → gikk · praksis → henvisningspraksis · "exact phrase" · AND OR NOT')
            else:
                count.update('kapasitet → kapasiteten · exact phrase: "felles språk" · AND OR NOT')
            return
        sources = len({h.source_id for h in self.hits})
        n = f"first {LIMIT}" if len(self.hits) >= LIMIT else f"{len(self.hits):,}"
        hits = "hit" if len(self.hits) == 1 else "hits"
        spread = ""
        if self.hits:
            plan = plan_coding(self.project, self.hits, self.spread, self.interviewer)
            whole = self.spread != "segment" and any(not h.matches for h in self.hits)
            spread = f" · a codes {SPREAD_NAMES[self.spread]} of "
            spread += plural(plan.hits, "hit") if plan.hits == len(plan.spans) else plan.describe().split(" · ")[0]
            if whole:
                spread += " (by meaning: whole)"
            if plan.skipped:
                spread += f" · {plural(plan.skipped, 'interviewer turn')} skipped (i)"
            elif self.interviewer and any(is_interviewer(h.speaker) for h in self.hits):
                spread += " · interviewer's too (i)"
            spread += " · w changes"
        count.update(f"{n} {hits} in {plural(sources, 'source')}{spread}")

    def _show_mode(self) -> None:
        """The mode in the query box's title: words + lemmas, words only, or a query that runs as typed; and by
        meaning too when the query begins with ``~``."""
        box = self.query_one("#search-query", Input)
        by_meaning, query = meaning.split_query(box.value)
        if not self.with_lemmas:
            title = "words only · l: + lemmas"
        elif query and not plain_words(query):
            title = "words + lemmas · this query runs as typed (search syntax)"
        else:
            title = "words + lemmas · l: words only"
        if by_meaning:
            title = "meaning + " + title.replace("this query runs", "words run") + " · m: no meaning"
        else:
            title += " · ~ or m: + meaning"
        box.border_title = title

    def _show_note(self, query: str) -> None:
        """Under the count: why there is no search by meaning, or how much of the project the search by meaning
        or by lemma covers yet, else what the marks mean."""
        note = self.query_one("#search-note", Static)
        note.set_class(False, "partial")
        if self.found is None and (not self._lemmatised or self._error):
            note.update("")
            return
        if self.found is not None and self._meaning_note(note):
            return
        if self._lemmatised and self._lemma_note(note):
            return
        counts = {"lemma": 0, "compound": 0}
        for hit in self.hits:
            if isinstance(hit, MarkedHit):
                for kind in set(hit.how) & counts.keys():
                    counts[kind] += 1
        if self.found is not None:
            legend = Text(f"{self.found.by_meaning} by meaning (≥ {self.found.floor or 0:.2f}) · marks: ")
            legend.append("word", MARKS["word"]).append(" as typed")
            if self._lemmatised:
                legend.append(", ").append("form", MARKS["lemma"]).append(" of lemma, ")
                legend.append("in", MARKS["compound"]).append(" compound")
            note.update(legend)
            return
        note.update(
            Text.assemble(
                "marks: ",
                ("word", MARKS["word"]),
                " as typed, ",
                ("form", MARKS["lemma"]),
                f" of its lemma ({counts['lemma']} hits), ",
                ("in", MARKS["compound"]),
                f" a compound ({counts['compound']} hits)",
            )
        )

    def _lemma_note(self, note: Static) -> bool:
        """Say how much of the project the search by lemma covers yet; False: all of it."""
        nlp = self.nlp
        if nlp is None:
            note.set_class(True, "partial")
            note.update("lemma search: text analysis starting — only what is analysed so far")
            return True
        now = time.monotonic()
        if self._coverage is None or (
            self._coverage[0] < self._coverage[1] and now - self._coverage_at > COVERAGE_AGAIN
        ):
            self._coverage, self._coverage_at = lemma_coverage(self.project, nlp), now
        done, total = self._coverage
        if done < total:
            note.set_class(True, "partial")
            rest = "analysis still running" if self._analysis_running() else "coder annotate does the rest"
            note.update(f"lemma search covers {done:,} / {total:,} segments — {rest}")
            return True
        return False

    # -- meaning -----------------------------------------------------------------------------------------
    def _meaning_note(self, note: Static) -> bool:
        """Say why there is no search by meaning, or how much of the project it covers; False: nothing to say."""
        assert self.found is not None
        if self.found.note:
            note.set_class(True, "partial")
            note.update(lit(self.found.note))
            return True
        covered = self._meaning_covered(self._index_seen)
        if covered is None:
            return False
        note.set_class(True, "partial")
        rest = "embedding still running" if self._analysis_running() else "coder embed does the rest"
        note.update(f"by meaning covers {covered[0]:,} / {covered[1]:,} segments — {rest}")
        return True

    def _meaning_covered(self, index) -> tuple[int, int] | None:
        """``(embedded, total)`` segments when ``index`` covers only part of the project (or none of it), else None."""
        now = time.monotonic()
        if self._segments is None or now - self._segments[1] > COVERAGE_AGAIN:
            self._segments = (self.project.stats()["segments"], now)
        return meaning.coverage(index, self._segments[0])

    def _wait_for_index(self, waiting: bool) -> None:
        """While the app builds its vector index, or the index covers only part of the project (the embedding runs,
        and the app builds it again when it is done), ask for it now and then; search again when it is a new one."""
        if waiting and self._index_timer is None:
            self._index_timer = self.set_interval(INDEX_AGAIN, self._index_ready)
        elif not waiting and self._index_timer is not None:
            self._index_timer.stop()
            self._index_timer = None

    def _index_ready(self) -> None:
        failed = getattr(self.app, "vectors_reason", None)  # a build that failed: said once, not tried again
        if failed and self.found is not None and self.found.waiting:
            self._index_failed = failed
            self.run_search()
        elif self.app.vector_index() is not self._index_seen:
            self.run_search()

    def action_meaning(self) -> None:
        """Search by meaning too, or not: adds or takes away the query's ``~``."""
        box = self.query_one("#search-query", Input)
        box.value = meaning.toggled(box.value)
        if self._timer is not None:
            self._timer.stop()
        self.run_search()

    # -- lemmas ------------------------------------------------------------------------------------------
    def action_lemmas(self) -> None:
        self.with_lemmas = not self.with_lemmas
        self._load_dictionary()
        self.run_search()

    def action_toggle_lemmas(self) -> None:
        self.action_lemmas()

    def _analysis_running(self) -> bool:
        return any(w.group == "nlp" and w.is_running for w in self.app.workers)

    def _load_dictionary(self) -> None:
        """Without a loaded pipeline, typed words are lemmatised by Ordbank: read it in a thread (about a second; the
        background analysis loads its pipeline in a process of its own)."""
        if self.with_lemmas and self.nlp is None and ordbank_tables() is None:
            self._read_ordbank()

    @work(thread=True, exclusive=True, group="search-lemmas", exit_on_error=False)
    def _read_ordbank(self) -> None:
        try:
            found = ordbank_tables(load=True)
        except Exception:  # the search by lemma still works on the typed word itself
            return
        if found is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._dictionary_read)

    def _dictionary_read(self) -> None:
        if self.is_attached and self.query_one("#search-query", Input).value.strip():
            self.run_search()

    # -- leaving ------------------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#search-hits")
    def _open(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[int(event.option.id or 0)]
        start, end = hit.matches[0] if hit.matches else (hit.start, hit.end)
        self.dismiss(JumpTo(hit.source_id, start, end))

    def action_code_all(self) -> None:
        if isinstance(self.focused, Input):
            return
        if not self.hits:
            self.notify("Nothing to code: search for something first", severity="warning")
            return
        query = self.query_one("#search-query", Input).value.strip()
        plan = plan_coding(self.project, self.hits, self.spread, self.interviewer)
        if not plan.spans:
            self.notify(f"Nothing to code: all {plural(plan.skipped, 'hit')} are the interviewer's (i codes them)")
            return
        self.dismiss(CodeHits(plan.spans, query, plan.hits, plan.skipped))

    def action_interviewer(self) -> None:
        self.interviewer = not self.interviewer
        self._show_count(meaning.split_query(self.query_one("#search-query", Input).value)[1])

    def action_spread(self) -> None:
        self.spread = SPREADS[(SPREADS.index(self.spread) + 1) % len(SPREADS)]
        self._show_count(meaning.split_query(self.query_one("#search-query", Input).value)[1])

    def action_focus_query(self) -> None:
        self.query_one("#search-query", Input).focus()

    def action_close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._wait_for_index(False)
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``a`` and ``w`` are letters: while typing a query they go to the query, not to the screen."""
        if action in ("code_all", "spread", "interviewer", "lemmas", "meaning", "focus_query") and isinstance(
            self.focused, Input
        ):
            return False
        return True
