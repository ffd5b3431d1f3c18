"""Hostile text through every export: nothing becomes a formula, nothing breaks a file, the text stays the text.

Labels, attribute keys and values, a survey column name, answers and memos that look like formulas
(``=HYPERLINK(…)``, ``+1``, ``-vet ikke``, ``@SUM(A1)``, ``=)``) and text with characters XML cannot hold
(NUL, ESC, form feed, a lone surrogate) go through the quotes (CSV, XLSX, DOCX, Markdown), the respondent ×
code matrix (CSV, XLSX) and the three analysis tables (CSV, XLSX, Markdown). XLSX: no ``<f>`` in any sheet,
every text cell a string cell showing exactly the text (less the unwritable characters). CSV: no field starts
the way a formula does (OWASP: a leading ``'``), and without it the field is the text. The control characters
are put into the project file behind coder's back, as an older version or another program could have left them.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import types
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from coder.analysis import formats
from coder.analysis.service import TableRequest, build_table
from coder.cli import main
from coder.coding import service as editing
from coder.export.cells import FORMULA_START, clean, clip, csv_value
from coder.export.matrix import build_matrix, write_matrix
from coder.export.quotes import collect, write
from coder.ingest.service import import_survey
from coder.store import Project
from tests.conftest import survey_project

LINK = '=HYPERLINK("http://x","klikk")'
FORMULAS = [LINK, "+1", "-vet ikke", "@SUM(A1)", "=)", "\tx"]
CONTROL = "før\x00 midt\x1b[2J etter\x0c slutt"  # NUL, an escape sequence, a form feed
CONTROL_SHOWN = "før midt[2J etter slutt"
ATTRIBUTE = "=tjeneste"  # a survey column name
QUESTION = "-svar"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A survey project: six respondents answering with formula-like text, a code per answer with a formula-like
    label, attribute values the same; then, behind coder's back, control characters in a label, an attribute
    value, a memo and an answer (as a project from an older version could hold them)."""
    rows = [["id", ATTRIBUTE, QUESTION]]
    rows += [[f"R{i}", value, f"{value} svar{i} XYZ"] for i, value in enumerate(FORMULAS, 1)]
    with open(tmp_path / "svar.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    path = tmp_path / "p.coder"
    with Project.create(path) as p:
        import_survey(p, tmp_path / "svar.csv", "id", [QUESTION], [ATTRIBUTE], coder="test")
        (source_id,) = [s.id for s in p.sources()]
        segments = p.segments(source_id)
        assert len(segments) == len(FORMULAS)
        for i, seg in enumerate(segments):
            code = editing.new_code(p, f"kode {i}", None, "test")
            (coding,) = editing.code_spans(p, [(source_id, seg.start, seg.end)], code.id, "test")
            editing.write_memo(p, "coding", coding, FORMULAS[i], "test")
        editing.new_code(p, "kontroll", None, "test")
        editing.code_spans(p, [(source_id, segments[0].start, segments[0].end)], "kontroll", "test")
    with sqlite3.connect(path) as db:
        for i, label in enumerate(FORMULAS):
            db.execute("UPDATE code SET label = ? WHERE id = ?", (label, f"kode_{i}"))
        db.execute("UPDATE code SET label = ? WHERE id = 'kontroll'", (CONTROL,))
        db.execute("UPDATE attribute SET value = ? WHERE value = '=)'", (CONTROL,))
        db.execute("UPDATE memo SET text = ? WHERE text = '@SUM(A1)'", (CONTROL,))
        (text,) = db.execute("SELECT text FROM source").fetchone()
        # same length; no NUL here: SQLite's substr() (which reads a coded passage) stops at one
        db.execute("UPDATE source SET text = ?", (text.replace("XYZ", "\x01\x1b\x0c", 1),))
    return path


# -- reading the files back ------------------------------------------------------------------------------------------
def xlsx_texts(path: Path) -> list[str]:
    """Every text cell of every sheet, after checking the file holds no formula and types text as text."""
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            assert not re.search(r"<(\w+:)?f[ >/]", xml), f"{path.name} {name} holds a formula"
    book = openpyxl.load_workbook(path)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (path.name, cell.coordinate, cell.value)
                    texts.append(cell.value)
                elif cell.value is not None:
                    assert cell.data_type in ("n", "s"), (path.name, cell.coordinate, cell.value)
    return texts


def csv_fields(path: Path, sep: str) -> list[str]:
    """Every field, after checking none starts like a formula; with the OWASP apostrophe taken off."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    fields = [f for row in csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=sep) for f in row]
    bad = [f for f in fields if f.startswith(FORMULA_START)]
    assert not bad, f"{path.name}: {bad}"
    return [f[1:] if f.startswith("'") and f[1:].startswith(FORMULA_START) else f for f in fields]


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def everything(project: Path, folder: Path) -> dict[str, Path]:
    """Every export of the project, by the service functions the CLI and the TUI call."""
    out: dict[str, Path] = {}
    with Project.open(project) as p:
        codes = [c.id for c in p.codebook().codes]
        quotes = collect(p, codes)
        matrix = build_matrix(p)
        tables = {
            "frekvenser": build_table(p, TableRequest("frequencies")),
            "attributt": build_table(p, TableRequest("attribute", ATTRIBUTE)),
            "samforekomst": build_table(p, TableRequest("cooccurrence")),
        }
    for fmt in ("csv", "xlsx", "docx", "md"):
        out[f"sitater.{fmt}"] = folder / f"sitater.{fmt}"
        write(quotes, out[f"sitater.{fmt}"])
    for fmt in ("csv", "xlsx"):
        out[f"matrise.{fmt}"] = folder / f"matrise.{fmt}"
        write_matrix(matrix, out[f"matrise.{fmt}"])
    for name, table in tables.items():
        for fmt in ("csv", "xlsx", "md"):
            out[f"{name}.{fmt}"] = folder / f"{name}.{fmt}"
            formats.write(table, out[f"{name}.{fmt}"], fmt, sep=";")
    return out


# -- the tests -------------------------------------------------------------------------------------------------------
def test_xlsx_exports_hold_no_formula_and_show_the_text_as_it_is(hostile, tmp_path):
    files = everything(hostile, tmp_path)
    quotes = xlsx_texts(files["sitater.xlsx"])
    for label in [*FORMULAS, CONTROL_SHOWN]:
        assert label in quotes  # code_labels and level1: the label alone, no apostrophe
    assert ATTRIBUTE in quotes and QUESTION in " ".join(quotes)  # the header from a survey column, the source
    assert "-vet ikke svar3 XYZ" in quotes and "+1 svar2 XYZ" in quotes  # answers as said
    assert LINK + " svar1 " in quotes  # the unwritable characters of the answer are gone, nothing else
    assert CONTROL_SHOWN in quotes and "=)" in quotes and "\tx" in quotes  # memo, memo, label
    matrix = xlsx_texts(files["matrise.xlsx"])
    assert {ATTRIBUTE, *FORMULAS[:4], CONTROL_SHOWN} <= set(matrix)  # variable label, attribute values, labels
    for name in ("frekvenser", "attributt"):
        texts = xlsx_texts(files[f"{name}.xlsx"])
        assert {*FORMULAS, CONTROL_SHOWN} <= set(texts), name  # the code labels
    numbered = xlsx_texts(files["samforekomst.xlsx"])
    assert all(any(t.endswith(f". {label}") for t in numbered) for label in [*FORMULAS, CONTROL_SHOWN])
    groups = xlsx_texts(files["attributt.xlsx"])
    assert f"{LINK} (n=1) antall" in groups and f"{CONTROL_SHOWN} (n=1) %" in groups  # attribute values in headers


def test_csv_exports_neutralise_every_formula_and_keep_the_text(hostile, tmp_path):
    files = everything(hostile, tmp_path)
    quotes = csv_fields(files["sitater.csv"], ";")
    assert {*FORMULAS, CONTROL_SHOWN, ATTRIBUTE} <= set(quotes)
    raw = files["sitater.csv"].read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://x"",""klikk"")"' in raw and '"\'-vet ikke"' in raw
    assert "\x00" not in raw and "\x1b" not in raw and "\x0c" not in raw
    matrix = csv_fields(files["matrise.csv"], ";")
    assert {*FORMULAS[:4], CONTROL_SHOWN} <= set(matrix)
    assert re.search(r'^"R1";', files["matrise.csv"].read_text(encoding="utf-8-sig"), re.M)
    for name in ("frekvenser", "attributt"):
        assert {*FORMULAS, CONTROL_SHOWN} <= set(csv_fields(files[f"{name}.csv"], ";")), name
    numbered = csv_fields(files["samforekomst.csv"], ";")
    assert all(any(t.endswith(f". {label}") for t in numbered) for label in [*FORMULAS, CONTROL_SHOWN])
    assert f"{LINK} (n=1) antall" in csv_fields(files["attributt.csv"], ";")


def test_csv_numbers_stay_numbers_and_innocent_text_keeps_its_words():
    assert [csv_value(v) for v in (3, 0.5, None, True)] == [3, 0.5, "", 1]
    assert csv_value("- vet ikke") == "'- vet ikke" and csv_value("=)") == "'=)" and csv_value("\tx") == "'\tx"
    assert csv_value("vet ikke") == "vet ikke" and csv_value("a=b") == "a=b" and csv_value("\x00=1") == "'=1"


def test_docx_and_markdown_open_and_hold_the_text(hostile, tmp_path):
    files = everything(hostile, tmp_path)
    text = docx_text(files["sitater.docx"])
    for label in [*FORMULAS[:5], CONTROL_SHOWN]:
        assert label in text
    assert "svar1 " in text and "\x00" not in text and "\x1b" not in text
    for name in ("sitater.md", "frekvenser.md", "attributt.md", "samforekomst.md"):
        content = files[name].read_text(encoding="utf-8")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", content), name


def test_a_lone_surrogate_and_control_characters_break_no_writer(hostile, tmp_path):
    """Text no UTF-8 or XML file can hold, as in-memory text could carry it: every writer drops it."""
    bad = "a\ud800b\x00c\ufffe"
    with Project.open(hostile) as p:
        quotes = collect(p, [c.id for c in p.codebook().codes])
        matrix = build_matrix(p)
        table = build_table(p, TableRequest("frequencies"))
    quotes.title = quotes.sections[0].title = bad
    for quote in quotes.quotes:
        quote.text, quote.memo, quote.attribution = bad, bad, bad
        quote.attributes = {k: bad for k in quote.attributes}
    quotes.attribute_keys.append(bad)
    matrix.columns[0] = bad
    matrix.rows[0][0] = bad
    table.rows[0].label = bad
    table.title = bad
    for fmt in ("csv", "xlsx", "docx", "md"):
        write(quotes, tmp_path / f"q.{fmt}")
    assert "abc" in xlsx_texts(tmp_path / "q.xlsx") and "abc" in csv_fields(tmp_path / "q.csv", ";")
    assert "abc" in docx_text(tmp_path / "q.docx") and "abc" in (tmp_path / "q.md").read_text(encoding="utf-8")
    for suffix in ("csv", "xlsx"):
        write_matrix(matrix, tmp_path / f"m.{suffix}")
    assert "abc" in xlsx_texts(tmp_path / "m.xlsx") and "abc" in csv_fields(tmp_path / "m.csv", ";")
    for fmt in ("csv", "xlsx", "md"):
        formats.write(table, tmp_path / f"t.{fmt}", fmt)
    assert "abc" in xlsx_texts(tmp_path / "t.xlsx") and "abc" in csv_fields(tmp_path / "t.csv", ",")
    assert "abc" in formats.render(table, "md") and "abc" in formats.render(table, "csv")
    assert clean(bad) == "abc"


def test_docx_of_every_code_keeps_its_title_property_within_limits(tmp_path, monkeypatch):
    """All 20 codes of the PPT codebook: the title «Sitater: …» is over Word's 255 characters for a property."""
    from coder.anonymise import check

    monkeypatch.setattr(check, "load_nlp", lambda project: types.SimpleNamespace(nlp=None, origin="t", warning=None))
    with survey_project(tmp_path, ["Ventetida er lang, og vi rekker ikke alt."]) as p:
        (source_id,) = [s.id for s in p.sources()]
        seg = p.segments(source_id)[0]
        codes = [c.id for c in p.codebook().codes]
        for code in codes:
            editing.code_spans(p, [(source_id, seg.start, seg.end)], code, "test")
    assert len(codes) == 20
    out = tmp_path / "alle.docx"
    args = ["export", "quotes", str(tmp_path / "p.coder"), *(a for c in codes for a in ("--code", c)), "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    title = document.core_properties.title
    assert len(title) <= 255 and title.startswith("Sitater: Kapasitet, Ventetid") and title.endswith("…")
    assert document.paragraphs[0].text.endswith("Organisering og Inkludering")  # the heading has it all


def test_clip_cuts_after_a_word():
    assert clip("Sitater: en, to, tre", 255) == "Sitater: en, to, tre"
    assert clip("Sitater: en, to, tre, fire", 16) == "Sitater: en, to…"
    assert clip("a\nb\x00c", 10) == "a bc" and len(clip("x" * 300, 255)) == 255
