"""Case attributes: typing, front matter and the sidecar CSV (one row per file)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from coder.errors import InputError
from coder.ingest.decode import read_text
from coder.model import Attribute, AttrType

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}")

# Front-matter keys that name the source or its case rather than describe it.
TITLE_KEYS = ("tittel", "title", "navn", "name")
CASE_KEYS = ("case", "kasus", "informant")
FILE_KEYS = ("file", "fil", "filename", "filnavn", "source", "kilde")


def infer_type(values: list[str]) -> AttrType:
    """``number`` if every value is a number, ``date`` if every value a date, else ``text``.

    Ranges like ``6-15`` stay text: they are ordered categories, not numbers.
    """
    present = [v for v in values if v != ""]
    if present and all(_NUMBER.fullmatch(v) for v in present):
        return "number"
    if present and all(_DATE.fullmatch(v) for v in present):
        return "date"
    return "text"


def typed(pairs: dict[str, str]) -> list[Attribute]:
    return [Attribute(k, v, infer_type([v])) for k, v in pairs.items() if v != ""]


def parse_front_matter(lines: list[str], path: Path | str) -> tuple[dict[str, str], int]:
    """Read a ``---`` delimited block of ``key: value`` lines at the top.

    Returns the pairs and the index of the first line after the block (0 if
    there is none). Only a block opened by ``---`` counts: a bare ``I: Hei``
    on the first line is a speaker turn, not an attribute.
    """
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first >= len(lines) or lines[first].strip() != "---":
        return {}, 0
    pairs: dict[str, str] = {}
    for i in range(first + 1, len(lines)):
        line = lines[i].strip()
        if line in ("---", "..."):
            return pairs, i + 1
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise InputError(path, f"front matter line is not 'key: value': {line[:60]!r}", i + 1)
        key = key.strip()
        if key in pairs:
            raise InputError(path, f"front matter has {key!r} twice", i + 1)
        pairs[key] = value.strip().strip("\"'")
    raise InputError(path, "front matter opened with '---' is never closed", first + 1)


def split_front_matter(pairs: dict[str, str]) -> tuple[str | None, str | None, dict[str, str]]:
    """Separate the title and case name from the attributes proper."""
    rest = dict(pairs)
    title = next((rest.pop(k) for k in list(rest) if k.lower() in TITLE_KEYS), None)
    case = next((rest.pop(k) for k in list(rest) if k.lower() in CASE_KEYS), None)
    return title, case, rest


def sniff_delimiter(header_line: str) -> str:
    """The separator a spreadsheet used: whichever of ``;`` ``,`` tab the header has most of."""
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_sidecar(path: Path) -> dict[str, dict[str, str]]:
    """Read ``--attributes people.csv``: a ``file`` column, then one column per attribute.

    Returns ``{file name: {key: value}}``. Rows are keyed by the file's name as
    written; :func:`attributes_for` matches them case-insensitively and with or
    without the suffix.
    """
    text, _ = read_text(path)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text.split("\n", 1)[0])))
    if not rows:
        raise InputError(path, "the file is empty")
    header = [h.strip() for h in rows[0]]
    file_col = next((i for i, h in enumerate(header) if h.lower() in FILE_KEYS), None)
    if file_col is None:
        raise InputError(path, f"no file column: the first row needs one of {', '.join(FILE_KEYS)}", 1)
    if any(not h for h in header):
        raise InputError(path, f"column {header.index('') + 1} has no name in the header", 1)
    table: dict[str, dict[str, str]] = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header):
            raise InputError(path, f"row has {len(row)} cells but the header has {len(header)}", lineno)
        row = row + [""] * (len(header) - len(row))
        name = row[file_col].strip()
        if not name:
            raise InputError(path, "row has no file name", lineno)
        if name.lower() in table:
            raise InputError(path, f"{name!r} has a second row", lineno)
        table[name.lower()] = {h: row[i].strip() for i, h in enumerate(header) if i != file_col}
    return table


def attributes_for(table: dict[str, dict[str, str]], file: Path) -> dict[str, str] | None:
    for key in (file.name.lower(), file.stem.lower()):
        if key in table:
            return table[key]
    return None
