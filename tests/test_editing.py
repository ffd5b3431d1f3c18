"""User edits as undoable actions: each one transaction, undo/redo also after a restart."""

from __future__ import annotations

import pytest

from coder.codebook.files import load_codebook
from coder.coding import service as editing
from coder.ingest.service import import_files
from coder.store import NothingToDo, Project


@pytest.fixture
def coded(tmp_path, fixtures):
    path = tmp_path / "p.coder"
    with Project.create(path) as project:
        with project.transaction():
            project.merge_codebook(load_codebook(fixtures / "mini-kodebok.yaml"))
        import_files(project, [fixtures / "intervju-kort.txt"])
    project = Project.open(path)
    yield project
    project.close()


def first_turn(project):
    source = project.sources()[0]
    seg = project.segments(source.id)[1]
    return source.id, seg.start, seg.end


def test_code_then_undo_redo_survive_a_restart(coded):
    span = first_turn(coded)
    [coding_id] = editing.code_spans(coded, [span], "kapasitet", "ane")
    assert [c.id for c in coded.codings()] == [coding_id]
    assert coded.undo_label() == "coded 1 passage as Kapasitet"
    path = coded.path
    coded.close()
    with Project.open(path) as again:
        assert editing.undo(again) == "undone: coded 1 passage as Kapasitet"
        assert again.codings() == []
    with Project.open(path) as third:
        assert third.redo_label() == "coded 1 passage as Kapasitet"
        editing.redo(third)
        [coding] = third.codings()
        assert (coding.id, coding.code_id, coding.start) == (coding_id, "kapasitet", span[1])
        with pytest.raises(NothingToDo):
            third.redo()


def test_a_new_action_ends_redo(coded):
    span = first_turn(coded)
    editing.code_spans(coded, [span], "kapasitet", "ane")
    editing.undo(coded)
    editing.code_spans(coded, [span], "ventetid", "ane")
    assert coded.redo_label() is None
    editing.undo(coded)
    assert coded.codings() == []
    with pytest.raises(NothingToDo, match="cannot be undone"):
        coded.undo()  # the import before it is not undoable: undo stops there


def test_coding_the_same_span_twice_adds_nothing(coded):
    span = first_turn(coded)
    editing.code_spans(coded, [span], "kapasitet", "ane")
    assert editing.code_spans(coded, [span], "kapasitet", "ane") == []
    assert len(coded.codings()) == 1
    assert len([a for a in coded.actions() if a["kind"] == "code"]) == 1


def test_recode_resize_uncode_each_undo(coded):
    source_id, start, end = first_turn(coded)
    [cid] = editing.code_spans(coded, [(source_id, start, end)], "kapasitet", "ane")
    editing.recode(coded, cid, "ventetid", "ane")
    editing.resize(coded, cid, start, start + 6, "ane")
    assert (coded.coding(cid).code_id, coded.coding(cid).end) == ("ventetid", start + 6)
    editing.uncode(coded, cid, "ane")
    assert coded.codings() == []
    editing.undo(coded)
    assert coded.coding(cid).end == start + 6
    editing.undo(coded)
    assert coded.coding(cid).end == end
    editing.undo(coded)
    assert coded.coding(cid).code_id == "kapasitet"


def test_memos_on_each_kind_of_target(coded):
    source_id, start, end = first_turn(coded)
    [cid] = editing.code_spans(coded, [(source_id, start, end)], "kapasitet", "ane")
    editing.write_memo(coded, "coding", cid, "Sterkt sitat.", "ane")
    editing.write_memo(coded, "code", "kapasitet", "Bruk for arbeidsmengde.", "ane")
    editing.write_memo(coded, "source", source_id, "Kort intervju.", "ane")
    assert coded.memo("coding", cid).text == "Sterkt sitat."
    editing.write_memo(coded, "coding", cid, "Sterkt sitat, bruk i kap. 4.", "ane")
    editing.undo(coded)
    assert coded.memo("coding", cid).text == "Sterkt sitat."
    editing.write_memo(coded, "coding", cid, "  ", "ane")  # empty: delete
    assert coded.memo("coding", cid) is None
    editing.uncode(coded, cid, "ane")
    editing.undo(coded)
    editing.undo(coded)
    assert coded.memo("coding", cid).text == "Sterkt sitat."


def test_in_vivo_makes_a_code_named_by_the_words(coded):
    source_id, start, end = first_turn(coded)
    text = coded.source_text(source_id)
    at = text.index("tung høst")
    code, cid = editing.code_in_vivo(coded, source_id, at, at + len("tung høst."), "kapasitet", "ane")
    assert (code.label, code.parent, code.id) == ("tung høst", "kapasitet", "tung_host")
    assert coded.coding(cid).code_id == "tung_host"
    editing.undo(coded)  # one action: the code and its coding both go
    assert "tung_host" not in {c.id for c in coded.codebook().codes} and coded.codings() == []


def test_merge_moves_codings_children_and_memo_and_undoes_whole(coded):
    source_id, start, end = first_turn(coded)
    editing.code_spans(coded, [(source_id, start, end)], "ventetid", "ane")
    editing.code_spans(coded, [(source_id, start, end)], "kapasitet", "ane")
    other = coded.segments(source_id)[3]
    editing.code_spans(coded, [(source_id, other.start, other.end)], "ventetid", "ane")
    child = editing.new_code(coded, "Venteliste", "ventetid", "ane")
    editing.write_memo(coded, "code", "ventetid", "Om ventetid.", "ane")
    before = [(c.id, c.code_id) for c in coded.codings()]
    moved = editing.merge_codes(coded, "ventetid", "kapasitet", "ane")
    assert moved == 1  # the other was a double of an existing kapasitet coding
    assert {c.code_id for c in coded.codings()} == {"kapasitet"} and len(coded.codings()) == 2
    assert coded.code(child.id).parent == "kapasitet"
    assert coded.memo("code", "kapasitet").text == "Om ventetid."
    with pytest.raises(KeyError):
        coded.code("ventetid")
    editing.undo(coded)
    assert [(c.id, c.code_id) for c in coded.codings()] == before
    assert coded.code(child.id).parent == "ventetid"
    assert coded.memo("code", "ventetid").text == "Om ventetid."


def test_merge_into_own_subcode_is_refused(coded):
    with pytest.raises(ValueError, match="own sub-codes"):
        editing.merge_codes(coded, "kapasitet", "ventetid", "ane")


def test_delete_code_says_how_many_codings_and_undoes(coded):
    source_id, start, end = first_turn(coded)
    [cid] = editing.code_spans(coded, [(source_id, start, end)], "kapasitet", "ane")
    editing.mark_quote(coded, cid, True, "ane")
    assert coded.quote_marks() == {cid}
    assert editing.delete_code(coded, "kapasitet", "ane") == 1
    assert coded.code("ventetid").parent is None  # the child moved up
    assert coded.codings() == [] and coded.quote_marks() == set()
    assert editing.undo(coded) == "undone: deleted the code Kapasitet and 1 coding"
    assert coded.code("ventetid").parent == "kapasitet"
    assert coded.quote_marks() == {cid}


def test_rename_recolour_move_shift(coded):
    editing.new_code(coded, "Samarbeid", None, "ane")
    editing.rename_code(coded, "samarbeid", "Samarbeid og samhandling", "ane")
    editing.recolour_code(coded, "samarbeid", "#123456", "ane")
    editing.move_code(coded, "samarbeid", "kapasitet", "ane")
    assert coded.code_children("kapasitet") == ["ventetid", "samarbeid"]
    assert editing.shift_code(coded, "samarbeid", -1, "ane")
    assert coded.code_children("kapasitet") == ["samarbeid", "ventetid"]
    code = coded.code("samarbeid")
    assert (code.label, code.colour, code.parent) == ("Samarbeid og samhandling", "#123456", "kapasitet")
    with pytest.raises(ValueError):
        editing.move_code(coded, "kapasitet", "samarbeid", "ane")
    for _ in range(4):
        editing.undo(coded)
    assert coded.code("samarbeid").label == "Samarbeid" and coded.code("samarbeid").parent is None


def test_quick_keys_keep_their_numbers(coded):
    span = first_turn(coded)
    top = [c.id for c in coded.codebook().codes if c.parent is None]
    assert [s for s in editing.quick_codes(coded) if s] == top[:9]  # at first: the top-level codes
    for n in range(2, 10):
        editing.new_code(coded, f"Kode {n}", None, "ane")
    first = editing.quick_codes(coded)
    assert first[: len(top)] == top and first[len(top) :] == [None] * (9 - len(top))  # new codes took no number
    assert editing.toggle_pin(coded, "kapasitet") == 1  # it had key 1: pinned there
    for n in range(2, 10):  # codes used fill the free numbers, in turn; nobody else's number changes
        editing.code_spans(coded, [span], f"kode_{n}", "ane")
    full = editing.quick_codes(coded)
    assert full[: len(top)] == top and full[len(top) :] == [f"kode_{n}" for n in range(2, 11 - len(top))]
    editing.code_spans(coded, [span], "ventetid", "ane")  # no free number: ventetid gets none, nobody loses one
    assert editing.quick_codes(coded) == full
    at = editing.toggle_pin(coded, "ventetid")  # a pin takes the least recently used unpinned code's number
    slots = editing.quick_codes(coded)
    assert at is not None and slots[at - 1] == "ventetid" and slots[0] == "kapasitet"
    assert [i for i in range(9) if slots[i] != full[i]] == [at - 1]
    editing.code_spans(coded, [span], "kode_9", "ane")
    assert editing.quick_codes(coded) == slots  # numbers do not shift
    gone = next(i for i in range(1, 9) if i != at - 1)
    editing.delete_code(coded, slots[gone], "ane")  # a free number: the next code used takes it
    editing.new_code(coded, "Kode 10", None, "ane")
    editing.code_spans(coded, [span], "kode_10", "ane")
    assert editing.quick_codes(coded)[gone] == "kode_10"
    assert editing.toggle_pin(coded, "ventetid") is None and editing.quick_codes(coded)[at - 1] == "ventetid"


def test_retrieve_gives_speaker_and_attributes(coded):
    source_id, start, end = first_turn(coded)
    [cid] = editing.code_spans(coded, [(source_id, start, end)], "ventetid", "ane")
    [hit] = coded.retrieve(["kapasitet", *coded.descendants("kapasitet")])
    assert hit.coding.id == cid and hit.speaker == "IP"
    assert hit.attributes["tjenestetype"].value == "Kommunal"
    assert hit.text.startswith("Altså, vi har hatt en tung høst")


def test_search_hits_and_plain_words_fallback(coded):
    hits = coded.search_hits("ventel*")
    assert hits and "\x01Ventelista\x02" in hits[0].snippet
    assert coded.search_hits("Meld. St.") == []  # not FTS syntax: searched as words, no error
