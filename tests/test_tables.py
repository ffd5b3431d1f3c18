"""The analysis tables: exact counts on a small project worked out by hand, the demo project checked against an
independent count, the Norwegian number format, and ``coder tables`` with its Markdown, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from coder.analysis.formats import to_csv, to_markdown, write_xlsx
from coder.analysis.service import TableRequest, build_table, find_sources
from coder.analysis.tables import format_count, format_percent, sort_key, tree_order
from coder.cli import main
from coder.coding import service as editing
from coder.errors import CoderError
from coder.model import Attribute, Code, Codebook, ImportedSource, Segment
from coder.store import Project
from coder.store.analysis import Scope

# -- a small project, every count worked out by hand -------------------------------------------------------------
#
# Survey q1: R1 R2 R3 (Kommunal), R4 R5 (Interkommunal), R6 (no tjenestetype). Survey q2: R1, R4.
# Interview A (Fylkeskommunal): three turns t1 t2 t3. A document of two paragraphs d1 d2 (no case).
# Codebook: kapasitet > ventetid, mandat, samarbeid.
#
#  #  code       where                                        segments
#  1  kapasitet  a1 whole                                     a1
#  2  ventetid   a1 «ventetiden er over tre måneder»          a1
#  3  ventetid   a2 whole                                     a2
#  4  samarbeid  a3 first sentence                            a3
#  5  kapasitet  a3 second sentence                           a3
#  6  kapasitet  a3 third sentence (same answer again)        a3
#  7  kapasitet  a4 whole                                     a4
#  8  samarbeid  a6 whole                                     a6
#  9  samarbeid  b1 (q2, R1)                                  b1
# 10  ventetid   b4 (q2, R4)                                  b4
# 11  kapasitet  t1 start → t2 end: one coding, two turns     t1 t2
# 12  samarbeid  t2                                           t2
# 13  samarbeid  d1 (no case)                                 d1
# 14  mandat     the blank between t1 and t2: no segment      —
# 15  ventetid   starts in the blank before t3, ends in it    t3

Q1 = {
    "R1": "Vi har for lite kapasitet, og ventetiden er over tre måneder.",
    "R2": "Ventetiden for de minste barna er alt for lang.",
    "R3": "Samarbeidet med skolene er godt. Men vi rekker ikke alt. Vi er for få.",
    "R4": "Vi har ingen psykolog i teamet lenger.",
    "R5": "Vet ikke.",
    "R6": "Vi møter rektorene hver måned.",
}
Q2 = {"R1": "Vi får til mer samarbeid med barnehagene nå.", "R4": "Lang ventetid på logoped."}
TURNS = [
    "Hvordan er kapasiteten hos dere nå?",
    "Vi er fire årsverk på tre kommuner. Skolene ringer oss før de sender henvisning.",
    "Ventelista er kortere enn i fjor.",
]
PARAGRAPHS = ["Møtereferat fra samarbeidsmøtet med skolene.", "Neste møte er i mai."]
ATTRIBUTES = {
    "R1": {"tjenestetype": "Kommunal", "landsdel": "Nord"},
    "R2": {"tjenestetype": "Kommunal", "landsdel": "Vest"},
    "R3": {"tjenestetype": "Kommunal", "landsdel": "Nord"},
    "R4": {"tjenestetype": "Interkommunal", "landsdel": "Øst"},
    "R5": {"tjenestetype": "Interkommunal", "landsdel": "Sør"},
    "R6": {"landsdel": "Midt"},
}


def _source(kind, name, parts: dict[str | None, str] | list[str], case=None, case_attributes=None) -> ImportedSource:
    items = list(parts.items()) if isinstance(parts, dict) else [(None, p) for p in parts]
    text, segments = "", []
    for who, part in items:
        if text:
            text += "\n\n"
        segments.append(Segment(len(text), len(text) + len(part), speaker=None, case=who))
        text += part
    return ImportedSource(kind, name, text, segments, case=case, **(case_attributes or {}))


def _attrs(values: dict[str, str]) -> list[Attribute]:
    return [Attribute(k, v) for k, v in values.items()]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "liten.coder"
    with Project.create(path) as project:
        codes = [
            Code("kapasitet", "Kapasitet"),
            Code("ventetid", "Ventetid", parent="kapasitet"),
            Code("mandat", "Mandat og rolle"),
            Code("samarbeid", "Samarbeid"),
        ]
        respondents = {name: _attrs(values) for name, values in ATTRIBUTES.items()}
        with project.transaction():
            project.merge_codebook(Codebook("liten", codes))
            project.add_sources(
                [
                    _source(
                        "survey", "Spørreskjema: q1_kapasitet", Q1, case_attributes={"case_attributes": respondents}
                    ),
                    _source(
                        "survey", "Spørreskjema: q2_samarbeid", Q2, case_attributes={"case_attributes": respondents}
                    ),
                    _source(
                        "transcript",
                        "Intervju A",
                        TURNS,
                        case="Informant A",
                        case_attributes={"attributes": _attrs({"tjenestetype": "Fylkeskommunal", "landsdel": "Vest"})},
                    ),
                    _source("document", "Møtereferat", PARAGRAPHS),
                ]
            )
        by_name = {s.name: s for s in project.sources()}
        q1, q2 = by_name["Spørreskjema: q1_kapasitet"], by_name["Spørreskjema: q2_samarbeid"]
        interview, document = by_name["Intervju A"], by_name["Møtereferat"]
        a = {seg.case: seg for seg in project.segments(q1.id)}
        b = {seg.case: seg for seg in project.segments(q2.id)}
        t = project.segments(interview.id)
        d = project.segments(document.id)
        q1_text = project.source_text(q1.id)

        def part(seg, words):
            start = q1_text.index(words, seg.start)
            return (q1.id, start, start + len(words))

        codings = [
            ("kapasitet", (q1.id, a["R1"].start, a["R1"].end)),
            ("ventetid", part(a["R1"], "ventetiden er over tre måneder")),
            ("ventetid", (q1.id, a["R2"].start, a["R2"].end)),
            ("samarbeid", part(a["R3"], "Samarbeidet med skolene er godt.")),
            ("kapasitet", part(a["R3"], "Men vi rekker ikke alt.")),
            ("kapasitet", part(a["R3"], "Vi er for få.")),
            ("kapasitet", (q1.id, a["R4"].start, a["R4"].end)),
            ("samarbeid", (q1.id, a["R6"].start, a["R6"].end)),
            ("samarbeid", (q2.id, b["R1"].start, b["R1"].end)),
            ("ventetid", (q2.id, b["R4"].start, b["R4"].end)),
            ("kapasitet", (interview.id, t[0].start, t[1].end)),
            ("samarbeid", (interview.id, t[1].start, t[1].end)),
            ("samarbeid", (document.id, d[0].start, d[0].end)),
            ("mandat", (interview.id, t[0].end, t[1].start)),
            ("ventetid", (interview.id, t[2].start - 2, t[2].start + 3)),
        ]
        with project.transaction():
            for code, (source_id, start, end) in codings:
                project.add_coding(source_id, start, end, code, "test")
    return path


def _cells(table, code_id: str | None = None, label: str | None = None) -> list:
    row = next(r for r in table.rows if (code_id and r.code_id == code_id) or (label and r.label == label))
    return row.cells


def test_frequencies_count_codings_segments_and_cases(small):
    with Project.open(small) as project:
        table = build_table(project, TableRequest("frequencies"))
    assert table.header() == [
        "Kode",
        "Kodinger",
        "Segmenter",
        "Saker",
        "Segmenter inkl. underkoder",
        "Saker inkl. underkoder",
    ]
    assert [(r.label, r.depth) for r in table.rows] == [
        ("Kapasitet", 0),
        ("Ventetid", 1),
        ("Mandat og rolle", 0),
        ("Samarbeid", 0),
        ("Minst én kode", 0),
        ("Alle i utvalget", 0),
    ]
    # kapasitet: codings 1 5 6 7 11 on a1 a3 a4 t1 t2 of R1 R3 R4 A; with ventetid also a2 b4 t3 and R2
    assert _cells(table, "kapasitet") == [5, 5, 4, 8, 5]
    # ventetid: 2 3 10 15 on a1 a2 b4 t3 (15 starts in the blank before t3) of R1 R2 R4 A
    assert _cells(table, "ventetid") == [4, 4, 4, 4, 4]
    # mandat's only coding lies in the blank between two turns: it codes no segment
    assert _cells(table, "mandat") == [0, 0, 0, 0, 0]
    # samarbeid: 4 8 9 12 13 on a3 a6 b1 t2 d1; d1 (the document) has no case
    assert _cells(table, "samarbeid") == [5, 5, 4, 5, 4]
    assert _cells(table, label="Minst én kode") == [14, 11, 6, 11, 6]
    assert _cells(table, label="Alle i utvalget") == [None, 13, 7, 13, 7]


def test_frequencies_in_a_filter_count_only_those_cases(small):
    with Project.open(small) as project:
        table = build_table(project, TableRequest("frequencies", where="tjenestetype=kommunal"))
    # Kommunal only, not Interkommunal nor Fylkeskommunal: R1 R2 R3, segments a1 a2 a3 b1 — all survey answers
    assert table.header()[3] == "Respondenter"
    assert _cells(table, "kapasitet") == [3, 2, 2, 3, 3]
    assert _cells(table, "ventetid") == [2, 2, 2, 2, 2]
    assert _cells(table, "samarbeid") == [2, 2, 2, 2, 2]
    assert _cells(table, label="Alle i utvalget") == [None, 4, 3, 4, 3]
    assert "Utvalg: tjenestetype=kommunal." in table.notes


def test_attribute_table_gives_n_per_group_and_percent_of_the_group(small):
    with Project.open(small) as project:
        table = build_table(project, TableRequest("attribute", "tjenestetype", sources=("q1",)))
    assert table.title == "Koder etter tjenestetype"
    assert table.header() == ["Kode", "Interkommunal (n=2)", "Kommunal (n=3)", "(ikke oppgitt) (n=1)", "Totalt (n=6)"]
    rows = {r[0].strip(): r[1:] for r in table.text_rows()}
    assert rows["Kapasitet"] == ["50 % (1)", "67 % (2)", "0 % (0)", "50 % (3)"]
    assert rows["Ventetid"] == ["0 % (0)", "67 % (2)", "0 % (0)", "33 % (2)"]
    assert rows["Mandat og rolle"] == ["0 % (0)", "0 % (0)", "0 % (0)", "0 % (0)"]
    assert rows["Samarbeid"] == ["0 % (0)", "33 % (1)", "100 % (1)", "33 % (2)"]
    assert table.notes[0] == "Kilde: Spørreskjema: q1_kapasitet."
    assert any("bare sine egne kodinger" in note for note in table.notes)
    assert [r[1] for r in table.text_rows("percent", decimals=1)][:2] == ["50,0 %", "0,0 %"]
    assert [r[2] for r in table.text_rows("percent", decimals=1)][:2] == ["66,7 %", "66,7 %"]
    assert [r[2] for r in table.text_rows("count")][:2] == ["2", "2"]


def test_attribute_table_with_subcodes_counts_a_parent_with_its_children(small):
    with Project.open(small) as project:
        table = build_table(project, TableRequest("attribute", "tjenestetype", sources=("q1",), subcodes=True))
    rows = {r[0].strip(): r[1:] for r in table.text_rows()}
    assert rows["Kapasitet"] == ["50 % (1)", "100 % (3)", "0 % (0)", "67 % (4)"]
    assert rows["Ventetid"] == ["0 % (0)", "67 % (2)", "0 % (0)", "33 % (2)"]
    assert any("teller med kodingene av underkodene" in note for note in table.notes)


def test_attribute_table_over_every_source_counts_each_case_once(small):
    with Project.open(small) as project:
        table = build_table(project, TableRequest("attribute", "tjeneste"))  # a key's start is enough
    assert table.header() == [
        "Kode",
        "Fylkeskommunal (n=1)",
        "Interkommunal (n=2)",
        "Kommunal (n=3)",
        "(ikke oppgitt) (n=1)",
        "Totalt (n=7)",
    ]
    rows = {r[0].strip(): r[1:] for r in table.text_rows()}
    # ventetid: A (t3), R4 (b4, in q2), R1 and R2 (q1)
    assert rows["Ventetid"] == ["100 % (1)", "50 % (1)", "67 % (2)", "0 % (0)", "57 % (4)"]
    # samarbeid: A (t2), R1 (b1), R3 (a3), R6 (a6); the document's paragraph d1 has no case
    assert rows["Samarbeid"] == ["100 % (1)", "0 % (0)", "67 % (2)", "100 % (1)", "57 % (4)"]


def test_cooccurrence_counts_segments_coded_with_both(small):
    with Project.open(small) as project:
        table = build_table(project, TableRequest("cooccurrence"))
        rolled = build_table(project, TableRequest("cooccurrence", subcodes=True))
    assert table.header() == ["Kode", "1", "2", "3"]
    assert [(r.label, r.depth) for r in table.rows] == [("1. Kapasitet", 0), ("2. Ventetid", 1), ("3. Samarbeid", 0)]
    # a1 has kapasitet+ventetid; a3 and t2 have kapasitet+samarbeid; ventetid and samarbeid never meet
    assert [r.cells for r in table.rows] == [[5, 1, 2], [1, 4, 0], [2, 0, 5]]
    # with sub-codes kapasitet holds every ventetid segment too
    assert [r.cells for r in rolled.rows] == [[8, 4, 2], [4, 4, 0], [2, 0, 5]]


def test_counts_follow_new_codings_undo_and_other_connections(small):
    with Project.open(small) as project, Project.open(small) as other:
        assert project.code_counts_in(Scope())["kapasitet"].segments == 5
        q2 = find_sources(project, ["q2"])[0]
        seg = project.segments(q2.id)[1]
        editing.code_spans(project, [(q2.id, seg.start, seg.end)], "kapasitet", "test")
        assert project.code_counts_in(Scope())["kapasitet"].segments == 6
        editing.undo(project)
        assert project.code_counts_in(Scope())["kapasitet"].segments == 5
        assert "mandat" not in project.code_counts_in(Scope())
        interview = find_sources(other, ["Intervju A"])[0]
        turn = other.segments(interview.id)[0]
        editing.code_spans(other, [(interview.id, turn.start, turn.end)], "mandat", "test")
        assert project.code_counts_in(Scope())["mandat"].segments == 1  # another connection's commit is seen


def test_sources_and_attributes_are_named_clearly(small):
    with Project.open(small) as project:
        assert [s.name for s in find_sources(project, ["q2_samarbeid", "Intervju a"])] == [
            "Spørreskjema: q2_samarbeid",
            "Intervju A",
        ]
        with pytest.raises(CoderError, match="'Spørreskjema' names 2 sources"):
            find_sources(project, ["Spørreskjema"])
        with pytest.raises(CoderError, match="no source called 'q9'"):
            find_sources(project, ["q9"])
        with pytest.raises(CoderError, match=r"no attribute 'fylke' \(attributes: tjenestetype, landsdel\)"):
            build_table(project, TableRequest("attribute", "fylke"))
        with pytest.raises(CoderError, match="filter: no attribute starts with 'region'"):
            build_table(project, TableRequest("frequencies", where="region=nord"))
        with pytest.raises(CoderError, match="filter: årsverk>mange: > needs a number"):
            build_table(project, TableRequest("frequencies", where="årsverk>mange"))


# -- the numbers as reports print them --------------------------------------------------------------------------
def test_norwegian_numbers():
    assert format_percent(55, 119) == "46 %"
    assert format_percent(1, 8) == "13 %"  # 12.5 rounds half up, not to even
    assert format_percent(5, 8) == "63 %"
    assert format_percent(1, 3, decimals=1) == "33,3 %"
    assert format_percent(1, 8, decimals=1) == "12,5 %"
    assert format_percent(0, 0) == "–"
    assert format_count(1234) == "1234" and format_count(20000) == "20 000" and format_count(1234567) == "1 234 567"
    values = ["16+", "Øst", "1-5", "Vest", "Åsane", "6-15", "Ærfugl", "Nord"]
    assert sorted(values, key=sort_key) == ["1-5", "6-15", "16+", "Nord", "Vest", "Ærfugl", "Øst", "Åsane"]


def test_tree_order_puts_sub_codes_under_their_parent():
    codes = [Code("b", "B"), Code("a1", "A1", parent="a"), Code("a", "A"), Code("x", "X", parent="gone")]
    assert [(c.id, d) for c, d in tree_order(codes)] == [("b", 0), ("a", 0), ("a1", 1), ("x", 0)]


# -- the files ------------------------------------------------------------------------------------------------
def test_markdown_is_an_aligned_pipe_table_with_the_notes(small):
    with Project.open(small) as project:
        table = build_table(project, TableRequest("attribute", "tjenestetype", sources=("q1",)))
    text = to_markdown(table)
    lines = text.splitlines()
    assert lines[0] == "Koder etter tjenestetype"
    assert lines[2].startswith("| Kode ")
    assert set(len(line) for line in lines[2:8]) == {len(lines[2])}  # every row as wide: aligned
    assert lines[3].startswith("|:--") and lines[3].endswith("-:|")
    assert [c.strip(" ") for c in lines[5].split("|")[1:-1]] == [
        "\u00a0\u00a0Ventetid",
        "0 % (0)",
        "67 % (2)",
        "0 % (0)",
        "33 % (2)",
    ]
    assert lines[-1].startswith("Kilde: Spørreskjema: q1_kapasitet. n: respondenter i gruppen")


def test_csv_has_count_and_percent_columns_and_decimal_commas_with_semicolons(small):
    with Project.open(small) as project:
        table = build_table(project, TableRequest("attribute", "tjenestetype", sources=("q1",)))
    rows = list(csv.reader(io.StringIO(to_csv(table, sep=";", decimals=1)), delimiter=";"))
    assert rows[0] == [
        "Kode-id",
        "Nivå",
        "Kode",
        "Interkommunal (n=2) antall",
        "Interkommunal (n=2) %",
        "Kommunal (n=3) antall",
        "Kommunal (n=3) %",
        "(ikke oppgitt) (n=1) antall",
        "(ikke oppgitt) (n=1) %",
        "Totalt (n=6) antall",
        "Totalt (n=6) %",
    ]
    assert rows[2] == ["ventetid", "2", "Ventetid", "0", "0,0", "2", "66,7", "0", "0,0", "2", "33,3"]
    plain = list(csv.reader(io.StringIO(to_csv(table, sep=",", show="percent"))))
    assert plain[0][3:5] == ["Interkommunal (n=2) %", "Kommunal (n=3) %"]
    assert plain[1][3:] == ["50", "67", "0", "50"]


def test_xlsx_has_a_header_row_number_formats_and_widths(small, tmp_path):
    with Project.open(small) as project:
        table = build_table(project, TableRequest("attribute", "tjenestetype", sources=("q1",)))
    path = tmp_path / "tabell.xlsx"
    write_xlsx(table, path)
    book = load_workbook(path)
    sheet = book["Tabell"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Kode-id", "Nivå", "Kode", "Interkommunal (n=2) antall", "Interkommunal (n=2) %"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "D2"
    kapasitet = [c for c in sheet[2]]
    assert [c.value for c in kapasitet[:5]] == ["kapasitet", 1, "Kapasitet", 1, 0.5]
    assert kapasitet[3].number_format == "#,##0" and kapasitet[4].number_format == "0 %"
    ventetid = sheet[3]
    assert ventetid[2].alignment.indent == 1
    assert ventetid[6].value == pytest.approx(2 / 3)  # the exact share; Excel shows 67 %
    assert sheet.column_dimensions["C"].width >= len("Mandat og rolle")
    assert book["Om tabellen"]["A1"].value == "Koder etter tjenestetype"


# -- the command line -------------------------------------------------------------------------------------------
@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_cli_prints_markdown_and_writes_files(run, small, tmp_path):
    result = run("tables", small, "attribute", "tjenestetype", "--source", "q1")
    assert result.exit_code == 0, result.output
    assert "| Kapasitet " in result.output and " 67 % (2) |" in result.output
    assert "Interkommunal (n=2)" in result.output

    out = tmp_path / "samforekomst.csv"
    result = run("tables", small, "cooccurrence", "--sep", ";", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}: Samforekomst av koder, 3 rows")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # utf-8-sig: Excel reads æøå
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["kapasitet", "1", "1. Kapasitet", "5", "1", "2"]

    out = tmp_path / "frekvenser.xlsx"
    assert run("tables", small, "frequencies", "--where", "tjenestetype=kommunal", "-o", out).exit_code == 0
    sheet = load_workbook(out)["Tabell"]
    assert [c.value for c in sheet[2]] == ["kapasitet", 1, "Kapasitet", 3, 2, 2, 3, 3]
    assert sheet["F1"].value == "Respondenter"

    result = run("export", "tables", small, "frequencies", "--show", "count")  # also under coder export
    assert result.exit_code == 0 and "| Kapasitet" in result.output


def test_cli_errors_are_one_line(run, small, tmp_path):
    result = run("tables", small, "attribute", "fylke")
    assert result.exit_code == 1
    assert result.output.strip() == "error: no attribute 'fylke' (attributes: tjenestetype, landsdel)"
    result = run("tables", small, "attribute")
    assert result.exit_code == 2 and "needs an attribute" in result.output
    result = run("tables", small, "frequencies", "tjenestetype")
    assert result.exit_code == 2 and "only the attribute table takes an attribute" in result.output
    result = run("tables", small, "frequencies", "--format", "xlsx")
    assert result.exit_code == 2 and "add -o FILE.xlsx" in result.output
    result = run("tables", small, "frequencies", "-o", tmp_path / "finnes-ikke" / "t.csv")
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == f"error: {tmp_path / 'finnes-ikke' / 't.csv'}: the folder {tmp_path / 'finnes-ikke'} does not exist"
    )
    result = run("tables", small, "frequencies", "--source", "q9")
    assert result.exit_code == 1 and "no source called 'q9'" in result.output


# -- the demo project: the SQL counts against a plain count in Python ------------------------------------------------
CODED = {
    "kapasitet": "kapasitet",
    "ventetid": "vente",
    "samarbeid_skole": "skole",
    "kompetanseloftet": "kompetanseløft",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from coder.demo.service import build_demo

    path = build_demo(tmp_path_factory.mktemp("demo")).path
    with Project.open(path) as project:
        for source in project.sources():
            text = project.source_text(source.id)
            segments = project.segments(source.id)
            for code, word in CODED.items():
                spans = [(source.id, s.start, s.end) for s in segments if word in text[s.start : s.end].lower()]
                if spans:
                    editing.code_spans(project, spans, code, "test")
            # a coding over two turns, so overlaps of several segments are in the demo too
            if source.kind == "transcript":
                editing.code_spans(project, [(source.id, segments[3].start, segments[4].end)], "mandat", "test")
    return path


def plain_count(project: Project, sources: list[int] | None = None):
    """Each code's segments and cases, and the cases in scope, counted without SQL from codings and segments."""
    segments, cases = {}, {}
    for source in project.sources():
        if sources is None or source.id in sources:
            case_of_source = source.case
            for seg in project.segments(source.id):
                segments[seg.id] = (source.id, seg.start, seg.end)
                cases[seg.id] = seg.case or case_of_source
    coded_segments, coded_cases = defaultdict(set), defaultdict(set)
    for coding in project.codings():
        for seg_id, (source_id, start, end) in segments.items():
            if source_id == coding.source_id and start < coding.end and coding.start < end:
                coded_segments[coding.code_id].add(seg_id)
                if cases[seg_id]:
                    coded_cases[coding.code_id].add(cases[seg_id])
    return coded_segments, coded_cases, {c for c in cases.values() if c}


def test_demo_frequencies_match_a_plain_count(demo):
    with Project.open(demo) as project:
        table = build_table(project, TableRequest("frequencies"))
        segments, cases, in_scope = plain_count(project)
    assert _cells(table, label="Alle i utvalget")[1:3] == [848, len(in_scope)]
    for code_id in CODED | {"mandat": ""}:
        assert _cells(table, code_id)[1:3] == [len(segments[code_id]), len(cases[code_id])], code_id
    assert _cells(table, "mandat")[1] == 16  # eight interviews, two turns each


def test_demo_attribute_table_on_a_survey_question(demo):
    """n per group straight from the survey file: the respondents who answered q1, by tjenestetype."""
    from coder.demo.service import SURVEY_FILE, data_root
    from coder.ingest.survey import NON_ANSWERS

    with open(data_root() / "corpus" / SURVEY_FILE, encoding="cp1252", newline="") as fh:
        answered = [r for r in csv.DictReader(fh, delimiter=";") if r["q1_kapasitet"].strip() not in NON_ANSWERS]
    n = defaultdict(int)
    for row in answered:
        n[row["tjenestetype"]] += 1
    with Project.open(demo) as project:
        table = build_table(project, TableRequest("attribute", "tjenestetype", sources=("q1_kapasitet",)))
        q1 = find_sources(project, ["q1_kapasitet"])[0].id
        _, cases, _ = plain_count(project, [q1])
        kinds = {c.name: c.attributes["tjenestetype"].value for c in project.cases() if "tjenestetype" in c.attributes}
    groups = ["Fylkeskommunal", "Interkommunal", "Kommunal"]
    assert table.header()[1:] == [f"{g} (n={n[g]})" for g in groups] + [f"Totalt (n={len(answered)})"]
    for code_id in ("kapasitet", "ventetid"):
        row = _cells(table, code_id)
        for group, cell in zip(groups, row, strict=False):
            assert (cell.count, cell.n) == (sum(kinds[c] == group for c in cases[code_id]), n[group])
        assert (row[-1].count, row[-1].n) == (len(cases[code_id]), len(answered))
    assert row[-1].count > 0


def test_demo_cooccurrence_matches_a_plain_count(demo):
    with Project.open(demo) as project:
        table = build_table(project, TableRequest("cooccurrence"))
        segments, _, _ = plain_count(project)
    ids = [r.code_id for r in table.rows]
    assert set(ids) == set(CODED) | {"mandat"}
    for row in table.rows:
        for other, value in zip(ids, row.cells, strict=True):
            assert value == len(segments[row.code_id] & segments[other]), (row.code_id, other)
