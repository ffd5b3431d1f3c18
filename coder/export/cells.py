"""Text as it goes into an exported file: every CSV, XLSX, DOCX and Markdown writer passes its text through here.

Two dangers, one place to handle them:

- **Formulas** (OWASP «CSV injection»). A code label, an attribute, a survey column name or an answer may start
  with ``=`` ``+`` ``-`` ``@`` — innocently («- vet ikke», «=)») or not (``=HYPERLINK(…)``). In XLSX every text
  cell is stored as a string cell (``inlineStr``), never a formula, so Excel and LibreOffice show exactly the
  text, with no apostrophe; numbers stay numbers. CSV has no cell types, so, as OWASP advises, a text field that
  starts with ``=`` ``+`` ``-`` ``@``, a tab or a carriage return gets a leading ``'`` and every text field is
  quoted (numbers are left bare so R, Stata and SPSS read them as numbers).
- **Characters XML cannot hold** (C0 controls but tab and line ends, DEL and C1 controls, lone surrogates,
  U+FFFE/U+FFFF). openpyxl refuses them, python-docx writes a file Word cannot open or refuses, and UTF-8
  cannot encode a lone surrogate. They carry nothing a reader could see, so they are dropped. Projects made by
  older versions, or imported from other programs, may hold them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO

#: What XML 1.0 cannot hold (and DEL/C1 controls, which show as nothing or garbage); tab, \n and \r stay.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: How a cell that Excel or LibreOffice would read as a formula (or a DDE call) starts.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limit for the text of one cell (openpyxl cuts longer text silently).
XLSX_CELL_LIMIT = 32767


def clean(text: str) -> str:
    """``text`` without the characters no XML file (and no UTF-8 file) can hold."""
    return _UNWRITABLE.sub("", text)


def clip(text: str, limit: int) -> str:
    """``text`` on one line and at most ``limit`` characters, cut after a word with «…» when it is longer."""
    line = " ".join(clean(text).split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if line[limit - 1].isalnum() and " " in cut[limit // 2 :]:  # the cut falls inside a word: drop the word
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:/–-") + "…"


# -- CSV -------------------------------------------------------------------------------------------------------------
def csv_value(value: object) -> object:
    """A value for a CSV field: text cleaned, with ``'`` before a start Excel would run; numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    text = clean(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv_rows(fh: IO[str], rows: Iterable[Sequence[object]], sep: str) -> None:
    """Write ``rows`` to ``fh`` as CSV: each value through :func:`csv_value`, every text field quoted."""
    writer = csv.writer(fh, delimiter=sep, quoting=csv.QUOTE_NONNUMERIC)
    for row in rows:
        writer.writerow([csv_value(v) for v in row])


# -- XLSX (openpyxl) -------------------------------------------------------------------------------------------------
def xlsx_value(value: object) -> object:
    """A value for a cell: text cleaned and within Excel's limit, other values as they are."""
    if isinstance(value, str):
        return clean(value)[:XLSX_CELL_LIMIT]
    return value


def put(cell, value: object) -> None:
    """Set ``cell`` (of a normal or a write-only sheet) to ``value``; text is a string cell, never a formula.

    openpyxl takes any text starting with ``=`` for a formula; setting the type after the value makes it write
    the text as an inline string instead."""
    cell.value = xlsx_value(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"


def write_only_cell(sheet, value: object):
    """A cell for ``sheet.append`` on a write-only sheet, holding ``value`` as :func:`put` does."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    put(cell, value)
    return cell


def write_only_row(sheet, values: Sequence[object], style=None) -> None:
    """Append a row to a write-only sheet, text as text; ``style(cell)`` may format each cell."""
    cells = [write_only_cell(sheet, v) for v in values]
    if style is not None:
        for cell in cells:
            style(cell)
    sheet.append(cells)


def put_row(sheet, row: int, values: Sequence[object], first_column: int = 1) -> None:
    """Set the cells of row ``row`` of a normal sheet from ``first_column`` on, text as text."""
    for column, value in enumerate(values, start=first_column):
        put(sheet.cell(row, column), value)
