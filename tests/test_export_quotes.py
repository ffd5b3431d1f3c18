"""Quote export (DOCX, Markdown, CSV, XLSX), the respondent × code matrix, report texts and the anonymisation guard.

A small project is built from texts written for these tests: two interviews with PP-leaders and four survey
respondents, a codebook with sub-codes. Files are read back with python-docx, csv and openpyxl.
"""

from __future__ import annotations

import csv
import types
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from docx.shared import Pt

from coder.cli import main
from coder.codebook.files import load_codebook
from coder.coding import service as editing
from coder.errors import CoderError, InputError
from coder.export import attribution, guard
from coder.export import service as quotes
from coder.export.chapters import Chapter, check_codes, load_chapters
from coder.export.matrix import build_matrix, variable, write_matrix
from coder.export.quotes import collect, write
from coder.ingest.service import import_files, import_survey
from coder.store import Project

CODEBOOK = """\
name: Test
version: 1
codes:
  - id: kapasitet
    label: Kapasitet
    description: Tid, folk og ventelister.
  - id: ventetid
    label: Ventetid
    parent: kapasitet
  - id: samarbeid
    label: Samarbeid
  - id: samarbeid-skole
    label: Samarbeid med skole
    parent: samarbeid
  - id: kompetanse
    label: Kompetanse
"""

INTERVIEW_1 = """\
---
tittel: Intervju A
tjenestetype: Kommunal
rolle: PP-leder
landsdel: Vest
---

I: Hvordan er ventetiden hos dere nå?

IP: Eh, den er ikke god. Vi har rundt seksti saker på vent, og de vet liksom ikke hvor lenge de må vente.

I: Hva med samarbeidet med skolene?

IP: Det har blitt bedre. Rektorene vet hvem de skal ringe, og vi møter dem fast hver måned. \
Ring meg gjerne på 918 47 263 hvis du lurer på noe.
"""

INTERVIEW_2 = """\
---
tittel: Intervju B
tjenestetype: Interkommunal
rolle: PP-leder
landsdel: Nord
---

I: Fortell om kapasiteten.

IP: Vi er fire årsverk for fem kommuner. Altså, det går ikke i hop, og skolene merker det.

I: Og kompetansen?

IP: Kompetanseløftet har gitt oss et felles språk med barnehagene, men det tar tid fra sakene.
"""

SURVEY = """\
id;tjenestetype;årsverk;kapasitet;samarbeid
S1;Kommunal;1-5;Vi er to personer og rekker ikke over alt.;Godt samarbeid med rektorene.
S2;Interkommunal;6-15;Ventelista er lang om høsten.;
S3;Fylkeskommunal;16+;Kapasiteten er god nok nå.;Vi møter skolene for sjelden.
S4;Kommunal;6-15;;
"""


def build(path: Path) -> Path:
    """The test project: two interviews, a survey of four respondents (S4 answered nothing), no codings."""
    folder = path.parent
    (folder / "kodebok.yaml").write_text(CODEBOOK, encoding="utf-8")
    (folder / "intervju-a.txt").write_text(INTERVIEW_1, encoding="utf-8")
    (folder / "intervju-b.txt").write_text(INTERVIEW_2, encoding="utf-8")
    (folder / "svar.csv").write_text(SURVEY, encoding="utf-8")
    with Project.create(path) as project:
        with project.transaction():
            project.merge_codebook(load_codebook(folder / "kodebok.yaml"))
        import_files(project, [folder / "intervju-a.txt", folder / "intervju-b.txt"], coder="t")
        import_survey(project, folder / "svar.csv", "id", ["kapasitet", "samarbeid"], ["tjenestetype", "årsverk"])
    return path


def span(project: Project, source: str, words: str) -> tuple[int, int, int]:
    """``(source id, start, end)`` of ``words`` in the source called ``source``."""
    source_id = project.source_by_name(source)[0]
    text = project.source_text(source_id)
    start = text.index(words)
    return source_id, start, start + len(words)


def code(project: Project, source: str, words: str, code_id: str, coder: str = "AB") -> int:
    return editing.code_spans(project, [span(project, source, words)], code_id, coder)[0]


TURN_A1 = "Eh, den er ikke god. Vi har rundt seksti saker på vent, og de vet liksom ikke hvor lenge de må vente."
TURN_A2 = (
    "Det har blitt bedre. Rektorene vet hvem de skal ringe, og vi møter dem fast hver måned. "
    "Ring meg gjerne på 918 47 263 hvis du lurer på noe."
)
TURN_B1 = "Vi er fire årsverk for fem kommuner. Altså, det går ikke i hop, og skolene merker det."
TURN_B2 = "Kompetanseløftet har gitt oss et felles språk med barnehagene, men det tar tid fra sakene."


@pytest.fixture
def coded(tmp_path) -> Path:
    """The project with codings: overlaps, a nested sentence, survey answers, a ★ and a report text."""
    path = build(tmp_path / "p.coder")
    with Project.open(path) as p:
        turn = code(p, "Intervju A", TURN_A1, "kapasitet")
        code(p, "Intervju A", TURN_A1, "ventetid", "CD")  # the same passage, a sub-code
        code(p, "Intervju A", "Vi har rundt seksti saker på vent", "ventetid")  # a sentence inside it
        code(p, "Intervju A", TURN_A2, "samarbeid-skole")
        code(p, "Intervju B", TURN_B1, "kapasitet")
        code(p, "Intervju B", TURN_B2, "kompetanse")
        code(p, "Intervju B", "Kompetanseløftet har gitt oss et felles språk med barnehagene", "samarbeid")
        code(p, "svar: kapasitet", "Vi er to personer og rekker ikke over alt.", "kapasitet")
        code(p, "svar: kapasitet", "Ventelista er lang om høsten.", "ventetid")
        code(p, "svar: samarbeid", "Vi møter skolene for sjelden.", "samarbeid-skole")
        editing.mark_quote(p, turn, True, "AB")
        editing.write_memo(p, "coding", turn, "God illustrasjon av ventelista.", "AB")
        proposal = quotes.proposal(p, turn)
        quotes.set_report_text(p, turn, proposal.text, "AB")
    return path


@pytest.fixture
def no_pipeline(monkeypatch):
    """The anonymisation check with its patterns only (no spaCy pipeline loaded): fast, and enough for phones."""
    from coder.anonymise import check

    blank = types.SimpleNamespace(nlp=None, origin="test", warning=None)
    monkeypatch.setattr(check, "load_nlp", lambda project: blank)


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


# -- choosing the quotes ------------------------------------------------------------------------------------------
def test_overlapping_codings_become_one_quote_with_all_their_codes(coded):
    with Project.open(coded) as p:
        result = collect(p, ["kapasitet"])
    a = [q for q in result.quotes if q.source == "Intervju A"]
    assert len(a) == 1  # the turn, its second code and the sentence inside it
    assert a[0].codes == ["kapasitet", "ventetid"]
    assert a[0].text == TURN_A1 and len(a[0].coding_ids) == 3
    assert a[0].coders == ["AB", "CD"] and a[0].marked and a[0].memo == "God illustrasjon av ventelista."
    # sub-codes come with their parent, survey answers after the interviews, each under its first code; one code
    # asked for: its heading is the title (not «Sitater: Kapasitet» and then «Kapasitet»)
    assert [(s.level, s.title) for s in result.sections] == [(1, "Sitater: Kapasitet"), (2, "Ventetid")]
    assert [q.source for q in result.sections[0].quotes] == ["Intervju A", "Intervju B", "svar: kapasitet"]
    assert [q.number for q in result.quotes] == [1, 2, 3, 4]
    assert result.title == "Sitater: Kapasitet"


def test_a_partial_overlap_joins_the_two_passages(coded):
    with Project.open(coded) as p:
        code(p, "Intervju B", "skolene merker det.\n\nOg kompetansen?", "kompetanse")  # runs into the next turn
        merged = [q for q in collect(p, ["kapasitet", "kompetanse"]).quotes if q.source == "Intervju B"]
    assert merged[0].codes == ["kapasitet", "kompetanse"]
    assert merged[0].text.startswith("Vi er fire årsverk") and merged[0].text.endswith("merker det. Og kompetansen?")


def test_without_sub_codes_and_with_several_codes(coded):
    with Project.open(coded) as p:
        only = collect(p, ["kapasitet"], with_subcodes=False)
        both = collect(p, ["samarbeid", "kompetanse"])
    assert all("ventetid" not in q.codes for q in only.quotes)
    assert [q.source for q in only.quotes] == ["Intervju A", "Intervju B", "svar: kapasitet"]
    # the turn coded Kompetanse holds a sentence coded Samarbeid: one quote, filed under the code asked for first
    assert [(s.level, s.title) for s in both.sections] == [(2, "Samarbeid"), (3, "Samarbeid med skole")]
    assert both.title == "Sitater: Samarbeid og Kompetanse"
    b = next(q for q in both.quotes if q.source == "Intervju B")
    assert b.codes == ["samarbeid", "kompetanse"] and b.code == "samarbeid" and b.text == TURN_B2


def test_filter_by_attribute_and_a_mistyped_key(coded):
    with Project.open(coded) as p:
        kommunal = collect(p, ["kapasitet"], where=["tjenestetype=Kommunal"])
        assert {q.attributes["tjenestetype"] for q in kommunal.quotes} == {"Kommunal"}
        assert [q.source for q in kommunal.quotes] == ["Intervju A", "svar: kapasitet"]
        assert "Filter: tjenestetype=Kommunal." in kommunal.selection
        with pytest.raises(CoderError, match="no attribute 'kommune'.*tjenestetype"):
            collect(p, ["kapasitet"], where="kommune=Kommunal")
        with pytest.raises(CoderError, match="no code 'kapsitet'"):
            collect(p, ["kapsitet"])


def test_only_marked_quotes_and_the_star_belongs_to_the_passage(coded):
    with Project.open(coded) as p:
        marked = collect(p, ["kapasitet"], only_marked=True)
        assert [q.source for q in marked.quotes] == ["Intervju A"]
        assert marked.quotes[0].codes == ["kapasitet", "ventetid"]
        # ★ on the kapasitet coding marks the passage: exported for its other code too
        by_subcode = collect(p, ["ventetid"], only_marked=True)
        assert [q.text for q in by_subcode.quotes] == [TURN_A1]


def test_a_marked_sentence_inside_a_turn_is_the_quote(coded):
    with Project.open(coded) as p:
        sentence = p.find_coding(*span(p, "Intervju A", "Vi har rundt seksti saker på vent"), "ventetid")
        editing.mark_quote(p, p.find_coding(*span(p, "Intervju A", TURN_A1), "kapasitet"), False, "AB")
        editing.mark_quote(p, sentence, True, "AB")
        result = collect(p, ["kapasitet"], only_marked=True)
    assert [q.text for q in result.quotes] == ["Vi har rundt seksti saker på vent"]
    assert result.quotes[0].codes == ["kapasitet", "ventetid"]  # the turn around it is coded kapasitet


def test_the_report_text_is_printed_and_the_original_kept(coded):
    with Project.open(coded) as p:
        q = collect(p, ["kapasitet"]).quotes[0]
    assert q.report_text == "Den er ikke god. Vi har rundt seksti saker på vent, og de vet ikke hvor lenge de må vente."
    assert q.printed == q.report_text and q.text == TURN_A1


def test_attribution_from_the_template_with_fallbacks():
    attrs = {"tjenestetype": "Kommunal", "rolle": "PP-leder"}
    assert attribution.render(attribution.DEFAULT, attrs) == "(Kommunal PP-leder)"
    assert (
        attribution.render("({Tjenestetype} PP-leder)", {"tjenestetype": "interkommunal"}) == "(Interkommunal PP-leder)"
    )
    assert attribution.render(attribution.DEFAULT, {"tjenestetype": "Kommunal"}) == "(Kommunal)"
    assert (
        attribution.render("({tjenestetype} {rolle|'PP-leder'})", {"tjenestetype": "Kommunal"}) == "(Kommunal PP-leder)"
    )
    assert attribution.render("({rolle|speaker})", {}, speaker="Rektor") == "(Rektor)"
    assert attribution.render(attribution.DEFAULT, {}, case="S2", speaker=None) == "(S2)"
    assert attribution.render(attribution.DEFAULT, {}, source="Intervju C") == "(Intervju C)"
    assert attribution.render("({tjenestetype}, {landsdel})", {"landsdel": "Nord"}) == "(Nord)"
    assert attribution.render(attribution.DEFAULT, attrs, speaker="I") == "(Intervjuer)"
    for bad in ("({tjenestetype)", "({})", "({rolle|'PP-leder})"):
        with pytest.raises(ValueError):
            attribution.check_template(bad)


def test_the_projects_attribution_template_is_used(coded):
    with Project.open(coded) as p:
        quotes.set_style(p, "AB", attribution="({tjenestetype} {rolle|'PP-leder'}, {landsdel|årsverk})")
        result = collect(p, ["kapasitet"])
        got = [q.attribution for q in result.quotes]
        p.undo()
        default = [q.attribution for q in collect(p, ["kapasitet"]).quotes]
    assert got == ["(Kommunal PP-leder, Vest)", "(Interkommunal PP-leder, Nord)", "(Kommunal PP-leder, 1-5)", got[3]]
    assert default[:3] == ["(Kommunal PP-leder)", "(Interkommunal PP-leder)", "(Kommunal)"]


# -- chapters --------------------------------------------------------------------------------------------------------
def test_chapters_from_yaml(tmp_path, coded):
    (tmp_path / "k.yaml").write_text(
        "- tittel: 4 Kapasitet og ventetid\n  koder: [kapasitet]\n- tittel: 5 Samarbeid\n  koder: [samarbeid]\n",
        encoding="utf-8",
    )
    (tmp_path / "kart.yaml").write_text("4 Kapasitet: kapasitet\n5 Samarbeid: [samarbeid]\n", encoding="utf-8")
    chapters = load_chapters(tmp_path / "k.yaml")
    assert chapters == [Chapter("4 Kapasitet og ventetid", ["kapasitet"]), Chapter("5 Samarbeid", ["samarbeid"])]
    assert load_chapters(tmp_path / "kart.yaml") == [
        Chapter("4 Kapasitet", ["kapasitet"]),
        Chapter("5 Samarbeid", ["samarbeid"]),
    ]
    with Project.open(coded) as p:
        code(p, "svar: kapasitet", "Kapasiteten er god nok nå.", "kompetanse")
        result = collect(p, ["kapasitet", "samarbeid", "kompetanse"], chapters=chapters)
    assert [(s.level, s.title) for s in result.sections] == [
        (1, "4 Kapasitet og ventetid"),
        (2, "Kapasitet"),
        (3, "Ventetid"),
        (1, "5 Samarbeid"),
        (2, "Samarbeid"),
        (3, "Samarbeid med skole"),
        (1, "Andre sitater"),
        (2, "Kompetanse"),
    ]


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        ("- tittel: 4 Kapasitet\n  koder: [kapasitet]\n- koder: [samarbeid]\n", "without a title", 3),
        ("- tittel: 4 Kapasitet\n", "lists no codes", 1),
        ("- tittel: 4 Kapasitet\n  koder: [kapasitet\n", "not valid YAML", None),
        ("bare tekst\n", "expected a list of chapters", 1),
    ],
)
def test_a_bad_chapters_file_says_where(tmp_path, content, message, line):
    path = tmp_path / "k.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        load_chapters(path)
    assert caught.value.path == str(path)
    if line:
        assert caught.value.line == line


def test_an_unknown_code_in_the_chapters_names_its_line(tmp_path):
    path = tmp_path / "k.yaml"
    path.write_text("- tittel: A\n  koder: [kapasitet]\n- tittel: B\n  koder: [kapsitet]\n", encoding="utf-8")
    with pytest.raises(InputError, match="chapter «B»: no code 'kapsitet'") as caught:
        check_codes(load_chapters(path), ["kapasitet"], path)
    assert caught.value.line == 3


# -- DOCX ----------------------------------------------------------------------------------------------------------
def test_docx_reads_back_as_a_report_chapter(coded, tmp_path):
    with Project.open(coded) as p:
        result = collect(p, ["kapasitet", "samarbeid"])
    out = tmp_path / "sitater.docx"
    assert write(result, out) == "docx"
    doc = docx.Document(str(out))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Sitater: Kapasitet og Samarbeid"),
        ("Heading 2", "Kapasitet"),
        ("Heading 3", "Ventetid"),
        ("Heading 2", "Samarbeid"),
        ("Heading 3", "Samarbeid med skole"),
        ("Heading 2", "Sporbarhet"),
    ]
    blocks = [p for p in doc.paragraphs if p.style.name == "Sitat"]
    assert len(blocks) == len(result.quotes) == 7
    first = blocks[0]
    assert first.runs[0].text == result.quotes[0].report_text
    assert first.runs[1].text == " (Kommunal PP-leder)" and first.runs[1].style.name == "Sitatkilde"
    assert first.text.endswith("vente. (Kommunal PP-leder)")
    style = doc.styles["Sitat"]
    assert round(style.paragraph_format.left_indent.cm, 2) == round(style.paragraph_format.right_indent.cm, 2) == 1.0
    assert style.font.size == Pt(10) and style.font.italic is True and style.paragraph_format.keep_together
    assert doc.styles["Sitatkilde"].font.italic is False
    assert round(doc.sections[0].page_width.cm, 1) == 21.0 and round(doc.sections[0].page_height.cm, 1) == 29.7
    styles_xml = doc.styles.element.xml
    assert 'w:val="nb-NO"' in styles_xml
    # the trace: how they were chosen, and a row per quote back to source, speaker and place
    notes = [p.text for p in doc.paragraphs if p.style.name == "Merknad"]
    assert notes[0].startswith("7 sitater fra 4 kilder, kodet Kapasitet og Samarbeid (med underkoder).")
    assert any("1 av 7 sitater er språklig redigert" in n for n in notes)
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "Nr.",
        "Sitatet begynner",
        "Kode",
        "Kilde",
        "Taler",
        "Plassering",
        "Kodet av",
        "Opphav",
    ]
    assert len(table.rows) == 8
    row = [c.text for c in table.rows[1].cells]
    q = result.quotes[0]
    assert row == ["1", "Den er ikke god. Vi har rundt seksti …", "Kapasitet, Ventetid", "Intervju A", "IP",
                   f"tur 2 · tegn {q.start}–{q.end}", "AB, CD", "manuell"]  # fmt: skip
    survey_row = [c.text for c in table.rows[3].cells]
    assert survey_row[3:6] == [
        "svar: kapasitet",
        "S1",
        f"svar 1 · tegn {result.quotes[2].start}–{result.quotes[2].end}",
    ]
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")  # the header repeats on every page


def test_docx_inline_quotes_and_comments(coded, tmp_path):
    with Project.open(coded) as p:
        result = collect(p, ["kompetanse"])
    result.inline, result.comments = True, True
    out = tmp_path / "inline.docx"
    write(result, out)
    doc = docx.Document(str(out))
    body = [p.text for p in doc.paragraphs if p.style.name == "Normal"]
    assert body == [f"«{TURN_B2}» (Interkommunal PP-leder)"]
    assert not [p for p in doc.paragraphs if p.style.name == "Sitat"]
    comments = list(doc.comments)
    assert len(comments) == 1 and comments[0].author == "coder"
    assert (
        comments[0].text.startswith("[1] Intervju B · IP · tur 4")
        and "koder: Kompetanse · kodet av AB" in comments[0].text
    )


def test_docx_without_the_trace_and_with_chapters(coded, tmp_path):
    with Project.open(coded) as p:
        result = collect(p, [], chapters=[Chapter("5 Samarbeid", ["samarbeid"])])
    result.trace = False
    out = tmp_path / "c.docx"
    write(result, out)
    doc = docx.Document(str(out))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "5 Samarbeid"), ("Heading 2", "Samarbeid"), ("Heading 3", "Samarbeid med skole")]
    assert not doc.tables


# -- Markdown, CSV, XLSX -------------------------------------------------------------------------------------------
def test_markdown_for_a_quarto_draft(coded, tmp_path):
    with Project.open(coded) as p:
        sid, start, end = span(p, "Intervju B", "fem kommuner")
        quotes.set_report_text(p, p.find_coding(*span(p, "Intervju B", TURN_B1), "kapasitet"),
                               "Vi er fire årsverk for [kommunene]. Det går ikke i hop […]", "AB")  # fmt: skip
        result = collect(p, ["kapasitet"])
    out = tmp_path / "utkast.qmd"
    assert write(result, out) == "md"
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[:2] == ["# Sitater: Kapasitet", ""] and "## Kapasitet" not in lines
    assert lines[2].startswith("> Den er ikke god.") and lines[2].endswith("vente.\\")
    assert lines[3] == "> (Kommunal PP-leder)"
    assert lines[4].startswith("<!-- [1] Intervju A · IP · tur 2 · tegn ") and lines[4].endswith(
        "koder: Kapasitet, Ventetid -->"
    )
    assert "> Vi er fire årsverk for \\[kommunene\\]. Det går ikke i hop \\[…\\]\\" in lines
    assert "## Ventetid" in lines and "# Sporbarhet" in lines
    table = [line for line in lines if line.startswith("| ")]
    assert table[0] == "| Nr. | Sitatet begynner | Kode | Kilde | Taler | Plassering | Kodet av | Opphav |"
    assert len(table) == 1 + len(result.quotes)


def test_csv_one_row_per_quote_for_norwegian_excel(coded, tmp_path):
    with Project.open(coded) as p:
        result = collect(p, ["kapasitet"])
    out = tmp_path / "sitater.csv"
    write(result, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == 4
    first = rows[0]
    assert (first["quote"], first["code"], first["codes"], first["code_labels"]) == (
        "1",
        "kapasitet",
        "kapasitet; ventetid",
        "Kapasitet; Ventetid",
    )
    assert (first["level1"], first["level2"]) == ("Kapasitet", "")
    assert first["text"] == TURN_A1 and first["report_text"].startswith("Den er ikke god.")
    assert (first["source"], first["speaker"], first["case"], first["turn"]) == ("Intervju A", "IP", "Intervju A", "2")
    assert (first["coder"], first["marked"], first["memo"]) == ("AB, CD", "1", "God illustrasjon av ventelista.")
    assert (first["tjenestetype"], first["rolle"], first["landsdel"]) == ("Kommunal", "PP-leder", "Vest")
    sub = rows[3]
    assert (sub["code"], sub["level1"], sub["level2"], sub["case"], sub["årsverk"]) == (
        "ventetid",
        "Kapasitet",
        "Ventetid",
        "S2",
        "6-15",
    )
    write(result, tmp_path / "komma.csv", sep=",")
    first_line = (tmp_path / "komma.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert first_line.startswith('"quote","code","codes",')  # text quoted (coder.export.cells)


def test_xlsx_one_row_per_quote(coded, tmp_path):
    with Project.open(coded) as p:
        result = collect(p, ["kapasitet"])
    out = tmp_path / "sitater.xlsx"
    write(result, out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Sitater", "Utvalg"]
    sheet = book["Sitater"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["quote", "code", "codes", "code_labels", "level1", "level2"]
    assert sheet.max_row == 5 and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["text"] == TURN_A1 and row["start"] == result.quotes[0].start and row["marked"] == 1
    assert book["Utvalg"]["A1"].value == "Sitater: Kapasitet"


def test_format_from_the_suffix_or_refused(coded, tmp_path):
    with Project.open(coded) as p:
        result = collect(p, ["kapasitet"])
    with pytest.raises(CoderError, match="--format"):
        write(result, tmp_path / "sitater.txt")
    assert write(result, tmp_path / "sitater.txt", "md") == "md"
    with pytest.raises(CoderError, match="does not exist"):
        write(result, tmp_path / "nope" / "s.docx")
    assert sorted(f.name for f in tmp_path.iterdir() if f.name.startswith(".")) == []  # no temporary file left


# -- the respondent × code matrix -----------------------------------------------------------------------------------
def test_respondent_by_code_matrix(coded, tmp_path):
    with Project.open(coded) as p:
        matrix = build_matrix(p)
        direct = build_matrix(p, direct=True)
        one = build_matrix(p, ["samarbeid"])
        same = [build_matrix(p, [typed]).sources for typed in ("svar: samarbeid", "SVAR: Samarbeid", "samarb")]
        whole_file = build_matrix(p, ["svar"]).sources
        with pytest.raises(CoderError, match="no source called 'q9'"):
            build_matrix(p, ["q9"])
    assert same == [["svar: samarbeid"]] * 3  # the names coder accepts everywhere: whole, any case, a unique part
    assert whole_file == matrix.sources  # the survey file's name: all its questions
    assert matrix.columns == ["respondent", "tjenestetype", "årsverk", "answers", "kapasitet", "ventetid", "samarbeid",
                              "samarbeid_skole", "kompetanse"]  # fmt: skip
    rows = {r[0]: r for r in matrix.rows}
    assert sorted(rows) == ["S1", "S2", "S3"]  # S4 answered nothing: missing, not zeros
    assert rows["S1"] == ["S1", "Kommunal", "1-5", 2, 1, 0, 0, 0, 0]
    assert rows["S2"][3:] == [1, 1, 1, 0, 0, 0]  # ventetid counts for kapasitet too
    assert rows["S3"][3:] == [2, 0, 0, 1, 1, 0]
    assert {r[0]: r for r in direct.rows}["S2"][3:] == [1, 0, 1, 0, 0, 0]
    assert [r[0] for r in one.rows] == ["S1", "S3"] and one.sources == ["svar: samarbeid"]
    write_matrix(matrix, tmp_path / "m.csv", ",")
    lines = (tmp_path / "m.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith('"respondent","tjenestetype",') and lines[1] == '"S1","Kommunal","1-5",2,1,0,0,0,0'
    write_matrix(matrix, tmp_path / "m.xlsx")
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")
    assert [c.value for c in book["Matrise"][2]] == ["S1", "Kommunal", "1-5", 2, 1, 0, 0, 0, 0]
    variables = {r[0].value: (r[1].value, r[2].value) for r in book["Variabler"].iter_rows(min_row=2)}
    assert variables["samarbeid_skole"][0] == "Samarbeid med skole"
    assert variables["kapasitet"] == ("Kapasitet", "code with its sub-codes: Tid, folk og ventelister.")
    assert variable("3. trinn") == "v_3__trinn" and variable("årsverk") == "årsverk"


# -- report texts ----------------------------------------------------------------------------------------------------
def test_report_text_is_shared_by_the_passage_and_undoable(coded):
    with Project.open(coded) as p:
        kap = p.find_coding(*span(p, "Intervju B", TURN_B1), "kapasitet")
        proposal = quotes.proposal(p, kap)
        assert proposal.text == "Vi er fire årsverk for fem kommuner. Det går ikke i hop, og skolene merker det."
        other = code(p, "Intervju B", TURN_B1, "kompetanse")
        assert quotes.set_report_text(p, kap, proposal.text, "AB")
        assert quotes.report_text(p, other) == proposal.text  # both codings of the passage
        assert p.undo_label() == "edited the report text"
        p.undo()
        assert quotes.report_text(p, kap) is None and quotes.report_text(p, other) is None
        p.redo()
        assert quotes.report_text(p, other) == proposal.text
        assert quotes.set_report_text(p, kap, "  " + TURN_B1.replace(" ", "  ") + "\n", "AB")  # the original: cleared
        assert quotes.report_text(p, kap) is None
        assert p.undo_label() == "removed the report text"
        assert p.source_text(p.coding(kap).source_id).count(TURN_B1) == 1  # the source never changes


def test_a_passage_cut_out_of_a_sentence_is_proposed_with_omission_marks(coded):
    with Project.open(coded) as p:
        inner = code(p, "Intervju A", "de vet liksom ikke hvor lenge", "kapasitet")
        assert quotes.proposal(p, inner).text == "[…] de vet ikke hvor lenge […]"


# -- the anonymisation guard -------------------------------------------------------------------------------------------
def test_the_guard_lists_unreviewed_identifiers_in_the_quotes(coded):
    from coder.anonymise import check

    with Project.open(coded) as p:
        result = collect(p, ["samarbeid"])
        flags = guard.unreviewed(p, result.quotes)
        assert [(f.kind, f.text, f.source, f.quote) for f in flags] == [("PHONE", "918 47 263", "Intervju A", 2)]
        assert guard.describe(flags)[0].startswith("Intervju A  ")
        assert not guard.unreviewed(p, collect(p, ["kapasitet"]).quotes)  # not in those quotes
        # cut from the report text: no longer exported
        turn = p.find_coding(*span(p, "Intervju A", TURN_A2), "samarbeid-skole")
        quotes.set_report_text(p, turn, "Det har blitt bedre. Rektorene vet hvem de skal ringe.", "AB")
        assert not guard.unreviewed(p, collect(p, ["samarbeid"]).quotes)
        p.undo()
        check.dismiss(p, check.candidate("PHONE", "918 47 263"), "AB")
        assert not guard.unreviewed(p, collect(p, ["samarbeid"]).quotes)


def test_cli_exports_quotes_and_warns_about_identifiers(coded, tmp_path, run, no_pipeline):
    out = tmp_path / "samarbeid.docx"
    result = run("export", "quotes", coded, "--code", "samarbeid", "-o", out)
    assert result.exit_code == 0, result.output
    assert (
        "wrote 3 quotes under 2 headings to" in result.output
        and "(docx; 0 with an edited report text)" in result.output
    )
    assert "warning: 1 identifier the anonymisation check lists, not yet reviewed, in 1 of the quotes:" in result.output
    assert "Intervju A" in result.output and "PHONE «918 47 263»  (quote 2)" in result.output
    assert out.exists()
    strict = tmp_path / "strict.docx"
    refused = run("export", "quotes", coded, "--code", "samarbeid", "-o", strict, "--strict")
    assert refused.exit_code == 1 and "refused (--strict): nothing written" in refused.output
    assert not strict.exists()
    fine = run("export", "quotes", coded, "--code", "kapasitet", "-o", tmp_path / "k.docx", "--strict")
    assert fine.exit_code == 0 and "warning" not in fine.output


def test_cli_formats_filters_and_mistakes(coded, tmp_path, run, no_pipeline):
    ok = run("export", "quotes", coded, "--code", "kapasitet", "--where", "tjenestetype=Kommunal", "--only-marked",
             "-o", tmp_path / "k.xlsx")  # fmt: skip
    assert ok.exit_code == 0 and "wrote 1 quote under 1 heading" in ok.output and "(xlsx; 1 with" in ok.output
    ok = run(
        "export", "quotes", coded, "--code", "kapasitet", "--format", "csv", "--sep", ",", "-o", tmp_path / "k.txt"
    )
    assert ok.exit_code == 0 and (tmp_path / "k.txt").read_text(encoding="utf-8-sig").startswith('"quote","code",')
    for args, message in [
        (["--code", "kapasitet", "-o", tmp_path / "k.pdf"], "say --format"),
        (["--code", "nei", "-o", tmp_path / "k.md"], "no code 'nei'"),
        (["--code", "kapasitet", "--where", "tjenestetype=Privat", "-o", tmp_path / "k.md"], "no quotes to export"),
        (["--code", "kapasitet", "--attribution", "({rolle", "-o", tmp_path / "k.md"], "a brace is not closed"),
    ]:
        result = run("export", "quotes", coded, *args)
        assert result.exit_code == 1 and message in result.output, result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "k.md").exists()
    chapters = tmp_path / "kap.yaml"
    chapters.write_text("- tittel: 4 Kapasitet\n  koder: [kapsitet]\n", encoding="utf-8")
    bad = run("export", "quotes", coded, "--chapters", chapters, "-o", tmp_path / "k.docx")
    assert bad.exit_code == 1 and f"{chapters}:1: chapter «4 Kapasitet»: no code 'kapsitet'" in bad.output


def test_cli_quote_style_and_matrix(coded, tmp_path, run, no_pipeline):
    chapters = tmp_path / "kap.yaml"
    chapters.write_text("- tittel: 4 Kapasitet og ventetid\n  koder: [kapasitet]\n", encoding="utf-8")
    shown = run("quote-style", coded)
    assert (
        "attribution  ({tjenestetype} {rolle})  (the default)" in shown.output and "chapters     none" in shown.output
    )
    done = run("quote-style", coded, "--attribution", "({tjenestetype} {rolle|'PP-leder'})", "--chapters", chapters)
    assert done.exit_code == 0, done.output
    assert "attribution  ({tjenestetype} {rolle|'PP-leder'})\n" in done.output
    assert "chapter      4 Kapasitet og ventetid: Kapasitet" in done.output
    out = tmp_path / "kap.md"
    assert run("export", "quotes", coded, "-o", out).exit_code == 0  # no --code: the chapters' codes
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 4 Kapasitet og ventetid\n\n## Kapasitet\n") and "> (Kommunal PP-leder)" in text
    assert "Samarbeid" not in text.split("# Sporbarhet")[0]
    reset = run("quote-style", coded, "--default")
    assert "(the default)" in reset.output and "chapters     none" in reset.output
    matrix = run("export", "matrix", coded, "-o", tmp_path / "m.xlsx")
    assert matrix.exit_code == 0
    assert (
        "wrote 3 respondents × 5 codes to" in matrix.output
        and "3 respondents with a coded answer, from 2 questions" in matrix.output
    )
    assert run("export", "matrix", coded, "-o", tmp_path / "m.sav").exit_code == 1


def test_the_guard_finds_a_name_with_the_bundled_pipeline(tmp_path, run):
    """On the demo, with the language pipeline: a turn of Intervju 04 naming «Kari» (whose full name the
    interview gives), a phone number and an e-mail address is flagged; decided on, --strict lets it through."""
    from coder.demo.service import build_demo

    path = build_demo(tmp_path).path
    with Project.open(path) as p:
        source_id = p.source_by_name("Intervju 04")[0]
        seg = p.segments(source_id)[33]
        editing.code_spans(p, [(source_id, seg.start, seg.end)], "kompetanse", "AB")
    out = tmp_path / "k.docx"
    result = run("export", "quotes", path, "--code", "kompetanse", "-o", out, "--strict")
    assert result.exit_code == 1 and not out.exists()
    for flagged in ("PER «Kari Nordvik»", "PHONE «918 47 263»", "EMAIL «kari.nordvik@example.no»"):
        assert flagged in result.output
    decided = run("check", path, "--dismiss", "PER:Kari Nordvik", "--dismiss", "PHONE:918 47 263",
                  "--pseudonymise", "EMAIL:kari.nordvik@example.no")  # fmt: skip
    assert decided.exit_code == 0, decided.output
    result = run("export", "quotes", path, "--code", "kompetanse", "-o", out, "--strict")
    assert result.exit_code == 0, result.output
    assert out.exists()
