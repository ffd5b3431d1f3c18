"""Service functions for quotes: the report text of a coded passage, proposed, set and cleared.

The TUI's report-text dialog and scripts call these; each change is one undoable action. The original
wording stays in the source; the report text is what an export prints (see :mod:`coder.export`). And the report
chapter (:func:`export_chapter`): quotes, tables and charts for one document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from coder.export.report_text import Proposal, passage_edges, propose
from coder.store import Project

if TYPE_CHECKING:
    from coder.analysis.tables import Table
    from coder.export.chapter import ChapterExport


def report_text(project: Project, coding_id: int) -> str | None:
    """The passage's report text, or None when the export prints the original."""
    return project.report_text(coding_id)


def original_text(project: Project, coding_id: int) -> str:
    coding = project.coding(coding_id)
    return project.source_text(coding.source_id)[coding.start : coding.end]


def proposal(project: Project, coding_id: int, *, capital: bool = False) -> Proposal:
    """What the cleanup assist proposes for the passage, knowing whether it is cut out of a sentence; with
    ``capital``, as ``--clean`` prints it («[…] Ventetiden …»)."""
    coding = project.coding(coding_id)
    text = project.source_text(coding.source_id)
    start, end = coding.start, coding.end
    seg_start, seg_end = _segment_bounds(project, coding.source_id, start, end, len(text))
    before, words, after = text[seg_start:start], text[start:end], text[end:seg_end]
    mid_start, mid_end = passage_edges(before, words, after)
    return propose(words, mid_start=mid_start, mid_end=mid_end, capital=capital)


def _segment_bounds(project: Project, source_id: int, start: int, end: int, length: int) -> tuple[int, int]:
    first, last = 0, length
    for seg in project.segments(source_id):
        if seg.start <= start:
            first = seg.start
        if seg.start < end <= seg.end:
            last = seg.end
            break
    return first, last


def set_report_text(project: Project, coding_id: int, text: str, coder: str) -> bool:
    """Save the report text of a passage (every coding of the same span shares it) as one undoable action.
    A blank text, or the original itself, clears it. Returns whether anything changed."""
    value = text.strip()
    if " ".join(value.split()) == " ".join(original_text(project, coding_id).split()):
        value = ""
    what = "edited the report text" if value else "removed the report text"
    with project.action("report-text", what, coder):
        changed = project.set_report_text(coding_id, value or None)
    return bool(changed)


def keep_as_said(project: Project, coding_id: int, coder: str) -> bool:
    """Save the words as said as the passage's report text (one undoable action), so that ``--clean`` leaves
    the quote as said: a saved report text always wins. Returns whether anything changed."""
    with project.action("report-text", "kept the words as said", coder):
        changed = project.set_report_text(coding_id, " ".join(original_text(project, coding_id).split()))
    return bool(changed)


def clear_report_text(project: Project, coding_id: int, coder: str) -> bool:
    """Forget the report text: the export prints the original again (one undoable action)."""
    return set_report_text(project, coding_id, "", coder)


def set_style(
    project: Project,
    coder: str,
    *,
    attribution: str | None = None,
    chapters: list | None = None,
    clear_attribution: bool = False,
    clear_chapters: bool = False,
) -> None:
    """Set the project's attribution template and chapters (one undoable action)."""
    from coder.export import attribution as attr
    from coder.export import chapters as chap

    with project.action("setting", "changed how quotes are exported", coder):
        if clear_attribution:
            project.put_setting(attr.SETTING, None)
        elif attribution is not None:
            project.put_setting(attr.SETTING, attr.check_template(attribution))
        if clear_chapters:
            project.put_setting(chap.SETTING, None)
        elif chapters is not None:
            project.put_setting(chap.SETTING, chap.to_setting(chapters))


def export_chapter(
    project: Project,
    codes: Sequence[str] = (),
    *,
    by: str | None = None,
    where: Sequence[str] = (),
    only_marked: bool = False,
    chapters: list | None = None,
    template: str | None = None,
    title: str | None = None,
    clean: bool = False,
    charts: bool = True,
) -> ChapterExport:
    """What ``coder export chapter`` writes (:mod:`coder.export.chapter`): the quotes of ``codes`` as the quote
    export chooses them, ★ first under each heading, each code's description, and — with ``by`` an attribute — for
    each code at the top of a heading's tree its attribute table (codes counting their sub-codes, as
    ``coder tables … --subcodes``) and the same shares as a chart."""
    from coder.analysis.charts import chart_data, render
    from coder.analysis.service import TableRequest, build_table, find_attribute
    from coder.analysis.tables import case_noun
    from coder.export.chapter import ChapterExport, Figure, marked_first
    from coder.export.quotes import collect

    export = collect(
        project, list(codes), where=list(where), only_marked=only_marked, chapters=chapters, template=template,
        clean=clean,
    )  # fmt: skip
    book = {c.id: c for c in project.codebook().codes}
    promoted = bool(export.sections) and export.sections[0].level == 1 and export.sections[0].code_id is not None
    if promoted:  # one code: its heading is the chapter's title
        export.sections[0].title = export.title = title or book[export.sections[0].code_id].label
    else:
        labels = [book[c].label for c in codes if c in book]
        export.title = title or (_join(labels) if labels else "Funn")
    marked_first(export)
    chapter = ChapterExport(export, {c.id: c.description for c in book.values() if c.description.strip()})
    if not by:
        return chapter
    key = find_attribute(project, by)
    table = build_table(project, TableRequest("attribute", key, where=" ".join(where), subcodes=True))
    noun = case_noun({s.kind for s in project.sources()}).lower()
    in_document = {s.code_id for s in export.sections if s.code_id}
    colours = {c.id: c.colour for c in book.values()}
    for section in export.sections:
        code = section.code_id
        if code is None or book[code].parent in in_document:
            continue
        part = _subtree(table, code)
        has_sub = len(part.rows) > 1
        label = book[code].label
        sub = " med underkoder" if has_sub else ""
        table_caption = f"{label}{sub} etter {key}. Andel {noun} i hver gruppe, prosent (antall)"
        chart_caption = (
            f"Andel {noun} i hver gruppe som er kodet med {label}{' og underkodene' if has_sub else ''}, etter {key}"
        )
        png = None
        if charts:
            png = render(chart_data(part, [r.code_id for r in part.rows if r.code_id], colours=colours, measure=noun))
        chapter.figures[code] = Figure(part, table_caption, png, chart_caption)
    return chapter


def _subtree(table: Table, code: str) -> Table:
    """The rows of ``code`` and the sub-codes under it (depth from 0), the notes kept."""
    from coder.analysis.tables import Table

    rows = []
    for row in table.rows:
        if rows and row.depth <= rows[0].depth:
            break
        if rows or row.code_id == code:
            rows.append(row)
    top = rows[0].depth if rows else 0
    rows = [replace(r, depth=r.depth - top) for r in rows]
    return Table(table.kind, table.title, table.columns, rows, list(table.notes), table.label_title)


def _join(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " og " + labels[-1]
