"""The report chapter (``coder export chapter``) and its charts (``coder export chart``, coder/analysis/charts.py).

The project is the one of tests/test_export_quotes.py (two interviews, four survey respondents, a codebook with
sub-codes). The DOCX is read back with python-docx: the table must hold the numbers ``coder tables`` prints, the
chart must be an inline picture, the captions numbered in Word's Caption style."""

from __future__ import annotations

import subprocess
import sys

import docx
import pytest
from click.testing import CliRunner

from coder.analysis.charts import axis_text, chart_data, describe, percent_text, render
from coder.analysis.service import TableRequest, build_table, segment_shares
from coder.analysis.tables import Share, Table
from coder.cli import main
from coder.coding import service as editing
from coder.export import service
from coder.export.chapter import write_chapter
from coder.store import Project
from tests.test_export_quotes import TURN_A1, TURN_A2, TURN_B1, TURN_B2, build, code

NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def project(tmp_path):
    path = build(tmp_path / "p.coder")
    with Project.open(path) as p:
        code(p, "Intervju A", TURN_A1, "kapasitet")
        code(p, "Intervju A", "Vi har rundt seksti saker på vent", "ventetid")
        code(p, "Intervju B", TURN_B1, "kapasitet")
        starred = code(p, "svar: kapasitet", "Ventelista er lang om høsten.", "kapasitet")
        editing.mark_quote(p, starred, True, "AB")
        code(p, "Intervju A", TURN_A2, "samarbeid-skole")
        code(p, "Intervju B", TURN_B2, "samarbeid")
        code(p, "svar: samarbeid", "Vi møter skolene for sjelden.", "samarbeid-skole")
    return path


def paragraphs(document) -> list[tuple[str, str]]:
    return [(par.style.name, par.text) for par in document.paragraphs]


def test_the_chapter_has_headings_lead_ins_tables_charts_and_quotes(project, tmp_path):
    with Project.open(project) as p:
        chapter = service.export_chapter(p, ["kapasitet", "samarbeid"], by="tjenestetype", clean=True)
        table = build_table(p, TableRequest("attribute", "tjenestetype", subcodes=True))
    out = tmp_path / "kapittel.docx"
    write_chapter(chapter, out)
    document = docx.Document(str(out))
    pars = paragraphs(document)
    headings = [(s, t) for s, t in pars if s.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Kapasitet og Samarbeid"),
        ("Heading 2", "Kapasitet"),
        ("Heading 2", "Samarbeid"),
        ("Heading 3", "Samarbeid med skole"),
        ("Heading 2", "Sporbarhet"),
    ]
    # (Ventetid has no heading: its passage lies inside a Kapasitet quote, which carries both codes)
    assert ("Ingress", "Tid, folk og ventelister.") in pars  # the code's description, to be replaced
    captions = [t for s, t in pars if s == "Caption"]
    assert captions == [
        "Tabell 1: Kapasitet med underkoder etter tjenestetype. Andel saker i hver gruppe, prosent (antall)",
        "Figur 1: Andel saker i hver gruppe som er kodet med Kapasitet og underkodene, etter tjenestetype",
        "Tabell 2: Samarbeid med underkoder etter tjenestetype. Andel saker i hver gruppe, prosent (antall)",
        "Figur 2: Andel saker i hver gruppe som er kodet med Samarbeid og underkodene, etter tjenestetype",
    ]
    fields = [f.text for f in document.element.body.iter(f"{NS}instrText")]
    assert fields == [" SEQ Tabell \\* ARABIC ", " SEQ Figur \\* ARABIC "] * 2  # Word renumbers them
    assert len(document.inline_shapes) == 2  # the charts, inline pictures
    # the Word table holds what `coder tables PROJECT attribute tjenestetype --subcodes` prints
    first = [[c.text for c in row.cells] for row in document.tables[0].rows]
    expected = {r.label: r for r in table.rows}
    assert [h.replace("\n", " ") for h in first[0]] == table.header()  # «Kommunal\n(n=3)»: the n under the name
    assert [row[0].strip() for row in first[1:]] == ["Kapasitet", "Ventetid"]
    for row in first[1:]:
        assert row[1:] == table.text_rows()[table.rows.index(expected[row[0].strip()])][1:]
    # quotes: ★ first under its heading, cleaned, attributed; the trace last
    quotes = [t for s, t in pars if s == "Sitat"]
    assert quotes[0].startswith("Ventelista er lang om høsten.")  # the ★, though survey answers come last
    assert not any("Eh," in q or "Altså" in q for q in quotes)
    assert len(document.tables) == 3 and document.tables[-1].rows[0].cells[0].text == "Nr."


def test_the_chart_shows_the_table_s_shares_in_norwegian(project):
    with Project.open(project) as p:
        table = build_table(p, TableRequest("attribute", "tjenestetype", subcodes=True))
    data = chart_data(table, ["kapasitet", "ventetid"], colours={"kapasitet": "#aa3311"})
    assert data.categories == ["Kapasitet", "Ventetid"] and data.groups == [c.title for c in table.columns[:-1]]
    assert data.colours == ["#aa3311", ""]
    words = describe(data)
    for cell, column in zip(table.rows[0].cells, table.columns[:-1], strict=False):
        assert f"{column.title} {percent_text(cell)} ({cell.count})" in words
    assert percent_text(Share(55, 119)) == "46\u00a0%" and percent_text(Share(1, 0)) == "–"
    assert percent_text(Share(91, 200), 1) == "45,5\u00a0%" and axis_text(12.5) == "12,5\u00a0%"
    png = render(data, "png")
    assert png.startswith(b"\x89PNG") and b"pHYs" in png
    svg = render(data, "svg")
    assert svg == render(data, "svg")  # the same bytes for the same table
    text = svg.decode()
    assert "<text" not in text and "<image" not in text and "@import" not in text  # text as paths, nothing external
    with pytest.raises(ValueError):
        chart_data(Table("frequencies", "Kodefrekvenser", [], []))


def test_segment_shares_count_each_group_s_segments(project):
    with Project.open(project) as p:
        table = segment_shares(p, TableRequest("attribute", "tjenestetype"))
        columns = [c.title for c in table.columns]
        kapasitet = next(r for r in table.rows if r.code_id == "kapasitet").cells
    # Kommunal: interview A's four turns and S1's two answers (S4 answered nothing); Kapasitet is coded in one
    # of them (A's first answer; the sentence inside it is Ventetid, a sub-code, not counted without --subcodes)
    kommunal = next(i for i, c in enumerate(columns) if c.startswith("Kommunal"))
    assert (kapasitet[kommunal].count, kapasitet[kommunal].n) == (1, 6)
    assert columns[kommunal] == "Kommunal (n=6)"


def test_the_cli_writes_a_chapter_and_a_chart(project, tmp_path):
    runner = CliRunner()
    out = tmp_path / "k.docx"
    done = runner.invoke(main, ["export", "chapter", str(project), "--code", "kapasitet", "--by", "tjeneste",
                                "--clean", "-o", str(out)])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "1 tables and 1 charts" in done.output and out.exists()
    document = docx.Document(str(out))
    assert [t for s, t in paragraphs(document) if s == "Heading 1"][0] == "Kapasitet"  # one code: one heading
    bad = runner.invoke(main, ["export", "chapter", str(project), "--code", "kapasitet", "-o", str(tmp_path / "k.pdf")])
    assert bad.exit_code == 1 and "k.pdf" in bad.output and "Traceback" not in bad.output
    unknown = runner.invoke(main, ["export", "chapter", str(project), "--code", "kapasitet", "--by", "fylke",
                                   "-o", str(out)])  # fmt: skip
    assert unknown.exit_code == 1 and "no attribute 'fylke'" in unknown.output
    svg = tmp_path / "f.svg"
    chart = runner.invoke(main, ["export", "chart", str(project), "--code", "kapasitet", "--by", "tjenestetype",
                                 "--total", "-o", str(svg)])  # fmt: skip
    assert chart.exit_code == 0, chart.output
    assert svg.read_text().startswith("<?xml") and "1 codes × 4 groups" in chart.output
    wrong = runner.invoke(main, ["export", "chart", str(project), "--code", "kapasitet", "--by", "tjenestetype",
                                 "-o", str(tmp_path / "f.jpg")])  # fmt: skip
    assert wrong.exit_code == 1 and "f.jpg" in wrong.output


def test_coder_starts_without_matplotlib():
    found = subprocess.run(
        [sys.executable, "-c", "import sys, coder.cli, coder.export.service; print('matplotlib' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "False"
