"""Code suggestions in the TUI: the "Suggested" panel under the code tree, how a suggestion is described (the
review queue uses the same words), and the background jobs that build and retrain the engine.

The panel shows the suggestions for the segment under the reader's cursor, best first: ``▸■ Kapasitet .84``,
bold when the score is at or above the code's threshold, dim below it; under the list, why the highlighted one
is suggested (the matched words and how they matched, the rule and learned scores) and the segments already
coded with that code that are most like this one. The main screen computes nothing here: it hands the panel a
:class:`~coder.suggest.service.Suggester` and the segment, and asks which words to mark in the reader.

The jobs (:func:`build`, :func:`train`) run in thread workers of the app, each on a project connection of its
own (sqlite connections never cross threads); they post :class:`Suggestions` messages and the app owns the state.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.message import Message
from textual.widget import Widget

from coder.model import Code, SegmentText, is_interviewer, plain
from coder.project.service import open_project
from coder.suggest.evidence import CodeScore, Match
from coder.tui import literal
from coder.tui.shorten import distinct

if TYPE_CHECKING:
    from coder.store import Project

#: suggestions scored below this (and below their threshold) are not listed: the engine is sure they are wrong
#: (the review queue's band, coder.suggest.service.QUEUE_BAND)
FLOOR = 0.05

if TYPE_CHECKING:  # coder.suggest.service imports spaCy (half a second): the jobs import it, off the UI thread
    from coder.suggest.service import Suggester, TrainReport


# -- the background jobs --------------------------------------------------------------------------------------
class Suggestions:
    """What the suggestion jobs tell the app."""

    class Ready(Message):
        """The engine is built (the compound lexicon loaded, the saved model read)."""

        def __init__(self, suggester: Suggester) -> None:
            super().__init__()
            self.suggester = suggester

    class Retrained(Message):
        """The learned layer was trained on the project's decisions, saved, and the engine reloaded."""

        def __init__(self, report: TrainReport) -> None:
            super().__init__()
            self.report = report

    class Reloaded(Message):
        """The engine read the codebook again (after an edit of codes or keywords)."""

    class Counted(Message):
        """``n`` suggestions with ``codes`` codes are at or above their threshold in a source."""

        def __init__(self, source_id: int, title: str, n: int, codes: int) -> None:
            super().__init__()
            self.source_id, self.title, self.n, self.codes = source_id, title, n, codes

    class AcceptedAll(Message):
        def __init__(self, title: str, n: int) -> None:
            super().__init__()
            self.title, self.n = title, n


def build(path: Path) -> Suggester:
    """The worker's body: the engine for the project at ``path``, with the compound splitter's lexicon loaded."""
    from coder.nlp.annotate import splitter
    from coder.suggest.service import Suggester

    split = splitter()
    if split is not None:
        split.lexicon  # noqa: B018 — load it here, off the UI thread
    with open_project(path) as project:
        return Suggester(project, split)


def train(path: Path, suggester: Suggester) -> TrainReport:
    """The worker's body: retrain on the project's decisions, save the model, and swap it into ``suggester``
    (its reload holds the engine's lock, so the UI thread sees the old engine or the new one, never half)."""
    from coder.suggest.service import retrain

    with open_project(path) as project:
        report = retrain(project, suggester.splitter)
        suggester.reload(project)
    return report


def reload(path: Path, suggester: Suggester) -> None:
    with open_project(path) as project:
        suggester.reload(project)


def warm(path: Path, suggester: Suggester) -> None:
    """Compute the features of the coded segments, so the panel's first «similar» for a code is quick."""
    with open_project(path) as project:
        suggester.warm(project)


def count_above(path: Path, suggester: Suggester, source_id: int) -> tuple[int, int]:
    """How many suggestions in a source are at or above their code's threshold, and of how many codes."""
    from coder.suggest.service import above_threshold

    with open_project(path) as project:
        chosen = [s for _, s in above_threshold(project, suggester, source_id)]
    return len(chosen), len({s.code_id for s in chosen})


def accept_above(path: Path, suggester: Suggester, source_id: int, coder: str) -> int:
    """Accept them, as one undoable action (coder.suggest.service.accept_all_above)."""
    from coder.suggest.service import accept_all_above

    with open_project(path) as project:
        return accept_all_above(project, suggester, source_id, coder)


def retrained_note(report: TrainReport) -> str:
    """'suggestions retrained on 240 decisions: 9 codes learned, 5 on keywords'."""
    learned = len(report.known)
    rules = len(report.fallback)
    return (
        f"suggestions retrained on {plural(report.decisions, 'decision')}: "
        f"{plural(learned, 'code')} learned, {rules} on keywords"
    )


# -- describing a suggestion ------------------------------------------------------------------------------------
def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def score_text(value: float | None) -> str:
    """0.91 → '.91', 1.0 → '1.0', None → '–'."""
    if value is None:
        return "–"
    return "1.0" if value >= 0.995 else f"{value:.2f}"[1:]


def colour_of(code: Code | None) -> str:
    """The code's colour for a style; white when it has none, or none that is a colour (coder.tui.literal)."""
    return literal.colour(code.colour if code is not None else None)


def matched_words(text: str, matches: Sequence[Match]) -> list[str]:
    """Each distinct matched word once, in the order of the text."""
    seen: list[str] = []
    for m in sorted(matches, key=lambda m: m.start):
        word = " ".join(text[m.start : m.end].split())
        if word and word.lower() not in {w.lower() for w in seen}:
            seen.append(word)
    return seen


def evidence_words(text: str, matches: Sequence[Match]) -> str:
    """«henvisningene, tidspress…» — the matched words as the list line shows them."""
    return ", ".join(matched_words(text, matches))


def why(text: str, score: CodeScore, colour: str) -> Text:
    """The matched words, each with how it matched: ``tidspress (compound: press), kappasitet (fuzzy)``."""
    out = Text()
    seen: set[tuple[str, str]] = set()
    for m in sorted(score.matches, key=lambda m: m.start):
        word = " ".join(text[m.start : m.end].split())
        if (word.lower(), m.kind) in seen:
            continue
        seen.add((word.lower(), m.kind))
        if out:
            out.append(", ")
        out.append(word, f"bold {colour}")
        how = m.kind
        if m.kind in ("compound", "modifier", "derived", "fuzzy", "phrase") and m.term.lower() != word.lower():
            how += f": {plain(m.term)}"
        out.append(f" ({how})", "dim")
    if not out:
        out.append("no keyword here: the learned layer's guess" if score.learned is not None else "", "dim")
    return out


def scores_line(score: CodeScore) -> Text:
    """How the one score follows from its parts: ``.60 = rule .60 · meaning +1.4 · threshold .40`` before any
    calibration (the rules decide; the meaning only ranks), ``.20 ← rule .60, learned –, meaning +1.4 · threshold
    .19`` once a calibration fitted on the decisions weighs them (``learned –``: too few decisions on this code)."""
    line = Text()
    line.append(score_text(score.score), "bold")
    if score.asked:  # not the engine's: a theme's answer, scored by how typical it is of the theme
        line.append(" = ", "dim")
        line.append(score.asked)
        return line
    line.append(" ← " if score.calibrated else " = ", "dim")
    line.append(f"rule {score_text(score.rule)}")
    if score.calibrated:
        line.append(", ", "dim")
        line.append(f"learned {score_text(score.learned)}")
    if score.semantic is not None:
        line.append(", " if score.calibrated else " · ", "dim")
        line.append(f"meaning {score.semantic:+.1f}")
        if not score.calibrated:
            line.append(" (ranks)", "dim")
    line.append(" · ", "dim")
    line.append(f"threshold {score_text(score.threshold)}", "dim")
    return line


def snippet(text: str, width: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def similar_texts(project: Project, suggester: Suggester, segment: SegmentText, code_id: str) -> list[SegmentText]:
    """The segments already coded with ``code_id`` most like ``segment``, most similar first."""
    found = suggester.similar(project, segment, code_id)
    by_id = {s.id: s for s in project.segment_texts([s for s, _ in found])}
    return [by_id[s] for s, _ in found if s in by_id]


# -- the panel --------------------------------------------------------------------------------------------------
class SuggestionsPanel(Widget):
    """``Suggested``: the codes suggested for the reader's segment, best first, and why the highlighted one is.

    Hidden until the engine is ready. ``a`` accepts the highlighted one, ``x`` rejects it, ``;`` or
    ``ctrl+↓↑`` move the highlight (bindings of the main screen).
    """

    COMPONENT_CLASSES = {"suggestions--highlight", "suggestions--weak", "suggestions--note"}

    DEFAULT_CSS = """
    SuggestionsPanel {
        height: auto; display: none; padding: 0 0 0 1;
        border-top: solid $panel-lighten-2; border-title-color: $text-muted; border-title-align: left;
    }
    SuggestionsPanel.-on { display: block; }
    SuggestionsPanel > .suggestions--highlight { background: $accent 30%; }
    SuggestionsPanel > .suggestions--weak { color: $text-muted; }
    SuggestionsPanel > .suggestions--note { color: $text-muted; text-style: italic; }
    """

    #: (suggestions listed, lines of why, similar segments) on a short screen and on a tall one
    SHORT = (3, 3, 1)
    TALL = (6, 4, 3)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scores: list[CodeScore] = []
        self.codes: dict[str, Code] = {}
        self.segment: SegmentText | None = None
        self.index = 0
        self.similar: list[SegmentText] = []
        self.note = ""

    def on_mount(self) -> None:
        self.border_title = "Suggested"

    # -- state ----------------------------------------------------------------------------------------------
    @property
    def highlighted(self) -> CodeScore | None:
        return self.scores[self.index] if self.scores else None

    def turn_on(self) -> None:
        self.add_class("-on")

    def show_for(
        self, project: Project, suggester: Suggester, segment: SegmentText | None, codes: dict[str, Code]
    ) -> None:
        """Score ``segment`` (None: nothing to show); the highlight stays on its code if it is still suggested,
        else on the same place in the list."""
        keep = self.highlighted.code_id if self.highlighted and segment and self.segment == segment else None
        same = self.segment is not None and segment is not None and self.segment.id == segment.id
        self.codes = codes
        self.segment = segment
        self.note = ""
        # score_segments, not for_segment: the reader holds the text (a survey question's may be megabytes)
        if segment is not None and is_interviewer(segment.speaker):
            # as in the review queue and accept-all: the interviewer's questions are not what is coded
            scores, self.note = [], "interviewer's turn"
        else:
            scores = suggester.score_segments(project, [segment])[0] if segment is not None else []
        self.scores = [s for s in scores if s.code_id in codes and (s.above or s.score >= FLOOR)]
        ids = [s.code_id for s in self.scores]
        if keep in ids:
            self.index = ids.index(keep)
        elif same:
            self.index = min(self.index, max(len(self.scores) - 1, 0))
        else:
            self.index = 0
        self._find_similar(project, suggester)
        self._update_title()
        self.refresh(layout=True)

    def move(self, step: int, project: Project, suggester: Suggester) -> CodeScore | None:
        """Highlight the next (``step`` 1) or previous (-1) suggestion, round the end of the list."""
        if not self.scores:
            return None
        self.index = (self.index + step) % len(self.scores)
        self._find_similar(project, suggester)
        self._update_title()
        self.refresh(layout=True)
        return self.highlighted

    def evidence(self) -> tuple[list[tuple[int, int]], str | None]:
        """The highlighted suggestion's matched words as spans of the source text, and its code."""
        score, seg = self.highlighted, self.segment
        if score is None or seg is None:
            return [], None
        return [(seg.start + m.start, seg.start + m.end) for m in score.matches], score.code_id

    def _find_similar(self, project: Project, suggester: Suggester) -> None:
        score = self.highlighted
        if score is None or self.segment is None:
            self.similar = []
            return
        self.similar = similar_texts(project, suggester, self.segment, score.code_id)

    def _update_title(self) -> None:
        n = len(self.scores)
        self.border_title = f"Suggested {self.index + 1}/{n}" if n > 1 else "Suggested"

    # -- drawing ----------------------------------------------------------------------------------------------
    def _sizes(self) -> tuple[int, int, int]:
        tall = self.screen.has_class("-tall") if self.is_attached else False
        return self.TALL if tall else self.SHORT

    def render(self) -> Group:
        width = max(self.content_region.width or self.size.width, 10)
        listed, why_lines, similar_lines = self._sizes()
        if self.segment is None or not self.scores:
            message = self.note or ("nothing to suggest here" if self.segment is not None else "no segment")
            return Group(Text(message, self.get_component_rich_style("suggestions--note"), no_wrap=True))
        parts = [self._list(width, listed)]
        score = self.highlighted
        colour = colour_of(self.codes.get(score.code_id))
        reason = why(self.segment.text, score, colour)
        if reason.plain:
            reason.append("  ")
        reason.append_text(scores_line(score))
        lines = reason.wrap(self.app.console, width)
        if len(lines) > why_lines:
            cut = lines[why_lines - 1]
            cut.truncate(width - 1)
            cut.append("…", "dim")
            lines = lines[:why_lines]
            lines[-1] = cut
        parts.append(Text("\n").join(lines))
        for seg in self.similar[:similar_lines]:
            line = Text("≈ ", "dim", no_wrap=True, overflow="ellipsis")
            line.append(f"«{snippet(seg.text, width * 2)}»", "italic")
            line.truncate(width, overflow="ellipsis")
            parts.append(line)
        return Group(*parts)

    def _parent_label(self, code_id: str) -> str | None:
        code = self.codes.get(code_id)
        parent = self.codes.get(code.parent) if code is not None and code.parent else None
        return plain(parent.label) if parent is not None else None

    def _list(self, width: int, listed: int) -> Text:
        start = 0 if self.index < listed else self.index - listed + 1
        shown = self.scores[start : start + listed]
        out = Text(no_wrap=True, overflow="ellipsis")
        weak = self.get_component_rich_style("suggestions--weak")
        mark = self.get_component_rich_style("suggestions--highlight")
        labels = [plain(self.codes[s.code_id].label) if s.code_id in self.codes else s.code_id for s in shown]
        rooms = [max(width - 2 - 2 - len(score_text(s.score)) - 1, 1) for s in shown]
        parents = [self._parent_label(s.code_id) for s in shown]
        names = distinct(labels, rooms, parents)  # shortened, they still tell the codes apart («…skole», «…Statped»)
        for n, score in enumerate(shown, start):
            code = self.codes.get(score.code_id)
            value = score_text(score.score)
            words = evidence_words(self.segment.text, score.matches) if self.segment else ""
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append("▸" if n == self.index else " ", "bold")
            line.append("■ ", colour_of(code))
            room = rooms[n - start]
            name = names[n - start]
            strong = score.above
            line.append(name, "bold" if strong else weak)
            spare = room - len(name)
            if words and spare > 6:
                hint = f" «{words}»"
                if len(hint) > spare:
                    hint = hint[: spare - 2] + "…»"
                line.append(hint, "dim")
                spare -= len(hint)
            line.append(" " * (spare + 1))
            line.append(value, "bold" if strong else weak)
            if n == self.index:
                line.stylize(mark)
            if out:
                out.append("\n")
            out.append_text(line)
        return out


def make_segment(
    segment_id: int, source_id: int, start: int, end: int, text: str, speaker: str | None = None
) -> SegmentText:
    """The engine's view of a reader segment (its text cut from the source text the reader holds)."""
    return SegmentText(segment_id, source_id, start, end, text[start:end], speaker)
