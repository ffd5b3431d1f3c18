"""A long survey question is laid out a window of answers at a time around the cursor (issue 21): moving, paging,
jumping to either end, scrolling and filtering reach every answer, the cursor's answer is always the one drawn under
the cursor, and the view holds still when the window moves. Run with a window of 60 answers on 400 (SPAN is 4,000)."""

from __future__ import annotations

import pytest

from coder.tui.reader_layout import Layout
from coder.tui.widgets import reader_window as window
from tests.conftest import survey_project
from tests.tui.pilot import drive, keys, open_question

ANSWERS = [
    f"Svar nummer {n} om {'ventetid' if n % 3 == 0 else 'samarbeid'} med skolene i kommunen." for n in range(400)
]


@pytest.fixture
def small_window(monkeypatch):
    monkeypatch.setattr(window, "SPAN", 60)
    monkeypatch.setattr(window, "MARGIN", 10)


def test_the_window_is_the_slice_of_the_whole_layout():
    text = "\n".join(ANSWERS)
    from coder.model import Segment

    segments, at = [], 0
    for answer in ANSWERS:
        segments.append(Segment(at, at + len(answer)))
        at += len(answer) + 1
    whole = Layout.build(text, segments, 24)
    for visible in (None, list(range(0, 400, 3))):
        order = visible if visible is not None else list(range(400))
        for lo, hi in ((0, 60), (100, 160), (340, 400)):
            part = Layout.build(text, segments, 24, visible, (lo, hi))
            shown = [line for line in part.lines if line.seg >= 0]
            assert [line.seg for line in shown] == [i for i in order[lo:hi] for _ in whole.seg_lines(i)]
            assert all(part.seg_first_line[i] < 0 for i in order[:lo] + order[hi:])
    assert window.around(400, 250) == (0, 400)  # a source of fewer than SPAN is laid out whole


def test_must_move_only_near_an_edge_with_more_beyond(small_window):
    assert window.around(400, 200) == (170, 230)
    assert window.around(400, 5) == (0, 60) and window.around(400, 399) == (340, 400)
    assert not window.must_move((0, 60), 400, 3)  # near the source's own start: nothing beyond
    assert window.must_move((0, 60), 400, 55) and window.must_move((170, 230), 400, 175)
    assert not window.must_move((170, 230), 400, 200) and window.must_move((170, 230), 400, 300)
    assert not window.must_move((0, 60), 50, 45)


def _screen_agrees(reader) -> bool:
    """The cursor's answer is laid out, on screen, and drawn where the layout says."""
    lines = reader.layout_.seg_lines(reader.cursor)
    top = int(reader.scroll_offset.y)
    height = reader.scrollable_content_region.height
    if not lines or not (top <= lines.start < top + height):
        return False
    drawn = "".join(s.text for s in reader.render_line(lines.start - top)._segments)
    seg = reader.shown.segments[reader.cursor]
    first = reader.layout_.lines[lines.start]
    return (
        reader.shown.text[first.start : first.end] in drawn and first.seg == reader.cursor and seg.start == first.start
    )


def test_moving_paging_and_jumping_through_a_windowed_question(tmp_path, small_window):
    survey_project(tmp_path, ANSWERS).close()

    async def script(app, pilot):
        main = await open_question(app, pilot)
        reader = main.reader
        seen = []
        assert len([line for line in reader.layout_.lines if line.seg >= 0 and line.first]) == 60
        for _ in range(50):  # past two edges of the window, a page at a time
            await keys(pilot, "pagedown")
            seen.append((reader.cursor, _screen_agrees(reader)))
        cursors = [c for c, _ in seen]
        assert cursors == sorted(cursors) and cursors[-1] > 120 and all(ok for _, ok in seen)
        before = reader._window
        await keys(pilot, "G")
        end = reader.cursor, reader._window, _screen_agrees(reader)
        await keys(pilot, "k", "k")
        up = reader.cursor, _screen_agrees(reader)
        await keys(pilot, "g")
        start = reader.cursor, reader._window, _screen_agrees(reader)
        return before, end, up, start

    before, end, up, start = drive(tmp_path / "p.coder", script)
    assert before != (0, 60)
    assert end == (399, (340, 400), True) and up == (397, True)
    assert start == (0, (0, 60), True)


def test_scrolling_moves_the_window_and_holds_the_view_still(tmp_path, small_window):
    survey_project(tmp_path, ANSWERS).close()

    async def script(app, pilot):
        main = await open_question(app, pilot)
        reader = main.reader
        tops, still = [], []

        def top() -> int:
            return next(line.seg for line in reader.layout_.lines[int(reader.scroll_offset.y) :] if line.seg >= 0)

        for _ in range(40):  # the wheel: 3 lines a notch, the cursor stays put
            reader.scroll_to(y=reader.scroll_offset.y + 30, animate=False, immediate=True)
            scrolled, window_before = top(), reader._window
            await pilot.pause()
            still.append(scrolled == top() or reader._window == window_before)
            tops.append((top(), reader._window))
        return tops, still

    tops, still = drive(tmp_path / "p.coder", script)
    assert all(still)  # the window moved under a view that stayed on the same answer
    assert [t for t, _ in tops] == sorted(t for t, _ in tops)  # never back, never a jump past answers
    assert len({w for _, w in tops}) > 2 and tops[-1][0] > 200


def test_a_filter_on_a_windowed_question_reaches_its_last_match(tmp_path, small_window):
    survey_project(tmp_path, ANSWERS).close()

    async def script(app, pilot):
        main = await open_question(app, pilot)
        await keys(pilot, "f")
        await pilot.press(*"ventetid", "enter")
        await pilot.pause(0.4)
        reader = main.reader
        reader.focus()  # Enter in the filter goes to the list
        first = reader.cursor, len(reader.only)
        await keys(pilot, "G")
        return first, reader.cursor, _screen_agrees(reader)

    first, last, agrees = drive(tmp_path / "p.coder", script)
    assert first == (0, 134) and last == 399 and agrees


def test_a_respondent_far_down_a_long_question_is_named_in_the_gutter(tmp_path):
    """The gutter's names were worked out from the first 2,000 answers: respondent 2,050 had none."""
    survey_project(tmp_path, [f"Svar {n} om ventetid." for n in range(2_050)]).close()

    async def script(app, pilot):
        main = await open_question(app, pilot)
        await keys(pilot, "G")
        reader = main.reader
        y = reader.layout_.seg_first_line[reader.cursor] - int(reader.scroll_offset.y)
        return "".join(s.text for s in reader.render_line(y)._segments)

    drawn = drive(tmp_path / "p.coder", script)
    assert drawn.lstrip().startswith("R2050") and "Svar 2049" in drawn
