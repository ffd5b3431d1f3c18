"""Quotes as a chapter of a Norwegian evaluation report, in Word (python-docx).

A4 pages; a heading per chapter and code (Heading 1–3); each quote an indented block in the paragraph style
«Sitat» (1 cm in on both sides, 10 pt italic, kept on one page) ending with its attribution upright in the
character style «Sitatkilde»: *Vi får flere henvisninger enn vi rekker å ta unna.* (Kommunal PP-leder). With
``inline`` a quote is «…» in running text instead. The closing section «Sporbarhet» says how the quotes were
chosen and has a table tracing each quote (by number and first words) to its source, speaker, place and codes;
``comments`` puts the same trace in a Word comment on each quote. The styles are real styles, so the report's
own template can restyle them, and the text is marked Norwegian Bokmål for the spelling checker. Every text goes
through :func:`coder.export.cells.clean` (characters XML cannot hold are dropped), and the document's properties
are kept within Word's 255 characters (the title of 20 codes is longer; the heading keeps all of it).
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from coder.export.cells import clean, clip
from coder.export.passages import TRACE_HEADER, Quote, QuoteExport, inline_text, trace_line, trace_row

QUOTE_STYLE = "Sitat"
SOURCE_STYLE = "Sitatkilde"
NOTE_STYLE = "Merknad"
TABLE_TEXT_STYLE = "Tabelltekst"
LANGUAGE = "nb-NO"
TRACE_TITLE = "Sporbarhet"
#: Widths (cm) of the trace table's columns (passages.TRACE_HEADER): 16 cm, the A4 text width; «Nr.» needs 1.1 cm
#: in bold 8 pt beside the cell margins, or Word breaks it «Nr / .».
WIDTHS = [1.1, 3.0, 2.2, 2.2, 1.3, 2.2, 1.5, 2.5]
#: The most characters python-docx (and Word) take in a core property such as the title.
PROPERTY_LIMIT = 255


def write_docx(export: QuoteExport, path: Path) -> None:
    doc, ids = new_document(export.title)
    if not any(s.level == 1 for s in export.sections):
        doc.add_heading(clean(export.title), level=1)
    if not export.quotes:
        doc.add_paragraph("Ingen sitater i utvalget.", style=NOTE_STYLE)
    for section in export.sections:
        doc.add_heading(clean(section.title), level=min(section.level, 4))
        for quote in section.quotes:
            write_quote(doc, export, quote, ids)
    if export.trace and export.quotes:
        write_trace(doc, export, ids)
    doc.save(str(path))


def new_document(title: str) -> tuple:
    """An A4 document in Norwegian with coder's styles, and the :class:`StyleIds` to apply them with."""
    doc = Document()
    _page(doc)
    _styles(doc)
    properties = doc.core_properties
    properties.title = clip(title, PROPERTY_LIMIT)
    properties.language, properties.author = LANGUAGE, "coder"
    return doc, StyleIds(doc)


def write_quote(doc, export: QuoteExport, quote: Quote, ids: StyleIds) -> None:
    """A quote as a block (or «…» inline), with its trace in a Word comment when the export asks for it."""
    runs = _inline(doc, quote) if export.inline else _block(doc, quote, ids)
    if export.comments:
        doc.add_comment(runs, text=clean(trace_line(export, quote)), author="coder", initials="c")


class StyleIds:
    """Styles applied by their id. python-docx finds a style named in ``add_paragraph(style=…)`` by scanning
    every style of the document each time, which made 5,000 quotes with their trace table take 8× as long as
    the same paragraphs unstyled; the id is looked up once here and written into the paragraph or run."""

    def __init__(self, doc) -> None:
        self.ids = {s.name: s.style_id for s in doc.styles}

    def paragraph(self, paragraph, name: str) -> None:
        paragraph._p.get_or_add_pPr().style = self.ids[name]

    def run(self, run, name: str) -> None:
        run._r.get_or_add_rPr().style = self.ids[name]


# -- quotes -----------------------------------------------------------------------------------------------------
def _block(doc, quote: Quote, ids: StyleIds) -> list:
    paragraph = doc.add_paragraph()
    ids.paragraph(paragraph, QUOTE_STYLE)
    text = paragraph.add_run(clean(quote.printed))
    runs = [text]
    if quote.attribution:
        run = paragraph.add_run(" " + clean(quote.attribution))
        ids.run(run, SOURCE_STYLE)
        runs.append(run)
    return runs


def _inline(doc, quote: Quote) -> list:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(clean(f"«{inline_text(quote.printed)}»"))
    runs = [run]
    if quote.attribution:
        runs.append(paragraph.add_run(" " + clean(quote.attribution)))
    return runs


# -- the trace ------------------------------------------------------------------------------------------------------
def write_trace(doc, export: QuoteExport, ids: StyleIds) -> None:
    level = 1 if any(s.level == 1 for s in export.sections) else 2
    doc.add_heading(TRACE_TITLE, level=level)
    for line in [*export.selection, f"Eksportert fra {export.project} {export.exported_at}."]:
        doc.add_paragraph(clean(line), style=NOTE_STYLE)
    table = doc.add_table(rows=1, cols=len(TRACE_HEADER))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    repeat_header(header)
    for cell, title, width in zip(header.cells, TRACE_HEADER, WIDTHS, strict=True):
        cell.width = Cm(width)
        cell_text(cell, title, ids, bold=True)
        shade(cell, "D9E2F3")
    for column, width in zip(table.columns, WIDTHS, strict=True):
        column.width = Cm(width)  # the grid; the header row's cells say it too, for Word
    add_rows(table, (trace_row(export, quote) for quote in export.quotes), ids)


def add_rows(table, rows: Iterable[list[str]], ids: StyleIds) -> None:
    """Rows of text in the table style «Tabelltekst», made by copying one row built with python-docx.

    python-docx's ``add_row`` and ``add_run`` look up and insert each child element by schema (for every cell:
    its width, paragraph style, run and text), which made the trace table of 5,000 quotes take most of the
    export; a copied row is the same XML, and only the texts are set. The texts go on one line (a line break
    would need a ``w:br``)."""
    template = table.add_row()
    for cell in template.cells:
        cell_text(cell, "x", ids)
    tr = template._tr
    parent = tr.getparent()
    parent.remove(tr)
    tag, space = qn("w:t"), qn("xml:space")
    for values in rows:
        row = deepcopy(tr)
        for element, value in zip(row.iter(tag), values, strict=True):
            text = " ".join(clean(value).split())
            element.text = text
            element.set(space, "preserve")
        parent.append(row)


def cell_text(cell, text: str, ids: StyleIds, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    ids.paragraph(paragraph, TABLE_TEXT_STYLE)
    run = paragraph.add_run(clean(text))
    run.bold = bold or None


def repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def shade(cell, colour: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    props.append(shading)


# -- page and styles --------------------------------------------------------------------------------------------------
def _page(doc) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)


def _styles(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(8)
    _language(styles)

    quote = styles.add_style(QUOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    quote.base_style = styles["Quote"]  # Word's own: a template that restyles «Quote» restyles these too
    quote.next_paragraph_style = normal
    quote.quick_style = True
    fmt = quote.paragraph_format
    fmt.left_indent = Cm(1.0)
    fmt.right_indent = Cm(1.0)
    fmt.space_before = Pt(4)
    fmt.space_after = Pt(10)
    fmt.line_spacing = 1.1
    fmt.keep_together = True
    quote.font.size = Pt(10)
    quote.font.italic = True

    source = styles.add_style(SOURCE_STYLE, WD_STYLE_TYPE.CHARACTER)
    source.base_style = styles["Default Paragraph Font"]
    source.quick_style = True
    source.font.italic = False

    note = styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(9)
    note.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    note.paragraph_format.space_after = Pt(4)

    cell = styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(8)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.space_before = Pt(0)
    cell.paragraph_format.line_spacing = 1.0


def _language(styles) -> None:
    """Norwegian Bokmål as the document's language (``w:docDefaults``), so Word checks the spelling in it."""
    defaults = styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}") if defaults is not None else None
    if lang is None:
        return
    lang.set(qn("w:val"), LANGUAGE)
