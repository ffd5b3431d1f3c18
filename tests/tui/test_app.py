"""The coding screen driven as a person would: keys in, then what the project file holds."""

from __future__ import annotations

from coder.coding import service as editing
from coder.store import Project
from coder.tui.app import CoderApp
from coder.tui.screens.dialogs import Confirm, MemoEditor
from coder.tui.screens.help import HelpScreen
from coder.tui.screens.picker import CodePicker
from coder.tui.widgets.reader import Reader
from tests.tui.pilot import codings, drive, keys, turn_text


def test_select_a_segment_and_code_it_with_a_number(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "1")
        return app.sub_title

    status = drive(project_path, script)
    assert codings(project_path) == [("kapasitet", turn_text(project_path, 1))]
    assert status.startswith("saved") and "Kapasitet" in status


def test_extend_over_segments_then_code(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "shift+down", "shift+down", "2")

    drive(project_path, script)
    [(code, text)] = codings(project_path)
    assert code == "mandat"
    assert text.startswith(turn_text(project_path, 1)) and text.endswith(turn_text(project_path, 3))


def test_exact_span_by_words(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "s", "right", "shift+right", "shift+right", "1")

    drive(project_path, script)
    words = turn_text(project_path, 1).split()
    assert codings(project_path) == [("kapasitet", " ".join(words[1:4]))]


def test_mouse_drag_selects_a_span(project_path):
    async def script(app, pilot):
        reader = app.screen.query_one(Reader)
        gutter = reader._geometry()[0]
        await pilot.mouse_down(reader, offset=(gutter + 1, 0))
        await pilot.hover(reader, offset=(gutter + 12, 0))
        await pilot.mouse_up(reader, offset=(gutter + 12, 0))
        await pilot.pause()
        await keys(pilot, "1")
        return reader.selection()

    drive(project_path, script)
    [(code, text)] = codings(project_path)
    assert code == "kapasitet" and turn_text(project_path, 0).startswith(text) and len(text.split()) >= 2


def test_picker_finds_a_code_despite_a_typo(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "c")
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"kompetanselft")
        await keys(pilot, "enter")

    drive(project_path, script)
    assert [c for c, _ in codings(project_path)] == ["kompetanseloftet"]


def test_picker_creates_a_new_code_under_the_selected_one(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "c")
        await pilot.press(*"Foreldremøter")
        await keys(pilot, "enter")

    drive(project_path, script)
    with Project.open(project_path) as project:
        code = project.code("foreldremoter")
        assert code.label == "Foreldremøter" and code.parent == "kapasitet"  # the code selected in the panel
    assert [c for c, _ in codings(project_path)] == ["foreldremoter"]


def test_in_vivo(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "s", "shift+right", "v")

    drive(project_path, script)
    words = turn_text(project_path, 1).split()
    [(code, text)] = codings(project_path)
    assert text == " ".join(words[:2])
    with Project.open(project_path) as project:
        assert project.code(code).label == text.strip(" ,.")


def test_memo_on_a_coding_and_remove_coding(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "1", "m")
        assert isinstance(app.screen, MemoEditor)
        await pilot.press(*"Godt sitat")
        await keys(pilot, "escape")
        await keys(pilot, "m")
        text = app.screen.query_one("#memo-text").text
        await keys(pilot, "escape")
        return text

    assert drive(project_path, script) == "Godt sitat"
    with Project.open(project_path) as project:
        [coding] = project.codings()
        assert project.memo("coding", coding.id).text == "Godt sitat"


def test_undo_and_redo_survive_a_restart(project_path):
    async def code(app, pilot):
        await keys(pilot, "j", "1", "j", "2")

    drive(project_path, code)
    assert len(codings(project_path)) == 2

    async def undo(app, pilot):
        await keys(pilot, "u")
        return app.sub_title

    assert "undone: coded 1 passage as Mandat" in drive(project_path, undo)
    assert [c for c, _ in codings(project_path)] == ["kapasitet"]

    async def redo(app, pilot):
        await keys(pilot, "ctrl+r")

    drive(project_path, redo)
    assert sorted(c for c, _ in codings(project_path)) == ["kapasitet", "mandat"]


def test_overlapping_codings_cycle_and_grow(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "1", "s", "right", "2", "escape")
        reader = app.screen.query_one(Reader)
        first = reader.focused_coding().code_id
        await keys(pilot, "o")
        second = reader.focused_coding().code_id
        await keys(pilot, "alt+right")  # grow the focused coding by a word
        return first, second

    first, second = drive(project_path, script)
    assert {first, second} == {"kapasitet", "mandat"}


def test_grow_and_shrink_a_coding_by_a_word(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "s", "right", "1", "right_square_bracket", "right_square_bracket")
        await keys(pilot, "left_square_bracket")

    drive(project_path, script)
    words = turn_text(project_path, 1).split()
    assert codings(project_path) == [("kapasitet", " ".join(words[1:3]))]


def test_codebook_merge_and_delete_with_confirm(project_path):
    with Project.open(project_path) as project:
        source = project.sources()[0]
        segs = project.segments(source.id)
        editing.code_spans(project, [(source.id, segs[1].start, segs[1].end)], "ventetid", "t")
        editing.code_spans(project, [(source.id, segs[3].start, segs[3].end)], "bemanning", "t")

    async def script(app, pilot):
        tree = app.screen.query_one("#code-tree")
        tree.focus()
        await keys(pilot, "down")  # Ventetid
        assert app.screen.codebook_panel.selected == "ventetid"
        await keys(pilot, "g")
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"bemanning")
        await keys(pilot, "enter")
        selected = app.screen.codebook_panel.selected
        await keys(pilot, "x")
        assert isinstance(app.screen, Confirm)
        question = str(app.screen.question)
        await keys(pilot, "y")
        return selected, question

    selected, question = drive(project_path, script)
    assert selected == "bemanning"
    assert "Bemanning og fravær" in question and "2 codings" in question
    assert codings(project_path) == []
    with Project.open(project_path) as project:
        ids = {c.id for c in project.codebook().codes}
        assert "ventetid" not in ids and "bemanning" not in ids


def test_new_rename_and_pin_in_the_codebook(project_path):
    async def script(app, pilot):
        app.screen.query_one("#code-tree").focus()
        await keys(pilot, "N")
        await pilot.press(*"Økonomi")
        await keys(pilot, "enter")
        await keys(pilot, "e", "ctrl+u")
        await pilot.press(*"Økonomi og budsjett")
        await keys(pilot, "enter", "p")
        return editing.quick_codes(app.project)

    quick = drive(project_path, script)
    with Project.open(project_path) as project:
        assert project.code("okonomi").label == "Økonomi og budsjett" and project.code("okonomi").parent is None
        assert "okonomi" in editing.pinned(project)
    assert "okonomi" in quick


def test_help_lists_every_key_and_errors_are_notifications(project_path):
    async def script(app, pilot):
        await keys(pilot, "delete")  # no coding here: a notification, no crash
        notes = [n.message for n in app._notifications]
        await keys(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await keys(pilot, "escape")
        return notes

    notes = drive(project_path, script)
    assert any("No coding here" in n for n in notes)


def test_a_second_open_works_beside_the_first(project_path):
    """Issue 20: two coding screens on one project (tests/tui/test_team_live.py has the whole story)."""

    async def script(app, pilot):
        other = CoderApp(project_path, coder="other")
        assert other.project.stats() == app.project.stats()
        other.work.close()

    drive(project_path, script)


def test_resize_from_80x24_to_200x60(project_path):
    async def script(app, pilot):
        await keys(pilot, "j", "1")
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        reader = app.screen.query_one(Reader)
        wide = reader._geometry()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        return wide, reader._geometry()

    wide, narrow = drive(project_path, script)
    assert wide[1] > narrow[1] and wide[2] > narrow[2]  # more text and a labelled margin when wide


def test_every_palette_command_names_a_real_action(project_path):
    from coder.tui.commands import COMMANDS

    async def script(app, pilot):
        missing = []
        for name, _, action in COMMANDS:
            target, method = action.split(".", 1)
            owner = app if target == "app" else app.screen
            if not callable(getattr(owner, f"action_{method}", None)):
                missing.append(name)
        await keys(pilot, "ctrl+p")
        await pilot.press(*"retrieve")
        await keys(pilot, "enter")
        return missing, type(app.screen).__name__, [n.message for n in app._notifications]

    missing, screen, notes = drive(project_path, script)
    assert missing == []
    assert screen == "RetrievalScreen", notes  # the codebook's first code is selected at start


def test_import_a_survey_from_the_palette(project_path, tmp_path):
    from coder.tui.screens.survey_import import SurveyImportScreen

    csv = tmp_path / "skoleledere.csv"
    csv.write_bytes(
        "id;skoleslag;fylke;hva_fungerer\n"
        "S1;Barneskole;Agder;Rask respons fra PPT når vi ringer\n"
        "S2;Ungdomsskole;Agder;Vi savner mer veiledning i klasserommet\n"
        "S3;Barneskole;Nordland;Samarbeidsmøtene hver måned fungerer godt\n".encode("cp1252")
    )

    async def script(app, pilot):
        await keys(pilot, "ctrl+p")
        await pilot.press(*"import a survey")
        await keys(pilot, "enter")
        await pilot.press(*str(csv))
        await keys(pilot, "enter")
        await app.workers.wait_for_complete()  # the table is read in a worker, off the UI thread
        await pilot.pause()
        assert isinstance(app.screen, SurveyImportScreen)
        guessed = dict(app.screen.roles)
        await keys(pilot, "down", "down", "minus")  # fylke: not wanted
        await keys(pilot, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        return guessed, [n.message for n in app._notifications]

    guessed, notes = drive(project_path, script)
    assert guessed == {"id": "id", "skoleslag": "attribute", "fylke": "attribute", "hva_fungerer": "question"}
    assert any("3 answers from 3 respondents" in n for n in notes), notes
    with Project.open(project_path) as project:
        source = next(s for s in project.sources() if s.name == "skoleledere: hva_fungerer")
        cases = {c.name: c.attributes for c in project.cases()}
        assert [s.case for s in project.segments(source.id)] == ["S1", "S2", "S3"]
        assert set(cases["S2"]) == {"skoleslag"} and cases["S2"]["skoleslag"].value == "Ungdomsskole"
        assert "Vi savner mer veiledning" in project.source_text(source.id)


def test_the_survey_table_is_read_off_the_ui_thread(project_path, tmp_path, monkeypatch):
    import threading

    from coder.ingest import survey

    csv = tmp_path / "svar.csv"
    csv.write_text("id;svar\nR1;Lang ventetid\nR2;Godt samarbeid\n", encoding="utf-8")
    threads = []
    real = survey.read_table

    def read_table(path):
        threads.append(threading.current_thread())
        return real(path)

    monkeypatch.setattr(survey, "read_table", read_table)

    async def script(app, pilot):
        app._survey(csv)
        await app.workers.wait_for_complete()
        await pilot.pause()
        return type(app.screen).__name__

    assert drive(project_path, script) == "SurveyImportScreen"
    assert threads and threads[0] is not threading.main_thread()


def test_a_broken_survey_file_is_a_notification(project_path, tmp_path):
    bad = tmp_path / "tom.csv"
    bad.write_bytes(b"")

    async def script(app, pilot):
        app.action_import_survey()
        await pilot.pause()
        await pilot.press(*str(bad))
        await keys(pilot, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        return type(app.screen).__name__, [n.message for n in app._notifications]

    screen, notes = drive(project_path, script)
    assert screen == "MainScreen"
    assert any("tom.csv" in n for n in notes), notes


def test_a_notification_shows_user_text_as_text(project_path):
    """A code label like «[red]Viktig[/]» is text in a notification, never a style."""

    async def script(app, pilot):
        editing.new_code(app.project, "[red]Viktig[/]", None, "test")
        app.notify("added the code [red]Viktig[/]")
        await pilot.pause()
        return [(n.message, n.markup) for n in app._notifications]

    assert drive(project_path, script) == [("added the code [red]Viktig[/]", False)]
