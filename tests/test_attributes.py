"""Attributes from a sidecar CSV (one row per file) and their types."""

import pytest

from coder.errors import InputError
from coder.ingest.attributes import infer_type
from coder.ingest.service import import_files
from tests.conftest import write


def test_sidecar_rows_match_files_by_name_or_stem(project, fixtures, tmp_path):
    sidecar = write(
        tmp_path / "personer.csv",
        "Fil;tittel;tjenestetype;årsverk\r\nINTERVJU-KORT.vtt;Intervju V;Fylkeskommunal;16+\r\n"
        "intervju-kort;Intervju S;Interkommunal;6-15\r\n",
        "cp1252",
    )
    report = import_files(project, [fixtures / "intervju-kort.vtt", fixtures / "intervju-kort.srt"], attributes=sidecar)
    assert [s.name for s in report.added] == ["Intervju V", "Intervju S"]
    cases = {c.name: c for c in project.cases()}
    assert cases["Intervju V"].attributes["tjenestetype"].value == "Fylkeskommunal"
    assert cases["Intervju S"].attributes["årsverk"].value == "6-15"


def test_sidecar_overrides_front_matter_and_notes_missing_rows(project, fixtures, tmp_path):
    sidecar = write(tmp_path / "a.csv", "file,landsdel\nintervju-kort.txt,Nord\n")
    report = import_files(project, [fixtures / "intervju-kort.txt", fixtures / "intervju-kort.vtt"], attributes=sidecar)
    attrs = {c.name: c.attributes for c in project.cases()}
    assert attrs["Testintervju"]["landsdel"].value == "Nord"  # the sidecar wins
    assert attrs["Testintervju"]["tjenestetype"].value == "Kommunal"  # front matter kept
    assert report.notes == ["intervju-kort.vtt: no row in a.csv; imported without attributes"]


@pytest.mark.parametrize(
    "body, message, line",
    [
        ("navn,region\nx,Nord\n", "no file column", 1),
        ("file,region\na.txt,Nord\nA.txt,Sør\n", "second row", 3),
        ("file,region\na.txt,Nord,ekstra\n", "3 cells but the header has 2", 2),
        ("file,\na.txt,Nord\n", "column 2 has no name", 1),
        ("file,region\n,Nord\n", "no file name", 2),
    ],
)
def test_bad_sidecar_names_file_and_line(project, fixtures, tmp_path, body, message, line):
    sidecar = write(tmp_path / "personer.csv", body)
    with pytest.raises(InputError, match=message) as err:
        import_files(project, [fixtures / "intervju-kort.txt"], attributes=sidecar)
    assert err.value.line == line and err.value.path.endswith("personer.csv")
    assert project.stats()["sources"] == 0


def test_types():
    assert infer_type(["12", "3,5", "-1"]) == "number"
    assert infer_type(["2026-03-12", "01.02.2025"]) == "date"
    assert infer_type(["6-15", "16+"]) == "text"
    assert infer_type(["", "4"]) == "number"


def test_a_file_with_front_matter_needs_no_sidecar_row(project, fixtures, tmp_path):
    """The README's tour imports files with a header and files without one with one --attributes file: the first
    have their attributes, so «no row …; imported without attributes» would be false for them."""
    sidecar = write(tmp_path / "attributes.csv", "file,landsdel\nannen.txt,Nord\n")
    report = import_files(project, [fixtures / "intervju-kort.txt"], attributes=sidecar)
    assert report.notes == []
    assert project.cases()[0].attributes["tjenestetype"].value == "Kommunal"
