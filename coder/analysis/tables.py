"""The tables an evaluation report prints, built from counts (no SQL, no screen).

Three tables, each a :class:`Table` of a label column (the codes, in codebook order and indented by
level) and value columns:

- **frequencies** — per code: codings, coded segments and cases (informants or respondents); when the
  codebook has levels, also segments and cases counted with the sub-codes (each segment and case once);
- **attribute** — codes × the groups of an attribute: per group ``n`` (its cases in scope, the
  denominator, in the header: ``Kommunal (n=119)``) and per code the cases of the group coded with it,
  as a :class:`Share` printed ``46 % (55)``; a ``(ikke oppgitt)`` group for cases without the attribute
  and a ``Totalt`` column;
- **cooccurrence** — codes × codes: the segments coded with both; the diagonal is the code's segments.

Numbers are printed the Norwegian way: ``46 %`` with a space before the sign, a decimal comma
(``45,5 %``), a space between thousands (``20 000``). Percentages round half up, as reports do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Protocol

from coder.model import Code

TableKind = Literal["frequencies", "attribute", "cooccurrence"]
Show = Literal["both", "percent", "count"]
NOT_GIVEN = "(ikke oppgitt)"
DASH = "–"


class Counted(Protocol):
    """A code's counts in scope (coder.store.analysis.CodeCount)."""

    codings: int
    segments: int
    cases: int


@dataclass(frozen=True)
class Share:
    """``count`` of the ``n`` cases of a group."""

    count: int
    n: int

    @property
    def fraction(self) -> float | None:
        return self.count / self.n if self.n else None


Cell = int | Share | None


@dataclass(frozen=True)
class Column:
    title: str
    kind: Literal["count", "share"] = "count"


@dataclass
class Row:
    label: str
    cells: list[Cell]
    code_id: str | None = None  # None for the summary rows under the codes
    depth: int = 0  # the code's level in the codebook (0: top level)


@dataclass
class Table:
    kind: TableKind
    title: str
    columns: list[Column]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    label_title: str = "Kode"

    def header(self) -> list[str]:
        return [self.label_title] + [c.title for c in self.columns]

    def text_rows(self, show: Show = "both", decimals: int = 0, indent: str = "  ") -> list[list[str]]:
        """Every row as the strings a report prints, the label indented by its level."""
        return [
            [indent * row.depth + row.label] + [format_cell(cell, show, decimals) for cell in row.cells]
            for row in self.rows
        ]


# -- numbers the Norwegian way ---------------------------------------------------------------------------
def format_count(value: int) -> str:
    """``12``, ``1234``, ``12 345``: a space between thousands from five digits on (Språkrådet's rule)."""
    return f"{value:,}".replace(",", " ") if abs(value) >= 10_000 else str(value)


def percent_value(count: int, n: int, decimals: int = 0) -> Decimal | None:
    """``count`` of ``n`` in percent, rounded half up to ``decimals``; None when ``n`` is 0."""
    if n == 0:
        return None
    exact = Decimal(count) * 100 / Decimal(n)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_percent(count: int, n: int, decimals: int = 0) -> str:
    """``46 %``, ``45,5 %``; a dash when there is no one to count (``n`` is 0)."""
    value = percent_value(count, n, decimals)
    return DASH if value is None else f"{value:.{decimals}f}".replace(".", ",") + " %"


def format_cell(cell: Cell, show: Show = "both", decimals: int = 0) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Share):
        if show == "count":
            return format_count(cell.count)
        percent = format_percent(cell.count, cell.n, decimals)
        return percent if show == "percent" else f"{percent} ({format_count(cell.count)})"
    return format_count(cell)


def group_title(value: str, n: int) -> str:
    """``Kommunal (n=119)``."""
    return f"{value} (n={format_count(n)})"


_NORWEGIAN = str.maketrans({"æ": "z\x01", "ø": "z\x02", "å": "z\x03", "ä": "z\x01", "ö": "z\x02"})
_PARTS = re.compile(r"(\d+)")


def sort_key(value: str) -> tuple:
    """Attribute values in the order a reader expects: numbers by size (``1-5``, ``6-15``, ``16+``), letters
    in Norwegian order (… z, æ, ø, å)."""
    parts = _PARTS.split(value.casefold().translate(_NORWEGIAN))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


# -- the codebook as rows ------------------------------------------------------------------------------------
def tree_order(codes: Iterable[Code]) -> list[tuple[Code, int]]:
    """The codes depth first (each parent before its sub-codes, siblings in codebook order) with their level."""
    codes = list(codes)
    known = {c.id for c in codes}
    children: dict[str | None, list[Code]] = {}
    for code in codes:
        parent = code.parent if code.parent in known and code.parent != code.id else None
        children.setdefault(parent, []).append(code)
    out: list[tuple[Code, int]] = []
    seen: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for code in children.get(parent, []):
            if code.id not in seen:
                seen.add(code.id)
                out.append((code, depth))
                walk(code.id, depth + 1)

    walk(None, 0)
    out.extend((c, 0) for c in codes if c.id not in seen)  # a cycle of parents: still listed
    return out


def case_noun(kinds: Iterable[str]) -> str:
    """What a case is called in the scope: respondents (survey answers), informants (interviews), else cases."""
    kinds = set(kinds)
    if kinds == {"survey"}:
        return "Respondenter"
    if kinds == {"transcript"}:
        return "Informanter"
    return "Saker"


_WHO = {"Respondenter": "de", "Informanter": "de", "Saker": "informanter og respondenter"}


# -- the three tables ---------------------------------------------------------------------------------------
def frequency_table(
    codes: Iterable[Code],
    own: Mapping[str, Counted],
    rolled: Mapping[str, Counted] | None,
    coded: Counted,
    in_scope: tuple[int, int],
    kinds: Iterable[str] = (),
    scope_notes: Iterable[str] = (),
) -> Table:
    """Per code: codings, segments, cases; with ``rolled`` (counts including sub-codes) two more columns.
    ``coded``: what is coded with any code; ``in_scope``: (segments, cases) in scope."""
    noun = case_noun(kinds)
    columns = [Column("Kodinger"), Column("Segmenter"), Column(noun)]
    if rolled is not None:
        columns += [Column("Segmenter inkl. underkoder"), Column(f"{noun} inkl. underkoder")]
    rows = []
    for code, depth in tree_order(codes):
        mine = own.get(code.id)
        cells: list[Cell] = [mine.codings, mine.segments, mine.cases] if mine else [0, 0, 0]
        if rolled is not None:
            theirs = rolled.get(code.id)
            cells += [theirs.segments, theirs.cases] if theirs else [0, 0]
        rows.append(Row(code.label, cells, code.id, depth))
    extra: list[Cell] = [coded.segments, coded.cases] if rolled is not None else []
    rows.append(Row("Minst én kode", [coded.codings, coded.segments, coded.cases, *extra]))
    segments, cases = in_scope
    rows.append(Row("Alle i utvalget", [None, segments, cases] + ([segments, cases] if rolled is not None else [])))
    notes = [
        *scope_notes,
        "Segmenter: svar, replikker eller avsnitt kodet med koden; en koding over flere segmenter teller i hvert.",
        f"{noun}: {_WHO[noun]} med minst ett segment kodet med koden.",
    ]
    if rolled is not None:
        notes.append("«inkl. underkoder»: kodet med koden eller en av underkodene, hvert segment og hver sak én gang.")
    return Table("frequencies", "Kodefrekvenser", columns, rows, notes)


def attribute_table(
    codes: Iterable[Code],
    key: str,
    groups: Mapping[str | None, int],
    counts: Mapping[tuple[str, str | None], int],
    totals: Mapping[str, int],
    kinds: Iterable[str] = (),
    subcodes: bool = False,
    scope_notes: Iterable[str] = (),
) -> Table:
    """Codes × the groups of attribute ``key``.

    ``groups``: value → cases in scope (None: no value); ``counts``: (code, value) → cases of the group
    coded with the code; ``totals``: code → cases in scope coded with it (the Totalt column)."""
    values = sorted((v for v in groups if v is not None), key=sort_key)
    if None in groups:
        values.append(None)
    n_total = sum(groups.values())
    columns = [Column(group_title(v if v is not None else NOT_GIVEN, groups[v]), "share") for v in values]
    columns.append(Column(group_title("Totalt", n_total), "share"))
    rows = []
    for code, depth in tree_order(codes):
        cells: list[Cell] = [Share(counts.get((code.id, v), 0), groups[v]) for v in values]
        cells.append(Share(totals.get(code.id, 0), n_total))
        rows.append(Row(code.label, cells, code.id, depth))
    noun = case_noun(kinds).lower()
    notes = [
        *scope_notes,
        f"n: {noun} i gruppen med minst ett segment i utvalget. Prosent: andelen av dem med minst ett segment "
        "kodet med koden.",
        "Overordnede koder teller med kodingene av underkodene."
        if subcodes
        else "Overordnede koder teller bare sine egne kodinger, ikke underkodenes.",
    ]
    return Table("attribute", f"Koder etter {key}", columns, rows, notes)


def cooccurrence_table(
    codes: Iterable[Code],
    pairs: Mapping[tuple[str, str], int],
    subcodes: bool = False,
    scope_notes: Iterable[str] = (),
) -> Table:
    """Codes × codes: segments coded with both. Only codes used in scope; the columns are numbered like the rows."""
    used = [(code, depth) for code, depth in tree_order(codes) if pairs.get((code.id, code.id), 0)]
    columns = [Column(str(i)) for i in range(1, len(used) + 1)]
    rows = [
        Row(f"{i}. {code.label}", [pairs.get((code.id, other.id), 0) for other, _ in used], code.id, depth)
        for i, (code, depth) in enumerate(used, 1)
    ]
    notes = [
        *scope_notes,
        *([] if used else ["Ingen segmenter i utvalget er kodet."]),
        "Antall segmenter kodet med begge kodene (en koding av hver overlapper segmentet); "
        "diagonalen er antall segmenter kodet med koden.",
        "Overordnede koder teller med kodingene av underkodene."
        if subcodes
        else "Overordnede koder teller bare sine egne kodinger, ikke underkodenes.",
    ]
    return Table("cooccurrence", "Samforekomst av koder", columns, rows, notes)
