"""An analysis table written out: Markdown (also what ``coder tables`` prints), CSV and XLSX.

Markdown and the screen print a share as the report does, ``46 % (55)``. CSV and XLSX are for
computing on, so a share becomes two columns, ``Kommunal (n=119) antall`` and ``Kommunal (n=119) %``,
and every value is a number. CSV is UTF-8 with a BOM (Excel reads æøå right); with ``sep=";"`` the
percentages get a decimal comma, as Norwegian Excel expects. XLSX stores the exact fraction with a
``0 %`` number format, so Excel shows the rounded percent and computes with the exact one; the title
and the notes go on a second sheet so the first is a plain table under one header row. Every cell and
line goes through :mod:`coder.export.cells`: a label or group that looks like a formula stays text
(in CSV with OWASP's leading ``'``), and characters no file can hold are dropped.
"""

from __future__ import annotations

import io
from pathlib import Path

from coder.analysis.tables import Share, Show, Table, percent_value
from coder.export.cells import clean, put, put_row, write_csv_rows

FORMATS = ("md", "csv", "xlsx")
_NBSP = "\u00a0"


def format_for(path: Path, given: str | None) -> str:
    """The format asked for, else the one the file name says, else Markdown."""
    if given:
        return given
    suffix = path.suffix.lower().lstrip(".")
    return {"markdown": "md", "txt": "md"}.get(suffix, suffix) if suffix in (*FORMATS, "markdown", "txt") else "md"


# -- Markdown ------------------------------------------------------------------------------------------------
def to_markdown(table: Table, show: Show = "both", decimals: int = 0) -> str:
    """The title, a pipe table padded so it also reads as plain text, and the notes as one paragraph.
    Sub-codes are indented with no-break spaces (a Markdown renderer keeps them)."""
    header = table.header()
    body = table.text_rows(show, decimals, indent=_NBSP * 2)
    cells = [[c.replace("|", "\\|") for c in row] for row in [header, *body]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    widths = [max(w, 3) for w in widths]

    def line(row: list[str]) -> str:
        out = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
        return "| " + " | ".join(out) + " |"

    rule = "|:" + "-" * (widths[0] + 1) + "|" + "".join("-" * (w + 1) + ":|" for w in widths[1:])
    lines = [table.title, "", line(cells[0]), rule, *(line(row) for row in cells[1:])]
    if table.notes:
        lines += ["", " ".join(table.notes)]
    return clean("\n".join(lines) + "\n")


# -- CSV and XLSX: one value per cell --------------------------------------------------------------------------
def flat_header(table: Table, show: Show = "both") -> list[str]:
    """The columns of CSV and XLSX: code id, level, label, then each count column or a share's count and %."""
    out = ["Kode-id", "Nivå", table.label_title]
    for column in table.columns:
        if column.kind == "share":
            out += [f"{column.title} antall"] if show != "percent" else []
            out += [f"{column.title} %"] if show != "count" else []
        else:
            out.append(column.title)
    return out


def _flat_cells(table: Table, cells: list, show: Show) -> list:
    """The values of a row, a share split into (count, Share) as the header has it."""
    out: list = []
    for column, cell in zip(table.columns, cells, strict=True):
        if column.kind == "share":
            out += [cell.count if isinstance(cell, Share) else None] if show != "percent" else []
            out += [cell] if show != "count" else []
        else:
            out.append(cell)
    return out


def to_csv(table: Table, sep: str = ",", show: Show = "both", decimals: int = 0) -> str:
    """The table as CSV text (write it with encoding ``utf-8-sig``); percentages in percent points."""
    comma = sep == ";"
    rows: list[list[object]] = [flat_header(table, show)]
    for row in table.rows:
        values = []
        for cell in _flat_cells(table, row.cells, show):
            if isinstance(cell, Share):
                value = percent_value(cell.count, cell.n, decimals)
                text = "" if value is None else f"{value:.{decimals}f}"
                values.append(text.replace(".", ",") if comma else text)
            else:
                values.append("" if cell is None else cell)
        rows.append([row.code_id or "", row.depth + 1 if row.code_id else "", row.label, *values])
    buffer = io.StringIO()
    write_csv_rows(buffer, rows, sep)
    return buffer.getvalue()


def write_csv(table: Table, path: Path, sep: str = ",", show: Show = "both", decimals: int = 0) -> None:
    path.write_text(to_csv(table, sep, show, decimals), encoding="utf-8-sig", newline="")


def write_xlsx(table: Table, path: Path, show: Show = "both", decimals: int = 0) -> None:
    """One sheet with the table under a bold header row (frozen), counts and percentages as numbers with
    number formats, sub-codes indented; a second sheet with the title and notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Tabell"
    header = flat_header(table, show)
    put_row(sheet, 1, header)
    bold, rule = Font(bold=True), Border(bottom=Side(style="thin"))
    fill = PatternFill("solid", fgColor="DDE4EE")
    for cell in sheet[1]:
        cell.font, cell.border, cell.fill = bold, rule, fill
        cell.alignment = Alignment(
            wrap_text=True, vertical="bottom", horizontal="left" if cell.column <= 3 else "right"
        )
    percent = "0 %" if decimals == 0 else "0." + "0" * decimals + " %"
    for r, row in enumerate(table.rows, start=2):
        values = _flat_cells(table, row.cells, show)
        put_row(sheet, r, [row.code_id, row.depth + 1 if row.code_id else None, row.label])
        if row.depth:
            sheet.cell(r, 3).alignment = Alignment(indent=row.depth)
        if row.code_id is None:
            for c in range(1, len(header) + 1):
                sheet.cell(r, c).font = bold
        for c, value in enumerate(values, start=4):
            cell = sheet.cell(r, c)
            if isinstance(value, Share):
                cell.value = value.fraction
                cell.number_format = percent
            elif value is not None:
                put(cell, value)
                cell.number_format = "#,##0"
    widths = [9, 5, max([len(table.label_title)] + [len(r.label) + 2 * r.depth for r in table.rows]) + 2]
    widths += [min(max(len(h) // 2 + 2, 9), 16) for h in header[3:]]
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "D2"
    about = book.create_sheet("Om tabellen")
    for r, line in enumerate([table.title, *table.notes], start=1):
        put_row(about, r, [line])
    about["A1"].font = Font(bold=True, size=12)
    about.column_dimensions["A"].width = 110
    book.save(path)


def render(table: Table, fmt: str, sep: str = ",", show: Show = "both", decimals: int = 0) -> str:
    """Markdown or CSV as text (for printing); XLSX has no text form."""
    if fmt == "md":
        return to_markdown(table, show, decimals)
    if fmt == "csv":
        return to_csv(table, sep, show, decimals)
    raise ValueError(f"{fmt} is written to a file, not printed")


def write(table: Table, path: Path, fmt: str, sep: str = ",", show: Show = "both", decimals: int = 0) -> None:
    """Write ``table`` to ``path`` in ``fmt`` (md, csv, xlsx)."""
    if fmt == "xlsx":
        write_xlsx(table, path, show, decimals)
    elif fmt == "csv":
        write_csv(table, path, sep, show, decimals)
    elif fmt == "md":
        path.write_text(to_markdown(table, show, decimals), encoding="utf-8")
    else:
        raise ValueError(f"no format '{fmt}' (formats: {', '.join(FORMATS)})")
