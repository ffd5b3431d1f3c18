"""Open-text answers from CSV and Excel files as Norwegian offices produce them."""

import openpyxl
import pytest

from coder.errors import InputError
from coder.ingest.survey import read_survey
from tests.conftest import REPO, write

ATTRS = ["tjenestetype", "årsverk", "landsdel"]


def answers(result):
    return {s.meta["question"]: [(g.case, s.text[g.start : g.end]) for g in s.segments] for s in result.sources}


def test_semicolon_csv_with_multiline_cells(fixtures):
    result = read_survey(fixtures / "svar.csv", "id", ["kapasitet", "endring"], ATTRS)
    assert result.respondents == 4
    assert result.answers == {"kapasitet": 2, "endring": 3}
    assert result.empty == {"kapasitet": 2, "endring": 1}  # '' and '-' are not answers
    got = answers(result)
    assert got["kapasitet"][1] == ("A3", "Stort press på høsten; mange søknader om\nspesialundervisning i vgs.")
    assert got["endring"][2] == ("A3", "vet ikke")  # a real answer, kept
    source = result.sources[0]
    assert source.kind == "survey" and source.group == "svar" and source.name == "svar: kapasitet"
    assert [(a.key, a.value) for a in source.case_attributes["A2"]] == [
        ("tjenestetype", "Interkommunal"),
        ("årsverk", "6-15"),
        ("landsdel", "Midt"),
    ]


def test_cp1252_semicolon_crlf_as_from_norwegian_excel(tmp_path):
    rows = [
        "nr;Tjenestetype;Svar",
        "1;Kommunal;Økt ventetid, særlig på våren",
        '2;Fylkeskommunal;"Vi må ""prioritere"""',
    ]
    path = write(tmp_path / "excel.csv", "\r\n".join(rows) + "\r\n", "cp1252")
    result = read_survey(path, "nr", ["svar"], ["tjenestetype"])  # column names match case-insensitively
    assert answers(result)["Svar"] == [("1", "Økt ventetid, særlig på våren"), ("2", 'Vi må "prioritere"')]
    assert result.sources[0].meta["delimiter"] == ";" and result.sources[0].meta["encoding"] == "cp1252"


@pytest.mark.parametrize("sep", [",", "\t"])
def test_comma_and_tab_separated(tmp_path, sep):
    path = write(tmp_path / "s.csv", sep.join(["id", "svar", "alder"]) + "\n" + sep.join(["x", "Greit nok", "44"]))
    result = read_survey(path, "id", ["svar"], ["alder"])
    assert answers(result)["svar"] == [("x", "Greit nok")]
    assert result.sources[0].case_attributes["x"][0].type == "number"


def test_utf16_csv(tmp_path):
    path = write(tmp_path / "u.csv", "id\tsvar\nR1\tFår til mye på få årsverk\n", "utf-16")
    assert answers(read_survey(path, "id", ["svar"]))["svar"] == [("R1", "Får til mye på få årsverk")]


def test_ragged_rows(tmp_path):
    long_row = write(tmp_path / "lang.csv", "id;svar\nR1;ok\nR2;en;to;tre\n")
    with pytest.raises(InputError, match="4 cells but the header has 2") as err:
        read_survey(long_row, "id", ["svar"])
    assert err.value.line == 3 and err.value.path.endswith("lang.csv")
    short = write(tmp_path / "kort.csv", "id;svar;region\nR1;ok;Nord\nR2;fint\n")
    result = read_survey(short, "id", ["svar"], ["region"])
    assert result.answers == {"svar": 2}
    assert "1 rows had fewer cells" in result.notes[0] and "3" in result.notes[0]


def test_unknown_column_suggests_the_nearest(tmp_path):
    path = write(tmp_path / "s.csv", "respondent;kapasitet\nR1;ok\n")
    with pytest.raises(InputError, match="did you mean 'kapasitet'"):
        read_survey(path, "respondent", ["kapasitte"])
    with pytest.raises(InputError, match="no id column 'id'"):
        read_survey(path, "id", ["kapasitet"])


def test_duplicate_and_missing_ids_name_the_line(tmp_path):
    with pytest.raises(InputError, match="twice") as err:
        read_survey(write(tmp_path / "d.csv", "id;svar\nR1;a\nR2;b\nR1;c\n"), "id", ["svar"])
    assert err.value.line == 4
    with pytest.raises(InputError, match="empty") as err:
        read_survey(write(tmp_path / "e.csv", "id;svar\nR1;a\n;b\n"), "id", ["svar"])
    assert err.value.line == 3


def test_header_problems(tmp_path):
    with pytest.raises(InputError, match="no name"):
        read_survey(write(tmp_path / "a.csv", "id;;svar\n1;2;3\n"), "id", ["svar"])
    with pytest.raises(InputError, match="two columns"):
        read_survey(write(tmp_path / "b.csv", "id;svar;Svar\n1;2;3\n"), "id", ["svar"])
    with pytest.raises(InputError, match="empty"):
        read_survey(write(tmp_path / "c.csv", ""), "id", ["svar"])


def test_long_cell(tmp_path):
    text = "lang " * 60_000
    result = read_survey(write(tmp_path / "l.csv", f'id;svar\nR1;"{text}"\n'), "id", ["svar"])
    assert len(answers(result)["svar"][0][1]) == len(text.strip())


def test_xlsx_with_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Forside"
    book.active.append(["Ikke data"])
    sheet = book.create_sheet("Svar")
    sheet.append(["ID", "Tjenestetype", "Årsverk", "Hva er viktigst?"])
    sheet.append([101, "Kommunal", 4, "Å være tett på barnehagene"])
    sheet.append([102, "Interkommunal", 12.0, None])
    sheet.append([103, "Kommunal", 3, "Rekruttering av psykologer"])
    book.save(tmp_path / "svar.xlsx")
    result = read_survey(tmp_path / "svar.xlsx", "ID", ["Hva er viktigst?"], ["Tjenestetype", "Årsverk"], "Svar")
    assert answers(result)["Hva er viktigst?"] == [
        ("101", "Å være tett på barnehagene"),
        ("103", "Rekruttering av psykologer"),
    ]
    assert result.empty == {"Hva er viktigst?": 1}
    assert [(a.key, a.value, a.type) for a in result.sources[0].case_attributes["102"]] == [
        ("Tjenestetype", "Interkommunal", "text"),
        ("Årsverk", "12", "number"),
    ]
    with pytest.raises(InputError, match="no sheet 'Ark1'; sheets are: Forside, Svar"):
        read_survey(tmp_path / "svar.xlsx", "ID", ["x"], sheet="Ark1")


def test_corrupt_and_wrong_spreadsheets(tmp_path):
    with pytest.raises(InputError, match="xlsx"):
        read_survey(write(tmp_path / "x.xlsx", b"PK\x03\x04garbage"), "id", ["svar"])
    with pytest.raises(InputError, match=".xls files"):
        read_survey(write(tmp_path / "x.xls", b"\xd0\xcf\x11\xe0"), "id", ["svar"])
    with pytest.raises(InputError, match="binary"):
        read_survey(write(tmp_path / "b.csv", bytes(range(256)) * 10), "id", ["svar"])


def test_guess_roles_of_the_demo_survey():
    from coder.ingest.survey import guess_roles, read_table

    table = read_table(REPO / "corpus" / "survey" / "ppt-ledere-2026.csv")
    assert guess_roles(table) == {
        "respondent": "id",
        "tjenestetype": "attribute",
        "årsverk": "attribute",
        "landsdel": "attribute",
        "q1_kapasitet": "question",
        "q2_kompetanselof": "question",
        "q3_endring": "question",
    }


def test_guess_roles_prefers_a_column_named_like_an_id(tmp_path):
    from coder.ingest.survey import guess_roles, read_table

    path = tmp_path / "s.csv"
    path.write_text(
        "løpenr;tid;fylke;svar\n1;10:01;Agder;Vi har for lite tid til skolene\n"
        "2;10:02;Agder;Ventetiden er for lang nå\n3;10:03;Viken;\n",
        encoding="utf-8",
    )
    roles = guess_roles(read_table(path))
    assert roles["løpenr"] == "id" and roles["svar"] == "question" and roles["fylke"] == "attribute"
