"""Filtering a survey question's answers by its respondents' attributes (issue 21): start-up reads only the sources'
own cases, the respondents are read by a worker after the first paint, and a filter gives the same answers whether it
is typed before that worker is done or after; the cursor stays on its answer when that answer still passes."""

from __future__ import annotations

from coder.codebook.files import load_codebook
from coder.ingest.service import import_survey
from coder.store import Project
from coder.tui.screens.survey_filter import READ_AFTER
from tests.conftest import REPO, write
from tests.tui.pilot import drive, keys

KINDS = ["Kommunal", "Interkommunal", "Fylkeskommunal"]


def _project(folder):
    rows = ["id;tjenestetype;svar"]
    for n in range(90):
        what = "ventetiden er lang" if n % 2 else "samarbeidet med skolene er godt"
        rows.append(f"R{n};{KINDS[n % 3]};Svar {n}: {what}.")
    csv = write(folder / "svar.csv", "\n".join(rows) + "\n")
    with Project.create(folder / "p.coder") as project:
        with project.transaction():
            project.merge_codebook(load_codebook(REPO / "codebooks" / "ppt.yaml"))
        import_survey(project, csv, "id", ["svar"], ["tjenestetype"], coder="test")
    return folder / "p.coder"


def _filtered(main, typed: str) -> list[int]:
    from coder.filters import parse_filter
    from coder.tui.widgets.sources import SourcesPanel

    main._filter(SourcesPanel.FilterChanged(parse_filter(typed)))
    return list(main.reader.only or [])


def test_a_filter_before_and_after_the_respondents_are_read_gives_the_same_answers(tmp_path, monkeypatch):
    import threading

    path = _project(tmp_path)
    readers: list[bool] = []  # for each read of every case: whether it ran on the app's own thread
    real = Project.cases
    monkeypatch.setattr(
        Project,
        "cases",
        lambda self: (readers.append(threading.current_thread() is threading.main_thread()), real(self))[1],
    )

    async def script(app, pilot):
        main = app.screen
        await pilot.pause(READ_AFTER + 0.2)
        await app.workers.wait_for_complete()
        at_start = readers == [False]  # read once, by a worker after the first paint, never on the app's thread
        question = next(s for s in main.project.sources() if s.kind == "survey")
        main.open_source(question.id)
        main.reader.focus()
        before = _filtered(main, "tjen=fylke vent")
        await pilot.pause(0.3)
        main._respondents = None  # as if the worker had not run: the filter reads them itself
        read_here = _filtered(main, "tjen=fylke vent")
        main.forget_respondents(True)
        await pilot.pause(READ_AFTER + 0.2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        by_worker = main._respondents is not None
        after = _filtered(main, "tjen=fylke vent")
        await keys(pilot, "j", "j")
        on = main.reader.cursor
        wider = _filtered(main, "vent")  # a wider filter: the cursor stays on its answer
        stays = main.reader.cursor == on
        title = str(main.query_one("#reader-pane").border_title)
        return at_start, before, read_here, by_worker, after, stays, wider, title

    at_start, before, read_here, by_worker, after, stays, wider, title = drive(path, script)
    expected = [n for n in range(90) if n % 3 == 2 and n % 2]
    assert at_start and by_worker
    assert before == read_here == after == expected
    assert stays and wider == [n for n in range(90) if n % 2]
    assert "45 of 90 answers (vent)" in title


def test_the_filter_names_a_key_no_respondent_has_once_they_are_read(tmp_path, monkeypatch):
    from coder.tui.screens import survey_filter

    monkeypatch.setattr(survey_filter, "READ_AFTER", 60)  # the test starts the reading itself
    path = _project(tmp_path)

    async def script(app, pilot):
        from coder.tui.widgets.sources import SourcesPanel

        panel = app.screen.query_one(SourcesPanel)
        unknown_before = panel.keys is None  # not read yet: no warning rather than a wrong one
        app.screen._start_reading()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await keys(pilot, "f")
        await pilot.press(*"fylk=x")
        wrong = str(panel.border_subtitle)
        await pilot.press(*["backspace"] * 6, *"tjen=x")
        right = panel.border_subtitle
        return unknown_before, panel.keys, wrong, right

    unknown_before, known, wrong, right = drive(path, script)
    assert unknown_before and known == ["tjenestetype"]
    assert "no attr fylk" in wrong and not right
