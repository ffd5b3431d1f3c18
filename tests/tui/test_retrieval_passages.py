"""Retrieval counts passages as a reader would (issue 18, item 9): a sentence coded inside a turn coded with the same
code is one passage, not two, and every count agrees with its noun («1 passage in 1 source»)."""

from __future__ import annotations

from coder.coding import service as editing
from coder.store import Project
from coder.tui.screens.retrieval import RetrievalScreen
from tests.tui.pilot import drive


def _seed(path) -> tuple[str, str]:
    """A new code on one whole turn, the same code on a sentence inside it and on a stretch reaching past its end."""
    with Project.open(path) as project:
        source = next(s for s in project.sources() if s.kind == "transcript")
        first, second = project.segments(source.id)[1:3]
        code = editing.new_code(project, "Nestet", None, "t").id
        text = project.source_text(source.id)
        editing.code_spans(project, [(source.id, first.start, first.end)], code, "t")
        editing.code_spans(project, [(source.id, first.start + 2, first.start + 20)], code, "t")
        editing.code_spans(project, [(source.id, first.end - 5, second.start + 10)], code, "t")
        return code, text[first.start : second.start + 10]


def test_nested_and_overlapping_codings_of_a_code_are_one_passage(project_path):
    code, covered = _seed(project_path)

    async def script(app, pilot):
        app.push_screen(RetrievalScreen(app.project, code, "test"))
        await pilot.pause()
        screen = app.screen
        return [p.text for p in screen.shown], str(screen.query_one("#retrieval-count").render())

    shown, count = drive(project_path, script)
    assert shown == [covered]
    assert count.startswith("1 passage in 1 source ·")
