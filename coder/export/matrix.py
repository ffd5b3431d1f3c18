"""The respondent × code matrix of a survey: one row per respondent, 0/1 per code, with the attributes.

For the quantitative part of a report (SPSS, Stata, R): ``respondent``, the respondent's attributes, ``answers``
(how many of the chosen questions they answered), then a column per code holding 1 when one of their answers is
coded with it — or, unless ``direct``, with one of its sub-codes (a theme counts its sub-themes). Respondents
who answered none of the chosen questions are not rows: merged by ``respondent`` with the survey's own data,
they come out missing, not 0.

Column names are safe as variable names in the three packages: letters, digits and ``_``, not starting with a
digit (``samarbeid-skole`` → ``samarbeid_skole``); the XLSX has a second sheet «Variabler» with each column's
label and description. Cells are written through :mod:`coder.export.cells` (text never a formula).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coder.analysis.service import find_sources
from coder.errors import CoderError
from coder.export.cells import write_csv_rows
from coder.export.passages import atomic_write

if TYPE_CHECKING:
    from coder.store import Project


@dataclass
class Matrix:
    columns: list[str]
    rows: list[list[object]]
    variables: list[tuple[str, str, str]]  # (column, label, description)
    sources: list[str]  # the questions counted

    def code_columns(self) -> list[str]:
        return [c for c, _, d in self.variables if d.startswith("code")]


def variable(name: str) -> str:
    """A column name SPSS, Stata and R all take."""
    out = re.sub(r"\W", "_", name.strip(), flags=re.UNICODE).strip("_") or "v"
    return f"v_{out}" if out[0].isdigit() else out


def pick_sources(project: Project, names: Sequence[str]) -> list[tuple[int, str]]:
    """The sources named — as everywhere in coder: by id, whole name or a part only one name has, and here also a
    survey file's name for all its questions — default every survey question; CoderError naming what is not there."""
    if names:
        return [(s.id, s.name) for s in find_sources(project, names, groups=True)]
    chosen = [(s.id, s.name) for s in project.sources() if s.kind == "survey"]
    if not chosen:
        raise CoderError(f"{project.path.name}: no survey answers in the project (import them with import-survey)")
    return chosen


def build_matrix(project: Project, sources: Sequence[str] = (), *, direct: bool = False) -> Matrix:
    chosen = pick_sources(project, sources)
    ids = [i for i, _ in chosen]
    respondents = project.respondents(ids)
    pairs = project.case_codes(ids)
    book = project.codebook()
    by_id = {c.id: c for c in book.codes}
    ancestors: dict[str, list[str]] = {}
    for code in book.codes:
        chain, at, seen = [], code.id, set()
        while at in by_id and at not in seen:
            seen.add(at)
            chain.append(at)
            at = by_id[at].parent
        ancestors[code.id] = chain if not direct else [code.id]
    coded: set[tuple[int, str]] = set()
    for case_id, code_id in pairs:
        for code in ancestors.get(code_id, [code_id]):
            coded.add((case_id, code))
    keys = list(dict.fromkeys(k for r in respondents for k in r.attributes))
    columns = ["respondent"]
    variables = [("respondent", "Respondent", "the respondent's id")]
    taken = {"respondent", "answers"}
    attr_columns = []
    for key in keys:
        col = variable(key)
        while col in taken:
            col += "_"
        taken.add(col)
        attr_columns.append(col)
        variables.append((col, key, "attribute"))
    columns += attr_columns + ["answers"]
    variables.append(("answers", "Svar", f"how many of the {len(ids)} questions the respondent answered"))
    code_cols = []
    for code in book.codes:
        col = variable(code.id)
        while col in taken:
            col += "_"
        taken.add(col)
        code_cols.append((col, code))
        scope = "code" if direct or not any(c.parent == code.id for c in book.codes) else "code with its sub-codes"
        variables.append((col, code.label, f"{scope}: {code.description}".rstrip(": ")))
    columns += [c for c, _ in code_cols]
    rows: list[list[object]] = []
    for r in respondents:
        row: list[object] = [r.name]
        row += [_value(r.attributes[k]) if k in r.attributes else "" for k in keys]
        row.append(r.answers)
        row += [1 if (r.case_id, code.id) in coded else 0 for _, code in code_cols]
        rows.append(row)
    return Matrix(columns, rows, variables, [n for _, n in chosen])


def _value(attribute) -> object:
    if attribute.type == "number":
        try:
            number = float(attribute.value.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            return attribute.value
        return int(number) if number.is_integer() else number
    return attribute.value


def write_matrix(matrix: Matrix, path: Path, sep: str = ";") -> str:
    """Write the matrix as .csv or .xlsx (by the suffix); returns the format."""
    suffix = path.suffix.lower()
    if suffix == ".csv":

        def make(target: Path) -> None:
            with open(target, "w", encoding="utf-8-sig", newline="") as fh:
                write_csv_rows(fh, [matrix.columns, *matrix.rows], sep)

        atomic_write(path, make)
        return "csv"
    if suffix == ".xlsx":
        from openpyxl import Workbook

        from coder.export.tabular import write_table

        def make(target: Path) -> None:
            book = Workbook(write_only=True)
            write_table(book.create_sheet("Matrise"), matrix.columns, matrix.rows)
            write_table(book.create_sheet("Variabler"), ["variable", "label", "description"], matrix.variables)
            book.save(str(target))

        atomic_write(path, make)
        return "xlsx"
    raise CoderError(f"{path}: the matrix is written as .csv or .xlsx")
