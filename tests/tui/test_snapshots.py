"""Snapshots of the main screens at 80×24 (and the main screen at 160×45).

A changed look fails here; if the change is wanted, look at the report and accept it with
``pytest tests/tui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from coder.coding import service as editing
from coder.store import Project
from coder.tui.app import CoderApp


def seeded(path):
    """A few codings on the first interview, one marked as a quote; no time-stamped status."""
    with Project.open(path) as project:
        source = project.sources()[0]
        segs = project.segments(source.id)
        editing.code_spans(project, [(source.id, segs[1].start, segs[1].end)], "kapasitet", "t")
        editing.code_spans(project, [(source.id, segs[1].start, segs[2].end)], "ventetid", "t")
        (first,) = editing.code_spans(project, [(source.id, segs[3].start, segs[3].end)], "samarbeid_skole", "t")
        editing.mark_quote(project, first, True, "t")
        other = project.sources()[2]
        seg = project.segments(other.id)[1]
        editing.code_spans(project, [(other.id, seg.start, seg.end)], "samarbeid_skole", "t")
    return CoderApp(path, coder="t")


def test_main_screen(project_path, snap_compare):
    assert snap_compare(seeded(project_path), press=["j"], terminal_size=(80, 24))


def test_main_screen_large(project_path, snap_compare):
    assert snap_compare(seeded(project_path), press=["j"], terminal_size=(160, 45))


def test_help(project_path, snap_compare):
    assert snap_compare(seeded(project_path), press=["question_mark"], terminal_size=(80, 24))


def test_picker_with_a_typo(project_path, snap_compare):
    assert snap_compare(seeded(project_path), press=["j", "c", *"samarbied"], terminal_size=(80, 24))


def test_retrieval(project_path, snap_compare):
    async def open_retrieval(pilot) -> None:
        pilot.app.screen.query_one("#code-tree").focus()
        for key in ["down"] * 6 + ["r"]:  # Samarbeid med skolen
            await pilot.press(key)
        await pilot.pause()

    assert snap_compare(seeded(project_path), run_before=open_retrieval, terminal_size=(80, 24))


def test_anonymisation_check(tmp_path, snap_compare):
    from tests.tui.test_check_screen import planted_project, ruler_pipeline

    nlp = ruler_pipeline()

    async def open_check(pilot) -> None:
        await pilot.press("A")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    app = CoderApp(planted_project(tmp_path), coder="t", nlp_loader=lambda setting: nlp)
    assert snap_compare(app, run_before=open_check, terminal_size=(80, 24))
