"""The report chapter: per code a heading, a lead-in, the table and the chart by an attribute, then the quotes.

MAXQDA's Smart Publisher is the model: one Word document with a section per code and sub-code, ready for the
editor. For each code asked for (and each sub-code under it, one level down) :func:`write_chapter` writes:

1. a heading (Heading 2, sub-codes Heading 3; with chapters from ``--chapters`` the chapter is Heading 1);
2. the code's description from the codebook as a lead-in, in the paragraph style «Ingress» (grey: a placeholder
   the writer replaces with the finding);
3. for a code asked for, with ``by`` an attribute: the attribute table of the code and its sub-codes (the same
   numbers ``coder tables PROJECT attribute ATTR`` prints), captioned above «Tabell 1: …», and the same shares as
   a bar chart (:mod:`coder.analysis.charts`, a PNG at 200 dpi inline), captioned below «Figur 1: …»;
4. its quotes, ★-marked first, each with its attribution (cleaned with ``--clean``);

and, at the end, the trace table «Sporbarhet». Captions are Word's «Caption» style with a SEQ field, so Word
renumbers them and can list them; headings are Word's «Heading n», quotes the «Sitat» style built on Word's
«Quote»: an institute's template restyles them all.

Pure apart from the file: the caller (:func:`coder.export.service.export_chapter`) hands in the quotes, the
tables and the charts' bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from coder.analysis.tables import Table
from coder.export.cells import clean
from coder.export.docx_writer import (
    NOTE_STYLE,
    StyleIds,
    cell_text,
    new_document,
    repeat_header,
    shade,
    write_quote,
    write_trace,
)
from coder.export.passages import QuoteExport

LEAD_STYLE = "Ingress"
CAPTION_STYLE = "Caption"
FIGURE_WIDTH_CM = 15.0
TEXT_WIDTH_CM = 16.0
LABEL_CM = 4.0  # the code column of a table: «Samarbeid med helse og barnevern» on one line
NO_QUOTES = "Ingen sitater i utvalget."


@dataclass
class Figure:
    """The table and chart of one code by the attribute."""

    table: Table
    table_caption: str
    chart_png: bytes | None
    chart_caption: str


@dataclass
class ChapterExport:
    quotes: QuoteExport
    descriptions: dict[str, str] = field(default_factory=dict)  # code id → the lead-in
    figures: dict[str, Figure] = field(default_factory=dict)  # code id → its table and chart


def marked_first(export: QuoteExport) -> None:
    """Within each heading the ★-marked quotes first (otherwise in their order), numbered again in document order
    so the numbers in the trace table follow the page."""
    for section in export.sections:
        section.quotes.sort(key=lambda q: not q.marked)
    export.quotes = [q for s in export.sections for q in s.quotes]
    for n, quote in enumerate(export.quotes, 1):
        quote.number = n


def write_chapter(chapter: ChapterExport, path: Path) -> None:
    export = chapter.quotes
    doc, ids = new_document(export.title)
    _chapter_styles(doc)
    ids = StyleIds(doc)
    if not any(s.level == 1 for s in export.sections):
        doc.add_heading(clean(export.title), level=1)
    if not export.quotes and not chapter.figures:
        doc.add_paragraph(NO_QUOTES, style=NOTE_STYLE)
    numbers = {"Tabell": 0, "Figur": 0}
    for section in export.sections:
        doc.add_heading(clean(section.title), level=min(section.level, 4))
        code = section.code_id
        if code and chapter.descriptions.get(code):
            paragraph = doc.add_paragraph(clean(chapter.descriptions[code]))
            ids.paragraph(paragraph, LEAD_STYLE)
        figure = chapter.figures.get(code or "")
        if figure is not None:
            _caption(doc, ids, "Tabell", numbers, figure.table_caption, keep_with_next=True)
            _table(doc, figure.table, ids)
            for note in figure.table.notes:
                doc.add_paragraph(clean(note), style=NOTE_STYLE)
            if figure.chart_png:
                picture = doc.add_paragraph()
                picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
                picture.paragraph_format.keep_with_next = True
                picture.add_run().add_picture(io.BytesIO(figure.chart_png), width=Cm(FIGURE_WIDTH_CM))
                _caption(doc, ids, "Figur", numbers, figure.chart_caption)
        for quote in section.quotes:
            write_quote(doc, export, quote, ids)
    if export.trace and export.quotes:
        write_trace(doc, export, ids)
    doc.save(str(path))


# -- tables and captions ----------------------------------------------------------------------------------------
def _table(doc, table: Table, ids: StyleIds) -> None:
    """The attribute table as a Word table: the header with each group's n, then a row per code, «46 % (55)»."""
    header = table.header()
    grid = doc.add_table(rows=1, cols=len(header))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = [LABEL_CM] + [(TEXT_WIDTH_CM - LABEL_CM) / (len(header) - 1)] * (len(header) - 1)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Cm(width)
    first = grid.rows[0]
    repeat_header(first)
    for cell, title, width in zip(first.cells, header, widths, strict=True):
        cell.width = Cm(width)  # the grid says it; the first row's cells say it too, for Word
        cell_text(cell, title.replace(" (n=", "\n(n="), ids, bold=True)  # «Fylkeskommunal» whole, n under it
        shade(cell, "D9D9D9")
    for values in table.text_rows(indent="\u00a0\u00a0\u00a0"):
        row = grid.add_row()
        for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell_text(cell, value, ids)
            if i:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for i, cell in enumerate(first.cells):
        if i:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _caption(doc, ids: StyleIds, kind: str, numbers: dict[str, int], text: str, keep_with_next=False) -> None:
    """«Tabell 3: …» in Word's Caption style, the number a SEQ field (Word renumbers; the count is its result)."""
    numbers[kind] += 1
    paragraph = doc.add_paragraph()
    ids.paragraph(paragraph, CAPTION_STYLE)
    paragraph.paragraph_format.keep_with_next = keep_with_next
    paragraph.add_run(f"{kind} ")
    _field_char(paragraph.add_run(), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" SEQ {kind} \\* ARABIC "
    paragraph.add_run()._r.append(instruction)
    _field_char(paragraph.add_run(), "separate")
    paragraph.add_run(str(numbers[kind]))  # what the field shows until Word updates it
    _field_char(paragraph.add_run(), "end")
    paragraph.add_run(": " + clean(text))


def _field_char(run, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


def _chapter_styles(doc) -> None:
    styles = doc.styles
    lead = styles.add_style(LEAD_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    lead.base_style = styles["Normal"]
    lead.quick_style = True
    lead.font.italic = True
    lead.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    caption = styles[CAPTION_STYLE]
    caption.font.size = Pt(9)
    caption.font.bold = True
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(8)
