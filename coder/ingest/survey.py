"""Open-text survey answers from .csv and .xlsx.

The user names the respondent id column, the question columns and the
attribute columns. Each question becomes one survey source (grouped under the
file), each non-empty answer a segment tied to its respondent's case.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process

from coder.errors import InputError
from coder.ingest.archive import check_package
from coder.ingest.attributes import infer_type, sniff_delimiter
from coder.ingest.decode import normalise, read_bytes, read_text
from coder.model import Attribute, ImportedSource, Segment

csv.field_size_limit(1 << 30)  # a 300,000-character answer is still an answer

NON_ANSWERS = {"", "-", "--", "."}


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line or row number as the user sees it, cells)
    delimiter: str = ""
    encoding: str = ""
    padded_rows: list[int] = field(default_factory=list)


@dataclass
class SurveyImport:
    sources: list[ImportedSource]
    respondents: int
    answers: dict[str, int]
    empty: dict[str, int]
    notes: list[str]


def read_table(path: Path, sheet: str | None = None) -> Table:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet)
    if suffix == ".xls":
        raise InputError(path, "old Excel .xls files cannot be read: save it as .xlsx or .csv")
    if sheet:
        raise InputError(path, "--sheet applies to .xlsx files only")
    return _read_csv(path)


def _read_csv(path: Path) -> Table:
    text, encoding = read_text(path)
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    padded: list[int] = []
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(c.strip() for c in record):
                continue
            if header is None:
                header = [h.strip() for h in record]
                _check_header(path, header, start)
                continue
            if len(record) > len(header):
                raise InputError(
                    path,
                    f"row has {len(record)} cells but the header has {len(header)} "
                    f"(a '{delimiter}' inside an unquoted cell?)",
                    start,
                )
            if len(record) < len(header):
                padded.append(start)
                record = record + [""] * (len(header) - len(record))
            rows.append((start, [normalise(c).strip() for c in record]))
    except csv.Error as exc:
        raise InputError(path, f"not readable as CSV: {exc}", reader.line_num) from None
    if header is None:
        raise InputError(path, "the file has no header row")
    return Table(header, rows, delimiter, encoding, padded)


EXCEL_ROWS = 1_048_576  # the last row a sheet can have (Excel 2007 and later)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import openpyxl  # imported here: only spreadsheet imports pay for it

    data = read_bytes(path)
    check_package(data, path, ".xlsx file")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError) as exc:
        raise InputError(path, f"not a readable .xlsx file ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # openpyxl raises a zoo of errors for damaged files
        raise InputError(path, f"this .xlsx is damaged ({type(exc).__name__}: {exc})") from None
    try:
        if not book.sheetnames:
            raise InputError(path, "the workbook has no sheet to read (its part may be missing from the archive)")
        if sheet is None:
            ws = book[book.sheetnames[0]]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise InputError(path, f"no sheet {sheet!r}; sheets are: {', '.join(book.sheetnames)}")
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for rowno, values in _sheet_rows(path, ws):
            cells = [_cell(v) for v in values]
            if not any(cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                while header and not header[-1]:
                    header.pop()
                _check_header(path, header, rowno)
                continue
            extra = [c for c in cells[len(header) :] if c]
            if extra:
                raise InputError(path, f"row has values beyond the last named column ({len(header)})", rowno)
            cells = (cells + [""] * len(header))[: len(header)]
            rows.append((rowno, cells))
    finally:
        book.close()
    if header is None:
        raise InputError(path, "the sheet is empty")
    return Table(header, rows, encoding="xlsx")


def _sheet_rows(path: Path, ws) -> Iterator[tuple[int, tuple]]:
    """``(row number, values)`` of a read-only sheet. openpyxl parses the sheet while it is iterated, so what it
    raises for a damaged sheet (a shared string that is not there, a cell it cannot read) is caught here, per
    row; the dimensions the sheet claims are not trusted (a hostile ``A1:XFD1048576`` would pad every row)."""
    try:
        ws.reset_dimensions()
        rows = ws.iter_rows(values_only=True)
    except Exception as exc:  # as below
        raise InputError(path, f"sheet {ws.title!r} is damaged ({type(exc).__name__}: {exc})") from None
    rowno = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl and its XML parser: errors of every kind on damaged sheets
            what = f"sheet {ws.title!r} is damaged after row {rowno}" if rowno else f"sheet {ws.title!r} is damaged"
            raise InputError(path, f"{what} ({type(exc).__name__}: {exc})") from None
        rowno += 1
        if rowno > EXCEL_ROWS:
            raise InputError(path, f"sheet {ws.title!r} has rows beyond Excel's last row ({EXCEL_ROWS:,})")
        yield rowno, values


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return normalise(str(value)).strip()


def _check_header(path: Path, header: list[str], line: int) -> None:
    for i, name in enumerate(header, start=1):
        if not name:
            raise InputError(path, f"column {i} has no name in the header row", line)
    seen: set[str] = set()
    for name in header:
        if name.lower() in seen:
            raise InputError(path, f"two columns are named {name!r}", line)
        seen.add(name.lower())


def _column(path: Path, header: list[str], wanted: str, role: str) -> int:
    for i, name in enumerate(header):
        if name == wanted:
            return i
    lowered = [h.lower() for h in header]
    if wanted.lower() in lowered:
        return lowered.index(wanted.lower())
    hint = ""
    best = process.extractOne(wanted, header, score_cutoff=60)
    if best:
        hint = f" (did you mean {best[0]!r}?)"
    raise InputError(path, f"no {role} column {wanted!r}{hint}; the columns are: {', '.join(header)}")


def read_survey(
    path: Path,
    id_column: str,
    text_columns: list[str],
    attribute_columns: list[str] = (),
    sheet: str | None = None,
) -> SurveyImport:
    if not text_columns:
        raise InputError(path, "name at least one question column with --text")
    table = read_table(path, sheet)
    id_i = _column(path, table.header, id_column, "id")
    text_i = [_column(path, table.header, c, "question") for c in text_columns]
    attr_i = [_column(path, table.header, c, "attribute") for c in attribute_columns]

    seen: dict[str, int] = {}
    for line, cells in table.rows:
        rid = cells[id_i]
        if not rid:
            raise InputError(path, f"the id column {table.header[id_i]!r} is empty", line)
        if rid in seen:
            raise InputError(path, f"respondent {rid!r} appears twice (first on line {seen[rid]})", line)
        seen[rid] = line

    types = {i: infer_type([cells[i] for _, cells in table.rows]) for i in attr_i}
    case_attributes = {
        cells[id_i]: [Attribute(table.header[i], cells[i], types[i]) for i in attr_i if cells[i]]
        for _, cells in table.rows
    }
    sources: list[ImportedSource] = []
    answers: dict[str, int] = {}
    empty: dict[str, int] = {}
    for i in text_i:
        question = table.header[i]
        parts: list[str] = []
        segments: list[Segment] = []
        pos = 0
        skipped = 0
        for _, cells in table.rows:
            answer = cells[i]
            if answer in NON_ANSWERS:
                skipped += 1
                continue
            if parts:
                parts.append("\n\n")
                pos += 2
            parts.append(answer)
            segments.append(Segment(pos, pos + len(answer), case=cells[id_i]))
            pos += len(answer)
        answers[question], empty[question] = len(segments), skipped
        if not segments:
            continue
        sources.append(
            ImportedSource(
                kind="survey",
                name=f"{path.stem}: {question}",
                text="".join(parts),
                segments=segments,
                path=str(path),
                group=path.stem,
                case_attributes=case_attributes,
                meta={
                    "file": path.name,
                    "question": question,
                    "format": path.suffix.lower().lstrip("."),
                    "encoding": table.encoding,
                    "delimiter": table.delimiter,
                },
            )
        )
    notes = []
    if table.padded_rows:
        shown = ", ".join(map(str, table.padded_rows[:5])) + (" …" if len(table.padded_rows) > 5 else "")
        notes.append(
            f"{len(table.padded_rows)} rows had fewer cells than the header (lines {shown}); "
            "the missing cells were read as empty"
        )
    for question in empty:
        if answers[question] == 0:
            notes.append(f"column {question!r} has no answers; nothing imported from it")
    return SurveyImport(sources, len(table.rows), answers, empty, notes)


Role = str  # "id", "question", "attribute" or "skip"
_ID_NAMES = ("id", "respondent", "respondentid", "løpenr", "lopenr", "nr", "informant", "svarid", "responseid")


def guess_roles(table: Table) -> dict[str, Role]:
    """A first guess at each column's role, for the import screen to show and the user to correct.

    The id is the first column whose values are all present and distinct (a column named like an id wins);
    a question column holds free text (answers of several words, mostly distinct); an attribute column
    holds few distinct short values.  Anything else is skipped.
    """
    roles: dict[str, Role] = {}
    columns = list(zip(*(cells for _, cells in table.rows), strict=False)) or [() for _ in table.header]
    id_column: str | None = None
    candidates = []
    for name, values in zip(table.header, columns, strict=False):
        filled = [v for v in values if v]
        if filled and len(filled) == len(values) and len(set(filled)) == len(filled) and max(map(len, filled)) <= 40:
            candidates.append(name)
    named = [c for c in candidates if c.casefold().replace("_", "").replace(" ", "") in _ID_NAMES]
    id_column = (named or candidates or [None])[0]
    for name, values in zip(table.header, columns, strict=False):
        if name == id_column:
            roles[name] = "id"
            continue
        filled = [v for v in values if v not in NON_ANSWERS]
        if not filled:
            roles[name] = "skip"
            continue
        distinct = len(set(filled)) / len(filled)
        words = sum(len(v.split()) for v in filled) / len(filled)
        if words >= 3 and distinct > 0.5:
            roles[name] = "question"
        elif len(set(filled)) <= max(30, len(filled) // 10) and words < 6:
            roles[name] = "attribute"
        else:
            roles[name] = "skip"
    return roles
