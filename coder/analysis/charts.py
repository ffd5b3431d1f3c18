"""A bar chart of an attribute table: the share of each group's cases (or segments) coded with a code, with n.

Pure: a :class:`~coder.analysis.tables.Table` in, PNG or SVG bytes out. Drawn by matplotlib (a well-kept library
rather than hand-drawn SVG) with its object API and the Agg canvas: no display, no pyplot global state, and
matplotlib is imported only when a chart is drawn, so ``coder`` starts as fast as before.

How it reads, as a Norwegian evaluation report's figure:

- horizontal bars, a cluster per code (the code and its sub-codes), a bar per group (``Kommunal``,
  ``Interkommunal`` …) and, with ``total``, one for all; one code alone: a bar per group;
- readable in black and white: the groups in grey shades from dark to light, each with its own hatching, and
  every bar labelled with its value, ``46 %``; the legend names each group with its n: ``Kommunal (n=119)``;
  with one code its colour from the codebook fills the bars (a print in grey still reads, the labels carry it);
- Norwegian numbers written here, not by the locale (servers have no nb_NO): ``46 %``, ``45,5 %``, ``0 %`` …
  ``100 %`` on the axis;
- DejaVu Sans, which ships with matplotlib, so it looks the same on a machine with no fonts; SVG keeps its text
  as paths (no font needed to show it) and nothing external, and is the same bytes for the same table
  (``svg.hashsalt``, no date); PNG at 200 dpi for Word.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field
from typing import Literal

from coder.analysis.tables import Share, Table, format_count, percent_value

Format = Literal["png", "svg"]
DPI = 200
WIDTH_CM = 16.0
GREYS = ["#3a3a3a", "#8c8c8c", "#c8c8c8", "#5f5f5f", "#e6e6e6", "#a8a8a8"]
HATCHES = ["", "///", "...", "xx", "\\\\\\", "++"]
TOTAL_GREY = "#ffffff"
FONT = "DejaVu Sans"
SALT = "coder"


@dataclass
class ChartData:
    """What a chart shows: ``values[category][group]`` as shares; ``groups`` are the legend's names with n."""

    categories: list[str]
    groups: list[str]
    values: list[list[Share]]
    colours: list[str] = field(default_factory=list)  # the codebook's colour of each category ("" none)
    measure: str = "saker"  # what n counts, for the axis: «Andel saker»


def chart_data(
    table: Table,
    code_ids: list[str] | None = None,
    *,
    total: bool = False,
    colours: dict[str, str] | None = None,
    measure: str = "saker",
) -> ChartData:
    """The rows of ``code_ids`` (all codes when None) of an attribute table, its groups as bars.

    The table's «Totalt» column is its last; ``total`` keeps it as a bar of its own."""
    if table.kind != "attribute":
        raise ValueError(f"a chart is drawn from an attribute table, not {table.kind}")
    columns = table.columns if total else table.columns[:-1]
    rows = [r for r in table.rows if r.code_id and (code_ids is None or r.code_id in code_ids)]
    values = [[c for c in r.cells[: len(columns)] if isinstance(c, Share)] for r in rows]
    colours = colours or {}
    return ChartData(
        [r.label for r in rows],
        [c.title for c in columns],
        values,
        [colours.get(r.code_id or "", "") for r in rows],
        measure,
    )


# -- Norwegian numbers ----------------------------------------------------------------------------------------
def percent_text(share: Share, decimals: int = 0) -> str:
    """``46 %`` (no-break space before the sign, decimal comma); ``–`` when the group has no one."""
    value = percent_value(share.count, share.n, decimals)
    return "–" if value is None else f"{value:.{decimals}f}".replace(".", ",") + "\u00a0%"


def axis_text(value: float) -> str:
    """An axis tick: ``0 %``, ``20 %``, ``12,5 %``."""
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return text + "\u00a0%"


# -- drawing ----------------------------------------------------------------------------------------------------
def render(data: ChartData, fmt: Format = "png", width_cm: float = WIDTH_CM, dpi: int = DPI) -> bytes:
    """The chart as PNG or SVG bytes."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    if not data.categories or not data.groups:
        raise ValueError("nothing to draw: no codes or no groups")
    single = len(data.categories) == 1
    labels = _wrap(data.groups if single else data.categories, 28)
    rows = len(data.groups) if single else len(data.categories) * (len(data.groups) + 0.8)
    height_cm = 2.2 + 0.62 * rows + (0 if single else 0.55 * ((len(data.groups) + 1) // 2))
    rc = {
        "font.family": "sans-serif",
        "font.sans-serif": [FONT],
        "font.size": 8.5,
        "svg.fonttype": "path",
        "svg.hashsalt": SALT,
        "hatch.linewidth": 0.6,
        "hatch.color": "#000000",
        "axes.linewidth": 0.6,
    }
    with matplotlib.rc_context(rc):
        figure = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=dpi, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        if single:
            _single(axes, data)
        else:
            _clusters(axes, data, labels)
        axes.set_xlim(0, 100 if _top(data) <= 88 else 112)
        axes.xaxis.set_major_locator(MultipleLocator(20))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: axis_text(v) if v <= 100 else ""))
        axes.set_xlabel(f"Andel {data.measure} i gruppen")
        axes.spines[["top", "right"]].set_visible(False)
        axes.tick_params(axis="y", length=0)
        axes.grid(axis="x", color="#d0d0d0", linewidth=0.5)
        axes.set_axisbelow(True)
        if single:
            axes.set_yticks(range(len(labels)), labels)
        out = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(out, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return out.getvalue()


def _percent(share: Share) -> float:
    return 100.0 * share.count / share.n if share.n else 0.0


def _top(data: ChartData) -> float:
    return max((_percent(s) for row in data.values for s in row), default=0.0)


def _label(axes, bar, share: Share) -> None:
    axes.annotate(
        percent_text(share),
        (bar.get_width(), bar.get_y() + bar.get_height() / 2),
        xytext=(3, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        fontsize=7.5,
    )


def _single(axes, data: ChartData) -> None:
    """One code: a bar per group, top to bottom in the table's order, the code's colour (or dark grey)."""
    shares = data.values[0]
    colour = (data.colours[0] if data.colours else "") or GREYS[1]
    positions = range(len(shares))
    bars = axes.barh(positions, [_percent(s) for s in shares], height=0.6, color=colour, edgecolor="#000000",
                     linewidth=0.6)  # fmt: skip
    for bar, share in zip(bars, shares, strict=True):
        _label(axes, bar, share)
    axes.invert_yaxis()
    axes.set_ylim(len(shares) - 0.4, -0.6)


def _clusters(axes, data: ChartData, labels: list[str]) -> None:
    """Several codes: a cluster each, a bar per group in grey and hatching, the legend with each group's n."""
    groups = len(data.groups)
    height = 0.8 / groups
    for g, name in enumerate(data.groups):
        positions = [c + (g - (groups - 1) / 2) * height for c in range(len(data.categories))]
        shares = [row[g] for row in data.values]
        bars = axes.barh(
            positions,
            [_percent(s) for s in shares],
            height=height * 0.92,
            color=GREYS[g % len(GREYS)],
            hatch=HATCHES[g % len(HATCHES)],
            edgecolor="#000000",
            linewidth=0.6,
            label=name,
        )
        for bar, share in zip(bars, shares, strict=True):
            _label(axes, bar, share)
    axes.set_yticks(range(len(labels)), labels)
    axes.invert_yaxis()
    axes.figure.legend(
        loc="outside lower center",
        ncol=groups if groups <= 3 else 2,
        frameon=False,
        fontsize=7.5,
        handlelength=2.2,
        handleheight=1.2,
    )


def _wrap(labels: list[str], width: int) -> list[str]:
    return ["\n".join(textwrap.wrap(label, width)) or label for label in labels]


def describe(data: ChartData) -> str:
    """The figure's numbers in words, for a caption or a screen reader: ``Kapasitet: Kommunal (n=3) 67 % (2) …``."""
    parts = []
    for category, row in zip(data.categories, data.values, strict=True):
        bars = ", ".join(
            f"{g} {percent_text(s)} ({format_count(s.count)})" for g, s in zip(data.groups, row, strict=True)
        )
        parts.append(f"{category}: {bars}")
    return "; ".join(parts)
