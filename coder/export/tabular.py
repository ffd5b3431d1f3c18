"""Quotes as Markdown (for report drafts in Markdown or Quarto), CSV and XLSX (one row per quote).

Markdown: a heading per chapter and code, each quote a ``>`` block whose last line is its attribution, the
trace of each quote in an HTML comment beside it (drafts render without it) and, at the end, the «Sporbarhet»
table. With ``inline``, a paragraph ``«…» (Kommunal PP-leder)``.

CSV and XLSX: one row per quote — its number, first code and all codes (ids and labels), the first code's path
split over ``level1``, ``level2`` …, the words as said and the report text, the attribution, source, kind,
speaker, case, turn, time, offsets, coders, how it was coded (``origin``: «manuell», «forslag .82 (akseptert av
kari)»), ★, memo, ``cleaned`` (1: the report text is ``--clean``'s proposal, not saved), then every attribute
of the project (empty where a case has none). CSV is UTF-8 with a byte order mark (Excel then reads æøå right)
and ``;`` between fields by default (what Norwegian Excel expects; ``,`` for R or pandas). Every cell goes
through :mod:`coder.export.cells`: text is never a formula, and characters no file can hold are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

from coder.export.cells import clean, write_csv_rows, write_only_row
from coder.export.passages import TRACE_HEADER, Quote, QuoteExport, code_labels, inline_text, trace_row

FIXED = ["quote", "code", "codes", "code_labels"]
AFTER_LEVELS = [
    "text",
    "report_text",
    "attribution",
    "source",
    "kind",
    "speaker",
    "case",
    "turn",
    "time",
    "start",
    "end",
    "coder",
    "origin",
    "marked",
    "memo",
    "cleaned",
]


# -- rows ---------------------------------------------------------------------------------------------------------
def header(export: QuoteExport) -> list[str]:
    levels = max((len(export.paths.get(q.code, [])) for q in export.quotes), default=1) or 1
    names = [*FIXED, *(f"level{i}" for i in range(1, levels + 1)), *AFTER_LEVELS]
    taken = set(names)
    return names + [f"attr:{k}" if k in taken else k for k in export.attribute_keys]


def rows(export: QuoteExport) -> list[list[object]]:
    levels = len([h for h in header(export) if re.fullmatch(r"level\d+", h)])
    out: list[list[object]] = []
    for q in export.quotes:
        path = export.paths.get(q.code, [])
        labels = [export.codes[c].label for c in q.codes if c in export.codes]
        row: list[object] = [q.number, q.code, "; ".join(q.codes), "; ".join(labels)]
        row += (path + [""] * levels)[:levels]
        row += [
            q.text,
            q.report_text or "",
            q.attribution,
            q.source,
            q.kind,
            q.speaker or "",
            q.case or "",
            q.turn if q.turn is not None else "",
            q.time(),
            q.start,
            q.end,
            ", ".join(q.coders),
            q.how(export.codes),
            1 if q.marked else 0,
            q.memo,
            1 if q.cleaned else 0,
        ]
        row += [q.attributes.get(k, "") for k in export.attribute_keys]
        out.append(row)
    return out


# -- CSV and XLSX -------------------------------------------------------------------------------------------------
def write_csv(export: QuoteExport, path: Path, sep: str = ";") -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        write_csv_rows(fh, [header(export), *rows(export)], sep)


def write_xlsx(export: QuoteExport, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sitater")
    names = header(export)
    write_table(sheet, names, rows(export), wide={"text", "report_text", "memo"})
    about = book.create_sheet("Utvalg")
    for line in [export.title, *export.selection, f"Eksportert fra {export.project} {export.exported_at}."]:
        write_only_row(about, [line])
    book.save(str(path))


def write_table(sheet, names: list[str], data: list[list[object]], wide: set[str] = frozenset()) -> None:
    """A header row in bold on a tint, frozen, with a filter; column widths to fit (write-only sheets)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, tint = Font(bold=True), PatternFill("solid", fgColor="D9E2F3")
    for i, name in enumerate(names, 1):
        longest = max([len(name), *(len(str(r[i - 1])) for r in data[:200])])
        width = 60 if name in wide else min(max(longest + 2, 6), 40)
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(data) + 1}"
    top = Alignment(vertical="top")

    def style(cell) -> None:
        cell.font, cell.fill, cell.alignment = bold, tint, top

    write_only_row(sheet, names, style)
    for row in data:
        write_only_row(sheet, row)


# -- Markdown -------------------------------------------------------------------------------------------------------
def write_markdown(export: QuoteExport, path: Path) -> None:
    lines: list[str] = []
    if not any(s.level == 1 for s in export.sections):
        lines += [f"# {_escape(export.title)}", ""]
    if not export.quotes:
        lines += ["*Ingen sitater i utvalget.*", ""]
    for section in export.sections:
        lines += ["#" * min(section.level, 6) + " " + _escape(section.title), ""]
        for q in section.quotes:
            if export.inline:
                after = f" {_escape(q.attribution)}" if q.attribution else ""
                lines.append(f"«{_escape(inline_text(q.printed))}»{after}")
            else:
                body = _escape(q.printed)
                lines.append(f"> {body}\\" if q.attribution else f"> {body}")
                if q.attribution:
                    lines.append(f"> {_escape(q.attribution)}")
            if export.trace:
                lines.append(_comment(export, q))
            lines.append("")
    if export.trace and export.quotes:
        level = 1 if any(s.level == 1 for s in export.sections) else 2
        lines += ["#" * level + " Sporbarhet", ""]
        lines += [_escape(line) for line in export.selection]
        lines += [_escape(f"Eksportert fra {export.project} {export.exported_at}."), ""]
        lines.append("| " + " | ".join(TRACE_HEADER) + " |")
        lines.append("|---:|" + "---|" * (len(TRACE_HEADER) - 1))
        for q in export.quotes:
            lines.append("| " + " | ".join(_escape(v) for v in trace_row(export, q)) + " |")
        lines.append("")
    path.write_text(clean("\n".join(lines)), encoding="utf-8")


def _comment(export: QuoteExport, q: Quote) -> str:
    parts = (f"[{q.number}] {q.source}", q.who(), q.position(), f"koder: {code_labels(export, q)}")
    text = " · ".join(p for p in parts if p)
    return "<!-- " + text.replace("--", "- -") + " -->"


_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _escape(text: str) -> str:
    """Markdown's special characters taken literally (``[NAVN 1]`` and ``[…]`` are no links)."""
    out = _SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^(\d+)\. ", r"\1\\. ", re.sub(r"^([-+]) ", r"\\\1 ", out))
