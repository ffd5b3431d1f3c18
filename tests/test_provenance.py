"""How each coding came (issue 16, item 5): kept when a suggestion is accepted (one, all above the threshold, batch
auto-coding), through undo and redo, a merge and a REFI-QDA round trip, shown in words, and in the quote export's
trace table; a project file of schema 5 gains the column."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import zipfile

import docx
import openpyxl
import pytest
from lxml import etree

from coder.coding import provenance
from coder.coding import service as editing
from coder.exchange.service import ORIGIN, export_qdpx, import_qdpx
from coder.export.passages import Quote
from coder.export.quotes import collect, write
from coder.model import Code
from coder.store import Project
from coder.store.base import APPLICATION_ID, _statements
from coder.store.migrations import LATEST, MIGRATIONS
from coder.suggest import service as suggesting
from coder.suggest.engine import MIN_DECISIONS
from coder.suggest.evidence import CodeScore
from coder.team.service import merge_projects
from tests.conftest import FIXTURES, survey_project

# Written for these tests: open answers from leaders of PP services.
ANSWERS = [
    "Ventelista er lang, barna venter i fire måneder før vi kommer i gang.",
    "Vi mangler folk: to av sju årsverk står ubesatt etter sommeren.",
    "Samarbeidet med skolene går greit, vi har faste møter med rektor hver måned.",
    "Kompetanseløftet ga oss kurs, men lite tid til å bruke det vi lærte.",
    "Mer systemrettet arbeid i barnehagene ville spart oss for mange henvisninger.",
    "Det er krevende å rekruttere logoped i en liten kommune.",
]
PROJECT_XSD = etree.XMLSchema(etree.parse(str(FIXTURES / "refi" / "Project-mrt2019.xsd")))
NS = {"q": "urn:QDA-XML:project:1.0"}
LEARNED = {"fingerprint": "5f3a9c2e11d04b7a", "trained_at": "2026-12-07T10:00:00+00:00", "decisions": 120}
TOLD = {"score": 0.82, "threshold": 0.4, "rule": 0.6, "learned": 0.71, "semantic": 1.83, "model": LEARNED}


@pytest.fixture
def survey(tmp_path) -> Project:
    project = survey_project(tmp_path, ANSWERS, kind="Kommunal")
    yield project
    project.close()


def rows(project: Project) -> list[tuple]:
    return project.conn.execute("SELECT * FROM coding ORDER BY id").fetchall()


def first_suggestion(project: Project, sug: suggesting.Suggester):
    seg = next(s for s in project.segment_texts() if sug.for_segment(project, s.id, similar=0))
    return seg, sug.for_segment(project, seg.id, similar=0)[0]


# -- made ---------------------------------------------------------------------------------------------------------
def test_accepting_a_suggestion_keeps_its_score_threshold_layers_and_no_model(survey):
    sug = suggesting.Suggester(survey)
    seg, best = first_suggestion(survey, sug)
    coding = survey.coding(suggesting.accept(survey, seg.id, best, "kari"))
    assert coding.origin == "suggested"
    assert coding.provenance == {
        "score": round(best.score, 4),
        "threshold": round(best.threshold, 4),
        "rule": round(best.rule, 4),
        "learned": None,  # no trained model yet
        "semantic": None,  # the semantic layer took no part
        "model": None,  # rules only
    }
    assert provenance.describe(coding.origin, coding.provenance).endswith("· rules only")
    assert survey.codings(code_id=best.code_id)[0].provenance == coding.provenance


def test_a_coding_accepted_after_training_names_the_model_and_the_semantic_z(survey):
    sug = suggesting.Suggester(survey)
    segs = list(survey.segment_texts())
    for _ in range(2):  # coded by hand, the best suggestion and then the next: enough decisions to train
        for seg in segs:
            for s in sug.for_segment(survey, seg.id, similar=0)[:1]:
                editing.code_spans(survey, [(seg.source_id, seg.start, seg.end)], s.code_id, "kari")
    assert survey.decision_count() >= MIN_DECISIONS
    suggesting.retrain(survey)
    sug.reload(survey)
    saved = survey.suggest_model()
    seg, best = first_suggestion(survey, sug)
    coding = survey.coding(suggesting.accept(survey, seg.id, best, "kari"))
    assert coding.provenance["model"] == {
        "fingerprint": saved.fingerprint,
        "trained_at": saved.trained_at,
        "decisions": saved.decisions,
    }
    assert f"model {saved.trained_at[:10]}" in provenance.describe("suggested", coding.provenance)
    meaning = CodeScore("ventetid", 0.7, 0.4, rule=0.6, learned=0.5, semantic=1.834)
    assert suggesting.provenance_of(meaning, None)["semantic"] == 1.834


def test_accept_all_above_and_auto_coding_keep_each_codings_provenance(survey):
    sug = suggesting.Suggester(survey)
    source_id = survey.sources()[0].id
    chosen = suggesting.above_threshold(survey, sug, source_id)
    assert suggesting.accept_all_above(survey, sug, source_id, "kari") == len(chosen) > 2
    by_key = {(c.start, c.code_id): c for c in survey.codings()}
    for seg, score in chosen:
        made = by_key[(seg.start, score.code_id)]
        assert made.origin == "suggested" and made.provenance["score"] == round(score.score, 4)
        assert made.provenance["threshold"] == round(score.threshold, 4) and made.provenance["model"] is None
    survey.undo()
    segs = {s.id: s for s in survey.segment_texts()}
    pairs = [(seg.id, score) for seg, score in chosen[:2]]
    assert suggesting.apply_codes(survey, pairs, "kari") == 2
    auto = [c for c in survey.codings() if c.origin == "auto"]
    assert sorted(c.provenance["score"] for c in auto) == sorted(round(s.score, 4) for _, s in pairs)
    assert {(c.start, c.code_id) for c in auto} == {(segs[i].start, s.code_id) for i, s in pairs}
    assert provenance.norwegian("auto", auto[0].provenance, "kari").startswith("autokoding .")


def test_undo_and_redo_restore_the_rows_whole(survey):
    sug = suggesting.Suggester(survey)
    seg, best = first_suggestion(survey, sug)
    editing.code_spans(survey, [(seg.source_id, seg.start, seg.end)], "samarbeid", "kari")
    suggesting.accept(survey, seg.id, best, "kari")
    before = rows(survey)
    assert before[-1][-1] is not None and before[0][-1] is None  # the column: JSON, NULL for coding by hand
    survey.undo()
    survey.undo()
    assert rows(survey) == []
    survey.redo()
    survey.redo()
    assert rows(survey) == before
    coding_id = before[-1][0]
    editing.uncode(survey, coding_id, "kari")  # a deletion is logged with the whole row too
    survey.undo()
    assert rows(survey) == before


# -- words ----------------------------------------------------------------------------------------------------------
def test_the_words_for_each_kind_of_coding():
    assert provenance.describe("manual", None) == ""
    assert (
        provenance.describe("suggested", TOLD)
        == "suggested · score .82 (rule .60, learned .71, meaning +1.8) · model 2026-12-07"
    )
    assert provenance.describe("suggested", None) == "suggested"  # made before the column existed
    assert provenance.describe("imported", {"file": "team.qdpx"}) == "imported from team.qdpx"
    assert provenance.short("auto", {**TOLD, "score": 0.914}) == "auto-coded .91"
    assert provenance.norwegian("manual", None, "kari") == "manuell"
    assert provenance.norwegian("suggested", TOLD, "kari") == "forslag .82 (akseptert av kari)"
    assert provenance.norwegian("imported", {"file": "team.qdpx"}, "ola") == "importert fra team.qdpx"
    note = provenance.note("suggested", TOLD, "kari", "2026-12-08T09:00:00+00:00")
    assert note == (
        "coder: suggested, score 0.82 (threshold 0.40, rule 0.60, learned 0.71, meaning z +1.83), model "
        "5f3a9c2e11d04b7a trained 2026-12-07T10:00:00+00:00 on 120 decisions; "
        "accepted by kari 2026-12-08T09:00:00+00:00"
    )
    assert provenance.note("manual", None, "kari", "2026-12-08") == ""


def test_a_quote_of_codings_made_differently_names_each_code():
    codes = {"kapasitet": Code("kapasitet", "Kapasitet"), "ventetid": Code("ventetid", "Ventetid")}
    quote = Quote(1, 1, "A", "transcript", 0, 9, "ord", None, ["kapasitet", "ventetid"], [1, 2], None, None, {},
                  ["kari"], "", False, None, None)  # fmt: skip
    assert quote.how(codes) == ""
    quote.made = [("kapasitet", "manuell"), ("ventetid", "manuell")]
    assert quote.how(codes) == "manuell"
    quote.made = [("kapasitet", "forslag .82 (akseptert av kari)"), ("ventetid", "manuell")]
    assert quote.how(codes) == "Kapasitet: forslag .82 (akseptert av kari); Ventetid: manuell"


# -- the trace table ----------------------------------------------------------------------------------------------
def test_the_trace_table_says_how_each_quote_was_coded(survey, tmp_path):
    segs = list(survey.segment_texts())
    sug = suggesting.Suggester(survey)
    score = next(s for s in sug.for_segment(survey, segs[1].id, similar=0) if s.code_id == "kapasitet")
    suggesting.accept(survey, segs[1].id, score, "kari")
    editing.code_spans(survey, [(segs[0].source_id, segs[0].start, segs[0].end)], "kapasitet", "ola")
    result = collect(survey, ["kapasitet"])
    out = tmp_path / "sitater.md"
    write(result, out)
    table = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    assert table[0].endswith("| Kodet av | Opphav |")
    assert table[1].endswith("| ola | manuell |")
    assert table[2].endswith(f"| kari | forslag {provenance.score_text(score.score)} (akseptert av kari) |")
    made = f"forslag {provenance.score_text(score.score)} (akseptert av kari)"
    write(result, tmp_path / "sitater.csv")
    text = (tmp_path / "sitater.csv").read_text(encoding="utf-8-sig")
    assert [r["origin"] for r in csv.DictReader(text.splitlines(), delimiter=";")] == ["manuell", made]
    write(result, tmp_path / "sitater.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "sitater.xlsx")["Sitater"]
    values = list(sheet.values)
    assert [row[values[0].index("origin")] for row in values[1:]] == ["manuell", made]
    result.comments = True
    write(result, tmp_path / "sitater.docx")
    doc = docx.Document(str(tmp_path / "sitater.docx"))
    assert [row.cells[-1].text for row in doc.tables[-1].rows] == ["Opphav", "manuell", made]
    assert [c.text.rsplit(" · ", 1)[-1] for c in doc.comments] == ["opphav: manuell", f"opphav: {made}"]


# -- merge ---------------------------------------------------------------------------------------------------------
def test_a_merge_keeps_how_codings_came(survey, tmp_path):
    segs = list(survey.segment_texts())
    survey.close()
    a, b = tmp_path / "kari.coder", tmp_path / "ola.coder"
    shutil.copy(survey.path, a)
    shutil.copy(survey.path, b)
    with Project.open(a) as p, p.action("suggest", "accepted", "ola"):
        p.add_coding(segs[0].source_id, segs[0].start, segs[0].end, "ventetid", "ola", "suggested")  # told nothing
        p.add_coding(segs[1].source_id, segs[1].start, segs[1].end, "kapasitet", "ola")  # by hand
    with Project.open(b) as p, p.action("suggest", "accepted", "ola"):
        p.add_coding(segs[0].source_id, segs[0].start, segs[0].end, "ventetid", "ola", "suggested", TOLD)
        p.add_coding(segs[1].source_id, segs[1].start, segs[1].end, "kapasitet", "ola", "suggested", TOLD)
        p.add_coding(segs[2].source_id, segs[2].start, segs[2].end, "samarbeid", "ola", "auto", TOLD)
    merge_projects(a, b, tmp_path / "c.coder")
    with Project.open(tmp_path / "c.coder") as c:
        made = {x.code_id: x for x in c.codings()}
    assert len(made) == 3
    assert made["samarbeid"].origin == "auto" and made["samarbeid"].provenance == TOLD  # copied from B
    assert made["ventetid"].provenance == TOLD  # the same coding made the same way: B's story fills C's gap
    assert (made["kapasitet"].origin, made["kapasitet"].provenance) == ("manual", None)  # A's own way is kept


# -- REFI-QDA ------------------------------------------------------------------------------------------------------
def test_refi_export_writes_the_provenance_as_a_note_and_import_keeps_it_once(survey, tmp_path):
    segs = list(survey.segment_texts())
    with survey.action("suggest", "accepted", "kari"):
        made = survey.add_coding(segs[0].source_id, segs[0].start, segs[0].end, "ventetid", "kari", "suggested", TOLD)
    editing.write_memo(survey, "coding", made, "Fire måneder: brukes i kapittel 2.", "kari")
    editing.code_spans(survey, [(segs[1].source_id, segs[1].start, segs[1].end)], "kapasitet", "kari")
    first = tmp_path / "a.qdpx"
    assert export_qdpx(survey, first).memos == 1  # the note on how it came is no memo
    root = qde(first)
    assert PROJECT_XSD.validate(root), PROJECT_XSD.error_log
    notes = {n.get("guid"): n for n in root.iterfind(".//q:Notes/q:Note", NS)}
    refs = [c.findall("q:NoteRef", NS) for c in root.iterfind(".//q:Coding", NS)]
    assert sorted(len(r) for r in refs) == [0, 1]  # coded by hand: no note
    note = notes[next(r for r in refs if r)[0].get("targetGUID")]
    assert note.get("name") == provenance.NOTE_NAME
    text = note.findtext("q:PlainTextContent", namespaces=NS)
    assert text.startswith("coder: suggested, score 0.82 (threshold 0.40, rule 0.60, learned 0.71, meaning z +1.83)")
    descriptions = [d.text for d in root.iterfind(".//q:PlainTextSelection/q:Description", NS)]
    assert descriptions == [f"Fire måneder: brukes i kapittel 2.\n\n{text}"]  # what QualCoder shows as the memo

    with Project.create(tmp_path / "b.coder") as b:
        import_qdpx(b, first, "ola")
        imported = {c.code_id: c for c in b.codings()}
        assert all(c.origin == "imported" for c in imported.values())
        assert imported["ventetid"].provenance == {"file": "a.qdpx", "program": ORIGIN, "note": text[len("coder: ") :]}
        assert imported["kapasitet"].provenance == {"file": "a.qdpx", "program": ORIGIN}
        assert [m.text for m in b.all_memos()] == ["Fire måneder: brukes i kapittel 2."]  # how it came is no memo
        second = tmp_path / "b.qdpx"
        export_qdpx(b, second)
    with Project.create(tmp_path / "c.coder") as c:
        import_qdpx(c, second, "per")
        again = {x.code_id: x for x in c.codings()}
        assert again["ventetid"].provenance["note"] == text[len("coder: ") :]  # the first story, not a chain
        assert again["kapasitet"].provenance["note"].startswith("imported from a.qdpx")
        assert [m.text for m in c.all_memos()] == ["Fire måneder: brukes i kapittel 2."]
    before = rows(survey)
    import_qdpx(survey, first, "kari")  # our own file back: nothing doubled, nothing changed
    assert rows(survey) == before and len(survey.all_memos()) == 1


def test_provenance_that_came_back_through_qualcoder_in_the_memo_is_taken_out_of_it(survey, tmp_path):
    """QualCoder keeps a selection's Description as the coding's memo and drops notes on codings: what comes back
    has the words in the memo only."""
    segs = list(survey.segment_texts())
    with survey.action("suggest", "accepted", "kari"):
        made = survey.add_coding(segs[0].source_id, segs[0].start, segs[0].end, "ventetid", "kari", "auto", TOLD)
    editing.write_memo(survey, "coding", made, "Godt sitat.", "kari")
    ours = tmp_path / "a.qdpx"
    export_qdpx(survey, ours)
    root = qde(ours)
    for ref in root.findall(".//q:Coding/q:NoteRef", NS):
        ref.getparent().remove(ref)
    for notes in root.findall("q:Notes", NS):
        root.remove(notes)
    back = tmp_path / "qualcoder.qdpx"
    with zipfile.ZipFile(ours) as src, zipfile.ZipFile(back, "w") as out:
        for name in src.namelist():
            out.writestr(name, etree.tostring(root) if name == "project.qde" else src.read(name))
    with Project.create(tmp_path / "d.coder") as d:
        import_qdpx(d, back, "ola")
        (coding,) = d.codings()
        assert coding.provenance["note"].startswith("auto-coded, score 0.82") and coding.provenance["file"] == back.name
        assert [m.text for m in d.all_memos()] == ["Godt sitat."]


def qde(qdpx) -> etree._Element:
    with zipfile.ZipFile(qdpx) as archive:
        return etree.fromstring(archive.read("project.qde"))


# -- the project file ------------------------------------------------------------------------------------------------
def test_a_schema_5_project_file_gains_the_column_and_its_old_actions_still_undo(tmp_path):
    path = tmp_path / "old.coder"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for script in MIGRATIONS[:5]:
        for statement in _statements(script):
            raw.execute(statement)
    raw.execute("PRAGMA user_version = 5")
    raw.execute(
        "INSERT INTO source (id, kind, name, text, hash, imported_at) VALUES (1, 'document', 'Notat', "
        "'Ventetida er lang.', 'h', '2026-01-01')"
    )
    raw.execute("INSERT INTO code (id, label) VALUES ('ventetid', 'Ventetid')")
    row = {"source_id": 1, "start": 0, "end": 9, "code_id": "ventetid", "coder": "kari", "origin": "manual",
           "created_at": "2026-01-01T00:00:00+00:00"}  # fmt: skip
    raw.execute(
        'INSERT INTO coding (id, source_id, start, "end", code_id, coder, origin, created_at) '
        "VALUES (1, 1, 0, 9, 'ventetid', 'kari', 'manual', '2026-01-01T00:00:00+00:00')"
    )
    ops = [{"op": "insert", "table": "coding", "row": {**row, "id": 1}}]
    raw.execute(
        "INSERT INTO action (at, coder, kind, payload) VALUES ('2026-01-01', 'kari', 'code', ?)",
        (json.dumps({"label": "coded 1 passage as Ventetid", "ops": ops}),),
    )
    raw.commit()
    raw.close()
    with Project.open(path) as p:
        assert p.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST >= 6
        assert "provenance" in {r[1] for r in p.conn.execute("PRAGMA table_info(coding)")}
        assert p.codings()[0].provenance is None
        p.undo()  # an action logged before the column existed
        assert p.codings() == []
        p.redo()
        assert [c.provenance for c in p.codings()] == [None]
        with p.action("suggest", "accepted", "kari"):
            made = p.add_coding(1, 10, 17, "ventetid", "kari", "suggested", TOLD)
        assert p.coding(made).provenance == TOLD
