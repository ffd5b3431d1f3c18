"""Retrieval (``r``): every passage coded with a code, across sources — the view a chapter is written from.

Each passage shows its source, speaker and the case's attributes; a filter narrows by attribute
(``org=fylke``) or words; ``space`` marks a passage as a candidate quote (★) for the report; ``t`` edits its
report text beside the words as said (:mod:`coder.tui.screens.report_text`); ``T`` reviews the cleanup proposals
of all the passages shown, one key each (:mod:`coder.tui.screens.cleanup_review`); ``e`` exports the passages shown
as quotes (DOCX, Markdown, CSV, XLSX by the file's suffix), in a worker that also runs the anonymisation
guard.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from coder.coding import provenance
from coder.coding import service as editing
from coder.coding.passages import merge_passages
from coder.errors import CoderError
from coder.export import service as quotes
from coder.filters import Filter, parse_filter
from coder.model import Code, plural
from coder.project.service import open_project
from coder.tui.footer import KeysFooter
from coder.tui.literal import lit, plain_text, swatch
from coder.tui.results import JumpTo
from coder.tui.screens.dialogs import MemoEditor, Prompt
from coder.tui.screens.picker import CodePicker, Picked

if TYPE_CHECKING:
    from coder.store import Project
    from coder.store.codings import Retrieved

STAR = "★"
PAGE = 500  # passages listed at a time: the option list works out every listed passage's height when shown
MORE = "more"  # the option that lists the next page


class RetrievalScreen(Screen[JumpTo | None]):
    """``RetrievalScreen(project, code_id, coder)``; dismisses with a place to jump to, or None."""

    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding(
            "space,q", "quote", "★ quote", tooltip="mark or unmark the passage as a candidate quote for the report"
        ),
        Binding("h", "children", "sub-codes", tooltip="with or without the passages of the code's sub-codes"),
        Binding("asterisk", "only_quotes", "only ★", tooltip="show only the passages marked ★"),
        Binding("f,slash", "filter", "filter", tooltip="filter by attribute (tjenestetype=fylke, a,b, !=, >) or words"),
        Binding("c", "choose_code", "code", tooltip="retrieve another code"),
        Binding("m", "memo", "memo", tooltip="a memo on the passage"),
        Binding("M", "more_like_this", "more like this", show=False, tooltip="more like this, not yet coded with it"),
        Binding("t", "report_text", "report text", tooltip="edit the passage's text for the report (fillers cut)"),
        Binding(
            "T",
            "clean_up",
            "clean up all",
            tooltip="review the cleanup proposal of every passage shown: a/e/k, one key each",
        ),
        Binding("e", "export", "export", tooltip="write the passages shown as quotes: .docx .md .csv .xlsx"),
    ]

    DEFAULT_CSS = """
    RetrievalScreen #retrieval-title { height: 1; padding: 0 1; text-style: bold; }
    RetrievalScreen #retrieval-filter { margin: 0 1; }
    RetrievalScreen #retrieval-count { height: 1; padding: 0 2; color: $text-muted; }
    RetrievalScreen #retrieval-list { height: 1fr; border: round $panel-lighten-2; margin: 0 1; }
    RetrievalScreen #retrieval-list:focus { border: round $accent; }
    RetrievalScreen #retrieval-list > .option-list--option { padding: 0 1; }
    """

    def __init__(self, project: Project, code_id: str, coder: str, *, with_subcodes: bool = True) -> None:
        super().__init__()
        self.project = project
        self.code_id = code_id
        self.coder = coder
        self.with_subcodes = with_subcodes
        self.only_quotes = False
        self.filter: Filter = parse_filter("")
        self.passages: list[Retrieved] = []
        self.shown: list[Retrieved] = []
        self.codes: dict[str, Code] = {}
        self.listed = PAGE  # passages listed; the rest come a page at a time

    def compose(self) -> ComposeResult:
        yield Static("", id="retrieval-title")
        yield Input(placeholder="filter: org=fylke   region=vest,nord   words", id="retrieval-filter")
        yield Static("", id="retrieval-count")
        yield OptionList(id="retrieval-list")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.load()
        keys = list(dict.fromkeys(k for p in self.passages for k in p.attributes))[:2]
        if keys:
            example = "   ".join(f"{k}=…" for k in keys)
            self.query_one("#retrieval-filter", Input).placeholder = f"filter: {example}   a,b   !=   words"
        self.query_one("#retrieval-list", OptionList).focus()

    # -- what is shown ----------------------------------------------------------------------------------
    def load(self) -> None:
        """Read the passages again (after a quote mark, a memo or another code)."""
        self.codes = {c.id: c for c in self.project.codebook().codes}
        ids = [self.code_id] + (self.project.descendants(self.code_id) if self.with_subcodes else [])
        self.passages = merge_passages(self.project.retrieve(ids))  # a sentence coded inside a coded turn: one
        self.redraw()

    def redraw(self, keep: int | None = None) -> None:
        listing = self.query_one("#retrieval-list", OptionList)
        if keep is None and (current := self.current()) is not None:
            keep = current.coding.id
        self.shown = [
            p
            for p in self.passages
            if (p.quote or not self.only_quotes)
            and self.filter.matches(p.attributes, p.text, p.source, p.speaker or "")
        ]
        memos = {int(i) for i in self.project.memo_targets("coding") if i.isdigit()}
        reports = {span: report for span, (_, report) in self.project.quote_spans().items() if report}
        listing.clear_options()
        options: list[Option | None] = []
        at = next((i for i, p in enumerate(self.shown) if p.coding.id == keep), 0)
        self.listed = max(self.listed, (at // PAGE + 1) * PAGE)  # the passage to keep is always listed
        for passage in self.shown[: self.listed]:
            if options:
                options.append(None)  # a rule between passages
            c = passage.coding
            options.append(self._option(passage, c.id in memos, reports.get((c.source_id, c.start, c.end))))
        rest = len(self.shown) - self.listed
        if rest > 0:
            more = f"… {rest:,} more passages · Enter lists the next {min(PAGE, rest):,} (count and export: all)"
            options += [None, Option(Text(more, "italic"), id=MORE)]
        listing.add_options(options)
        if self.shown:
            target = str(keep) if keep in {p.coding.id for p in self.shown} else str(self.shown[0].coding.id)
            listing.highlighted = listing.get_option_index(target)
        self._show_title()

    def _option(self, passage: Retrieved, memo: bool, report: str | None = None) -> Option:
        head = Text()
        head.append(f"{STAR} " if passage.quote else "  ", "bold yellow")
        head.append(plain_text(passage.source), "bold")
        if passage.speaker:
            head.append(plain_text(f" · {passage.speaker}"))
        if passage.case and passage.kind == "survey":
            head.append(plain_text(f" · {passage.case}"), "dim")
        if passage.attributes:
            head.append(plain_text(" · " + " · ".join(a.value for a in passage.attributes.values())), "dim italic")
        if passage.coding.code_id != self.code_id and passage.coding.code_id in self.codes:
            head.append(plain_text(f"  [{self.codes[passage.coding.code_id].label}]"), "dim")
        if how := provenance.short(passage.coding.origin, passage.coding.provenance):
            head.append(plain_text(f"  {how}"), "dim italic")  # not coded by hand: how it came
        if memo:
            head.append("  ✎ memo", "dim")
        body = " ".join(passage.text.split())
        if report:  # the words as said, saved: «keep as said» in the cleanup review (--clean leaves them)
            head.append("  ¶ as said" if " ".join(report.split()) == body else "  ¶ report text", "dim")
        return Option(Text.assemble(head, "\n", lit(body)), id=str(passage.coding.id))

    def _show_title(self) -> None:
        code = self.codes.get(self.code_id)
        title = lit(code.label if code else self.code_id, "bold")
        if code and code.colour:
            title.stylize(swatch(code.colour, fallback=""))
        subs = self.project.descendants(self.code_id)
        if subs:
            title.append(f"  with {len(subs)} sub-codes" if self.with_subcodes else "  without its sub-codes", "dim")
        self.query_one("#retrieval-title", Static).update(Text.assemble("Retrieval · ", title))
        n, total = len(self.shown), len(self.passages)
        sources = len({p.coding.source_id for p in self.shown})
        quotes = sum(p.quote for p in self.shown)
        count = plural(n, "passage") if n == total else f"{n:,} of {plural(total, 'passage')}"
        count += f" in {plural(sources, 'source')} · {quotes} {STAR}"
        if self.filter:
            count += f" · filter: {self.filter.describe()}"
        if self.only_quotes:
            count += f" · only {STAR}"
        count += " · Enter shows it in context"
        self.query_one("#retrieval-count", Static).update(lit(count))

    def current(self) -> Retrieved | None:
        listing = self.query_one("#retrieval-list", OptionList)
        if listing.highlighted is None:
            return None
        option_id = listing.get_option_at_index(listing.highlighted).id
        if option_id == MORE:
            return None
        coding_id = int(option_id or 0)
        return next((p for p in self.shown if p.coding.id == coding_id), None)

    # -- actions ------------------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#retrieval-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == MORE:  # the next page: listing thousands at once takes seconds (issue 21)
            last = self.shown[min(self.listed, len(self.shown)) - 1].coding.id
            self.listed += PAGE
            self.redraw(keep=last)
            return
        coding_id = int(event.option.id or 0)
        passage = next(p for p in self.shown if p.coding.id == coding_id)
        self.dismiss(JumpTo(passage.coding.source_id, passage.coding.start, passage.coding.end))

    def action_quote(self) -> None:
        passage = self.current()
        if passage is None:
            return
        editing.mark_quote(self.project, passage.coding.id, not passage.quote, self.coder)
        passage.quote = not passage.quote
        self.redraw(keep=passage.coding.id)
        self.app.saved(f"{STAR} marked as a quote" if passage.quote else "quote mark removed")

    def action_children(self) -> None:
        self.with_subcodes = not self.with_subcodes
        self.load()

    def action_only_quotes(self) -> None:
        self.only_quotes = not self.only_quotes
        self.redraw()

    def action_filter(self) -> None:
        self.query_one("#retrieval-filter", Input).focus()

    @on(Input.Changed, "#retrieval-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        try:
            self.filter = parse_filter(event.value)
        except ValueError as error:
            event.input.border_subtitle = lit(str(error))
            return
        self.redraw()

    @on(Input.Submitted, "#retrieval-filter")
    def _filter_done(self) -> None:
        self.query_one("#retrieval-list", OptionList).focus()

    def action_choose_code(self) -> None:
        def done(picked: Picked | None) -> None:
            if picked is not None and picked.code_id:
                self.code_id = picked.code_id
                self.load()

        self.app.push_screen(CodePicker(list(self.codes.values()), "Retrieve the passages of…", allow_new=False), done)

    def action_memo(self) -> None:
        passage = self.current()
        if passage is None:
            return
        old = self.project.memo("coding", passage.coding.id)

        def done(text: str | None) -> None:
            if text is not None:
                editing.write_memo(self.project, "coding", passage.coding.id, text, self.coder)
                self.redraw(keep=passage.coding.id)
                self.app.saved("memo saved" if text.strip() else "memo deleted")

        context = " ".join(passage.text.split())[:160]
        self.app.push_screen(
            MemoEditor(f"Memo on this passage ({passage.source})", old.text if old else "", context), done
        )

    def action_more_like_this(self) -> None:
        """Passages across the project most like the highlighted one that the retrieved code is not applied to."""
        from coder.tui.screens.similar import SimilarDone, open_similar

        passage = self.current()
        if passage is None:
            return
        c = passage.coding

        def done(result: SimilarDone | None) -> None:
            if result is not None and result.coded:
                self.load()  # the passages coded there are passages of this code now
            if result is not None and result.place is not None:
                self.dismiss(result.place)

        open_similar(self, self.project, self.coder, self.code_id, (c.source_id, c.start, c.end), done)

    def action_report_text(self) -> None:
        from coder.tui.screens.report_text import ReportTextEditor, ReportTextResult

        passage = self.current()
        if passage is None:
            return
        coding_id = passage.coding.id

        def done(result: ReportTextResult | None) -> None:
            if result is None:
                return
            changed = quotes.set_report_text(self.project, coding_id, result.text, self.coder)
            self.redraw(keep=coding_id)
            if changed:
                kept = quotes.report_text(self.project, coding_id) is not None
                self.app.saved("report text saved" if kept else "report text removed")

        where = " · ".join(p for p in (passage.source, passage.speaker or passage.case or "") if p)
        self.app.push_screen(
            ReportTextEditor(
                f"Report text · {where}",
                quotes.original_text(self.project, coding_id),
                quotes.proposal(self.project, coding_id),
                quotes.report_text(self.project, coding_id),
            ),
            done,
        )

    def action_clean_up(self) -> None:
        from coder.tui.screens.cleanup_review import CleanupReview, ReviewDone, review_title, to_review

        items = to_review(self.project, self.shown)
        if not items:
            self.app.notify("Nothing to clean up: every passage shown has a report text or nothing to cut", timeout=5)
            return
        code = self.codes.get(self.code_id)

        def done(result: ReviewDone | None) -> None:
            self.redraw()
            if result is not None and result.decisions:
                self.app.saved(f"cleanup review: {result.describe()}")

        title = review_title(code.label if code else self.code_id, len(items))
        self.app.push_screen(CleanupReview(self.project, self.coder, items, title), done)

    def action_export(self) -> None:
        if not self.shown:
            self.app.notify("Nothing to export: no passages are shown", severity="warning")
            return
        folder = self.project.path.parent
        default = folder / f"{self.code_id}.docx"

        def done(value: str | None) -> None:
            if value is None or not value.strip():
                return
            target = Path(value.strip()).expanduser()
            target = target if target.is_absolute() else folder / target
            self.export_to(target)

        self.app.push_screen(
            Prompt(
                f"Export the {plural(len(self.shown), 'passage')} shown as quotes",
                str(default),
                hint="the suffix says the format: .docx .md .csv .xlsx · the report text is used where there is one",
            ),
            done,
        )

    def export_to(self, target: Path) -> None:
        """Write the passages shown as quotes to ``target``, with the anonymisation guard, in a worker."""
        from coder.export.quotes import format_of

        try:
            format_of(target)
        except CoderError as error:
            self.app.notify(str(error), title="Could not export", severity="error", timeout=8)
            return
        app, path = self.app, self.project.path
        ids = [p.coding.id for p in self.shown]
        code_id, subcodes = self.code_id, self.with_subcodes
        chosen = [f"filter {self.filter.describe()}"] if self.filter else []
        chosen += ["bare sitater markert ★"] if self.only_quotes else []
        shown_as = ", ".join(chosen) or "alle passasjene"
        loader = getattr(app, "nlp_loader", None)
        app.notify(f"Exporting {plural(len(ids), 'passage')} to {target.name} …", timeout=3)

        def work() -> None:
            from coder.export import guard
            from coder.export.quotes import collect, write

            try:
                with open_project(path) as project:
                    result = collect(project, [code_id], with_subcodes=subcodes, coding_ids=ids, shown_as=shown_as)
                    if loader is None:
                        from coder.nlp.loading import load_pipeline as loader_
                    else:
                        loader_ = loader
                    loaded = loader_(project.setting("nlp_model"))
                    flags = guard.unreviewed(project, result.quotes, getattr(loaded, "nlp", loaded))
                    write(result, target)
            except (CoderError, OSError, ValueError) as error:
                app.call_from_thread(app.notify, str(error), title="Could not export", severity="error", timeout=8)
                return
            n = len(result.quotes)
            app.call_from_thread(app.notify, f"Wrote {plural(n, 'quote')} to {target}", timeout=6)
            if flags:
                lines = "\n".join(guard.describe(flags)[:6])
                more = f"\n… and {len(flags) - 6} more" if len(flags) > 6 else ""
                app.call_from_thread(
                    app.notify,
                    f"{lines}{more}\nDecide on them in the anonymisation check (A).",
                    title="Identifiers not yet reviewed in the quotes",
                    severity="warning",
                    timeout=15,
                )

        self.run_worker(work, thread=True, exclusive=True, group="quote-export", exit_on_error=False)

    def action_close(self) -> None:
        if isinstance(self.focused, Input) and self.focused.value:
            self.focused.value = ""
            self.query_one("#retrieval-list", OptionList).focus()
            return
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letters typed into the filter are text, not commands."""
        if action not in ("close",) and isinstance(self.focused, Input):
            return False
        return True
