"""An attribute table as bars of text: the tables view's bar view (``b``), the terminal's picture of the chart.

Pure: a :class:`~coder.analysis.tables.Table` of codes × an attribute and a width in cells in, lines out. Per code
(indented by its level) a line with its name, then a line per group: the group's name with its n, a bar of block
characters (``█`` and ``▏▎▍▌▋▊▉`` for the last eighth of a cell) whose full width is 100 %, and the cell as the
table prints it (``46 % (55)``, Norwegian numbers by :func:`~coder.analysis.tables.format_cell`). The names are cut
to fit a narrow terminal, each kept different from the others (``Fylkes…l`` beside ``Kommunal``).
"""

from __future__ import annotations

from dataclasses import dataclass

from coder.analysis.tables import Share, Show, Table, format_cell

FULL = "█"
EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
GAP = 2  # cells between a group's name and its bar
MIN_BAR = 10  # a bar narrower than this says too little: the names are cut instead
INDENT = "  "


@dataclass
class BarLine:
    """One group's bar: ``label`` padded to the labels' width, ``bar`` at most ``width`` cells, ``value``."""

    label: str
    bar: str
    value: str


@dataclass
class BarBlock:
    """A code: ``title`` (indented by its level), ``code_id``, and a :class:`BarLine` per group; none when no case
    of any group is coded with it (``empty`` then says so on the title's line, a bar view of 0 % bars says less)."""

    title: str
    code_id: str
    lines: list[BarLine]
    empty: str = ""


@dataclass
class BarView:
    """Everything the view draws: ``axis`` (``0 %`` under the bars' start, ``100 %`` at their end) and the blocks;
    each group's line starts with ``indent`` (deeper than any code's title)."""

    axis: str
    blocks: list[BarBlock]
    bar_width: int
    indent: str = INDENT


def bar(fraction: float | None, width: int) -> str:
    """``fraction`` (0–1) of ``width`` cells in block characters, to an eighth of a cell; empty for None or 0."""
    if not fraction or width <= 0:
        return ""
    eighths = round(min(max(fraction, 0.0), 1.0) * width * 8)
    full, rest = divmod(eighths, 8)
    return FULL * full + EIGHTHS[rest]


def cut_end(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def distinct(names: list[str], width: int) -> list[str]:
    """``names`` each at most ``width`` characters and still told apart: cut at the end, or (when two would read the
    same) in the middle, keeping their ends (``Fylkes…al``), or as a last resort numbered."""
    if width <= 1:
        return [f"{i + 1}" for i in range(len(names))]
    ends = [cut_end(n, width) for n in names]
    if len(set(ends)) == len(ends):
        return ends
    head = width // 2
    tail = width - 1 - head
    middles = [n if len(n) <= width else n[:head] + "…" + (n[-tail:] if tail else "") for n in names]
    if len(set(middles)) == len(middles):
        return middles
    return [cut_end(f"{i + 1} {n}", width) for i, n in enumerate(names)]


def group_labels(titles: list[str], width: int) -> list[str]:
    """Column titles ``Kommunal (n=117)`` cut to ``width``, the names shortened first, the n kept."""
    if all(len(t) <= width for t in titles):
        return titles
    parts = [t.partition(" (n=") for t in titles]
    tails = [f" (n={rest}" if sep else "" for _, sep, rest in parts]
    room = width - max(len(t) for t in tails)
    if room >= 4:
        names = distinct([name for name, _, _ in parts], room)
        return [name + tail for name, tail in zip(names, tails, strict=True)]
    return distinct(titles, width)


def bar_view(table: Table, width: int, show: Show = "both", total: bool = False) -> BarView:
    """The bars of an attribute table drawn in ``width`` cells (the «Totalt» column only with ``total``)."""
    if table.kind != "attribute":
        raise ValueError(f"bars are drawn from a table of codes by an attribute, not {table.kind}")
    columns = table.columns if total else table.columns[:-1]
    rows = [r for r in table.rows if r.code_id]
    values = [[format_cell(c, show) for c in r.cells[: len(columns)]] for r in rows]
    value_width = max((len(v) for row in values for v in row), default=0)
    titles = [c.title for c in columns]
    indent = INDENT * (max((r.depth for r in rows), default=0) + 1)
    room = width - len(indent) - GAP - 1 - value_width  # what the labels and the bars share
    label_width = min(max((len(t) for t in titles), default=0), max(room - MIN_BAR, 8), max(room // 2, 8))
    labels = [label.ljust(label_width) for label in group_labels(titles, label_width)]
    bar_width = max(room - label_width, 1)
    blocks = []
    for row, texts in zip(rows, values, strict=True):
        shares = row.cells[: len(columns)]
        lines = [
            BarLine(label, bar(share.fraction if isinstance(share, Share) else None, bar_width), text)
            for label, share, text in zip(labels, shares, texts, strict=True)
        ]
        none = all(isinstance(c, Share) and c.count == 0 for c in shares)
        empty = "  0 % in every group" if none else ""
        title = cut_end(INDENT * row.depth + row.label, width - len(empty))
        blocks.append(BarBlock(title, row.code_id or "", [] if none else lines, empty))
    start = len(indent) + label_width + GAP
    axis = " " * start + "0 %" + " " * max(bar_width - len("0 %") - len("100 %"), 1) + "100 %"
    return BarView(axis, blocks, bar_width, indent)


def bar_text(view: BarView) -> str:
    """The view as plain lines (for a test or a terminal without colours)."""
    out = [view.axis]
    for block in view.blocks:
        out.append(block.title + block.empty)
        out += [f"{view.indent}{line.label}{' ' * GAP}{line.bar} {line.value}".rstrip() for line in block.lines]
    return "\n".join(out)
