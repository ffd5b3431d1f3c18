"""Service functions for quotes: the report text of a coded passage, proposed, set and cleared.

The TUI's report-text dialog and scripts call these; each change is one undoable action. The original
wording stays in the source; the report text is what an export prints (see :mod:`coder.export`).
"""

from __future__ import annotations

from coder.export.report_text import Proposal, passage_edges, propose
from coder.store import Project


def report_text(project: Project, coding_id: int) -> str | None:
    """The passage's report text, or None when the export prints the original."""
    return project.report_text(coding_id)


def original_text(project: Project, coding_id: int) -> str:
    coding = project.coding(coding_id)
    return project.source_text(coding.source_id)[coding.start : coding.end]


def proposal(project: Project, coding_id: int) -> Proposal:
    """What the cleanup assist proposes for the passage, knowing whether it is cut out of a sentence."""
    coding = project.coding(coding_id)
    text = project.source_text(coding.source_id)
    start, end = coding.start, coding.end
    seg_start, seg_end = _segment_bounds(project, coding.source_id, start, end, len(text))
    before, words, after = text[seg_start:start], text[start:end], text[end:seg_end]
    mid_start, mid_end = passage_edges(before, words, after)
    return propose(words, mid_start=mid_start, mid_end=mid_end)


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
