"""How far coders agree: percent agreement, Cohen's kappa, Krippendorff's alpha, span and character agreement.

The measures (top half) are pure functions over plain values; :func:`compute` (bottom half) reads a project and
lays out a report per code and overall. docs/team.md gives the definitions as a methods section can cite them.

**Unit of analysis** for percent, kappa and alpha: the segment (a speaker turn, a survey answer, a paragraph).
For each code, each coder gives each segment the value 1 (a coding of that code by that coder overlaps the
segment) or 0. ``units="coded"`` (the default) counts the segments some compared coder coded with any of the
codes compared; ``units="all"`` every segment of the sources compared. Sources compared: those given, else the
sources every compared coder coded something in. **Overall** figures pool every (segment, code) decision.

**Span agreement** (MAXQDA's segment agreement, QDA Miner's code overlap): a coding of coder X counts as matched
when coder Y has the same code, in the same source, on a span overlapping it by at least ``overlap`` of the two
spans' combined extent (intersection / union of the character ranges; 0.9 by default, 1.0 = exact spans). Both
coders' codings are checked, so span agreement = matched codings / all codings of the two. With three or more
coders every pair is counted. **Character agreement**: every character of the compared segments is a unit coded
or not by each coder (percent and Cohen's kappa over characters, pairs pooled).
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from coder.errors import CoderError
from coder.model import Coding

if TYPE_CHECKING:
    from coder.store import Project

Units = Literal["coded", "all"]
Span = tuple[int, int]


# -- the measures ------------------------------------------------------------------------------------------------
def percent_agreement(data: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Share of units on which every coder who coded it gave the same value; ``data[coder][unit]``, None missing.
    Units with fewer than two values are left out. None when no unit is left."""
    agree = total = 0
    for values in zip(*data, strict=True):
        present = [v for v in values if v is not None]
        if len(present) < 2:
            continue
        total += 1
        agree += len(set(present)) == 1
    return agree / total if total else None


def cohen_kappa(x: Sequence[Hashable], y: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two coders' nominal values over the same units: (p_o − p_e) / (1 − p_e), p_e from each
    coder's own marginal shares. None when p_e = 1 (both gave one and the same value everywhere)."""
    if len(x) != len(y):
        raise ValueError("the two coders must have a value for every unit")
    n = len(x)
    if n == 0:
        return None
    p_o = sum(a == b for a, b in zip(x, y, strict=True)) / n
    cx, cy = Counter(x), Counter(y)
    p_e = sum(cx[v] * cy[v] for v in cx) / (n * n)
    if p_e >= 1:
        return None
    return (p_o - p_e) / (1 - p_e)


def kappa_from_table(a: int, b: int, c: int, d: int) -> float | None:
    """Cohen's kappa of a 2×2 table: a both yes, b only the first, c only the second, d both no."""
    n = a + b + c + d
    if n == 0:
        return None
    p_o = (a + d) / n
    p_e = ((a + b) * (a + c) + (c + d) * (b + d)) / (n * n)
    return None if p_e >= 1 else (p_o - p_e) / (1 - p_e)


def krippendorff_alpha(data: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data: ``data[coder][unit]`` (None = missing), any number of coders.

    α = 1 − D_o / D_e over the coincidence matrix of the pairable values (units with at least two values):
    o_ck = Σ_u (number of c–k pairs of different coders in u) / (m_u − 1), n_c = Σ_k o_ck, n = Σ_c n_c,
    D_o = Σ_{c≠k} o_ck / n, D_e = Σ_{c≠k} n_c n_k / (n (n − 1)). None when D_e = 0 (no variation at all)."""
    o: Counter = Counter()
    for values in zip(*data, strict=True):
        present = [v for v in values if v is not None]
        m = len(present)
        if m < 2:
            continue
        counts = Counter(present)
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nk - 1) if c == k else nc * nk
                if pairs:
                    o[(c, k)] += pairs / (m - 1)
    n_c: Counter = Counter()
    for (c, _k), v in o.items():
        n_c[c] += v
    n = sum(n_c.values())
    if n <= 1:
        return None
    d_o = sum(v for (c, k), v in o.items() if c != k) / n
    d_e = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k) / (n * (n - 1))
    if d_e == 0:
        return None
    return 1 - d_o / d_e


def overlap_ratio(x: Span, y: Span) -> float:
    """Characters both spans cover / characters either covers (1.0: the same span; 0: apart)."""
    inter = min(x[1], y[1]) - max(x[0], y[0])
    if inter <= 0:
        return 0.0
    union = max(x[1], y[1]) - min(x[0], y[0])
    return inter / union


def matched(spans: Sequence[Span], others: Sequence[Span], overlap: float) -> int:
    """How many of ``spans`` have a span in ``others`` overlapping them by at least ``overlap``."""
    ordered = sorted(others)
    starts = [s[0] for s in ordered]
    count = 0
    for span in spans:
        hi = bisect.bisect_left(starts, span[1])
        if any(overlap_ratio(span, o) >= overlap - 1e-12 for o in ordered[:hi] if o[1] > span[0]):
            count += 1
    return count


def union_length(spans: Sequence[Span]) -> int:
    total, end = 0, None
    for s, e in sorted(spans):
        if end is None or s >= end:
            total += e - s
            end = e
        elif e > end:
            total += e - end
            end = e
    return total


def intersect(xs: Sequence[Span], ys: Sequence[Span]) -> list[Span]:
    """The character ranges both span lists cover (each list merged first)."""
    a, b = merge_spans(xs), merge_spans(ys)
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        elif s < e:
            out.append((s, e))
    return out


def char_table(xs: Sequence[Span], ys: Sequence[Span], within: Sequence[Span]) -> tuple[int, int, int, int]:
    """The 2×2 table over the characters of ``within``: (both coded, only x, only y, neither)."""
    x, y = intersect(xs, within), intersect(ys, within)
    n = union_length(within)
    both = union_length(intersect(x, y))
    nx, ny = union_length(x), union_length(y)
    return both, nx - both, ny - both, n - nx - ny + both


# -- the report ----------------------------------------------------------------------------------------------------
@dataclass
class Figures:
    """One row of the report: a code, or the overall figures."""

    code_id: str | None  # None: overall
    label: str
    units: int = 0  # segments (× codes, overall) compared
    coded: dict[str, int] = field(default_factory=dict)  # per coder: segments given the value 1
    agree: int = 0  # units every coder gave the same value
    percent: float | None = None
    kappa: float | None = None  # two coders only
    alpha: float | None = None
    span_matched: int = 0
    span_total: int = 0
    char_table: tuple[int, int, int, int] = (0, 0, 0, 0)  # pooled over pairs of coders

    @property
    def span_percent(self) -> float | None:
        return self.span_matched / self.span_total if self.span_total else None

    @property
    def char_percent(self) -> float | None:
        a, b, c, d = self.char_table
        n = a + b + c + d
        return (a + d) / n if n else None

    @property
    def char_kappa(self) -> float | None:
        return kappa_from_table(*self.char_table)

    def as_json(self) -> dict:
        return {
            "code": self.code_id,
            "label": self.label,
            "units": self.units,
            "coded": self.coded,
            "agree": self.agree,
            "percent": self.percent,
            "kappa": self.kappa,
            "alpha": self.alpha,
            "span": {"matched": self.span_matched, "codings": self.span_total, "percent": self.span_percent},
            "characters": {"table": list(self.char_table), "percent": self.char_percent, "kappa": self.char_kappa},
        }


@dataclass
class Report:
    coders: list[str]
    codes: list[Figures]
    overall: Figures
    sources: list[str]  # compared
    left_out: list[str]  # sources not every coder coded in (when none were given)
    units: Units
    overlap: float
    segments: int  # segments in the sources compared

    def as_json(self) -> dict:
        return {
            "coders": self.coders,
            "units": self.units,
            "overlap": self.overlap,
            "sources": self.sources,
            "sources_left_out": self.left_out,
            "segments": self.segments,
            "overall": self.overall.as_json(),
            "codes": [f.as_json() for f in self.codes],
        }


def scope_sources(
    project: Project, coders: list[str], sources: list[str] | None, codings: list[Coding]
) -> tuple[list[tuple[int, str]], list[str]]:
    """The sources compared ``(id, name)`` in project order, and those left out for lack of codings."""
    everything = [(s.id, s.name) for s in project.sources()]
    if sources:
        by_name = {name: sid for sid, name in everything}
        by_id = {str(sid): sid for sid, _ in everything}
        chosen = set()
        for value in sources:
            sid = by_name.get(value, by_id.get(value))
            if sid is None:
                raise CoderError(f"no source called «{value}» (coder sources PROJECT lists them)")
            chosen.add(sid)
        return [(sid, name) for sid, name in everything if sid in chosen], []
    coded: dict[int, set[str]] = {}
    for c in codings:
        coded.setdefault(c.source_id, set()).add(c.coder)
    keep = [(sid, name) for sid, name in everything if coded.get(sid, set()) >= set(coders)]
    left = [name for sid, name in everything if sid in coded and not coded[sid] >= set(coders)]
    return keep, left


def check_coders(project: Project, coders: list[str]) -> list[str]:
    coders = [c.strip() for c in coders if c.strip()]
    if len(coders) < 2:
        raise CoderError("compare at least two coders: --coders A,B")
    if len(set(coders)) != len(coders):
        raise CoderError(f"a coder is named twice in {','.join(coders)}")
    known = project.coders_with_codings()
    missing = [c for c in coders if c not in known]
    if missing:
        names = ", ".join(f"{k} ({n})" for k, n in known.items()) or "none yet"
        raise CoderError(f"no codings by {', '.join(missing)} in {project.name} (coders with codings: {names})")
    return coders


def compute(
    project: Project,
    coders: list[str],
    code_ids: list[str] | None = None,
    sources: list[str] | None = None,
    units: Units = "coded",
    overlap: float = 0.9,
) -> Report:
    """Agreement of ``coders`` per code and overall (see the module docstring for every definition)."""
    coders = check_coders(project, coders)
    if not 0 < overlap <= 1:
        raise CoderError(f"--overlap {overlap}: give a share above 0 and at most 1 (0.9 = 90 %)")
    book = project.codebook().codes
    labels = {c.id: c.label for c in book}
    if code_ids:
        unknown = [c for c in code_ids if c not in labels]
        if unknown:
            raise CoderError(f"no code {', '.join(unknown)} in the codebook (coder codebook PROJECT lists them)")
    mine = [c for c in project.codings() if c.coder in coders]
    chosen, left = scope_sources(project, coders, sources, mine)
    source_ids = {sid for sid, _ in chosen}
    mine = [c for c in mine if c.source_id in source_ids]
    used = {c.code_id for c in mine}
    codes = [c.id for c in book if (c.id in code_ids if code_ids else c.id in used)]
    mine = [c for c in mine if c.code_id in set(codes)]
    segments = project.segment_table(sorted(source_ids))
    values = _segment_values(segments, mine)  # (coder, code) → segments with value 1
    if units == "all":
        unit_ids = [s[0] for s in segments]
    else:
        touched = set().union(*values.values()) if values else set()
        unit_ids = [s[0] for s in segments if s[0] in touched]
    spans_of = {s[0]: (s[1], (s[2], s[3])) for s in segments}
    within: dict[int, list[Span]] = {}
    for seg in unit_ids:
        sid, span = spans_of[seg]
        within.setdefault(sid, []).append(span)
    rows = [_figures(code, labels.get(code, code), coders, unit_ids, values, mine, within, overlap) for code in codes]
    overall = _overall(rows, coders, unit_ids, codes, values)
    return Report(coders, rows, overall, [n for _, n in chosen], left, units, overlap, len(segments))


def _segment_values(segments: list[tuple[int, int, int, int]], codings: list[Coding]) -> dict:
    """``(coder, code) → {segment ids}`` the coder's codings of the code overlap."""
    by_source: dict[int, list[tuple[int, int, int]]] = {}
    for seg_id, sid, start, end in segments:
        by_source.setdefault(sid, []).append((start, end, seg_id))
    starts = {sid: [s[0] for s in segs] for sid, segs in by_source.items()}
    out: dict[tuple[str, str], set[int]] = {}
    for c in codings:
        segs = by_source.get(c.source_id, [])
        i = max(0, bisect.bisect_right(starts.get(c.source_id, []), c.start) - 1)
        hit = out.setdefault((c.coder, c.code_id), set())
        while i < len(segs) and segs[i][0] < c.end:
            if segs[i][1] > c.start and segs[i][1] > segs[i][0]:
                hit.add(segs[i][2])
            i += 1
    return out


def _figures(
    code: str,
    label: str,
    coders: list[str],
    unit_ids: list[int],
    values: dict,
    codings: list[Coding],
    within: dict[int, list[Span]],
    overlap: float,
) -> Figures:
    data = [[int(u in values.get((coder, code), ())) for u in unit_ids] for coder in coders]
    f = Figures(code, label, units=len(unit_ids))
    f.coded = {coder: sum(row) for coder, row in zip(coders, data, strict=True)}
    f.agree = sum(len(set(col)) == 1 for col in zip(*data, strict=True))
    f.percent = f.agree / len(unit_ids) if unit_ids else None
    f.kappa = cohen_kappa(data[0], data[1]) if len(coders) == 2 else None
    f.alpha = krippendorff_alpha(data)
    spans: dict[tuple[str, int], list[Span]] = {}
    for c in codings:
        if c.code_id == code:
            spans.setdefault((c.coder, c.source_id), []).append((c.start, c.end))
    table = [0, 0, 0, 0]
    for x, y in itertools.combinations(coders, 2):
        for sid in {s for (_, s) in spans} | set(within):
            xs, ys = spans.get((x, sid), []), spans.get((y, sid), [])
            f.span_matched += matched(xs, ys, overlap) + matched(ys, xs, overlap)
            f.span_total += len(xs) + len(ys)
            if sid in within:
                for k, v in enumerate(char_table(xs, ys, within[sid])):
                    table[k] += v
    f.char_table = (table[0], table[1], table[2], table[3])
    return f


def _overall(rows: list[Figures], coders: list[str], unit_ids: list[int], codes: list[str], values: dict) -> Figures:
    f = Figures(None, "Overall (every segment × code)")
    data = [[int(u in values.get((coder, code), ())) for code in codes for u in unit_ids] for coder in coders]
    f.units = len(unit_ids) * len(codes)
    f.coded = {coder: sum(row) for coder, row in zip(coders, data, strict=True)}
    f.agree = sum(r.agree for r in rows)
    f.percent = f.agree / f.units if f.units else None
    f.kappa = cohen_kappa(data[0], data[1]) if len(coders) == 2 else None
    f.alpha = krippendorff_alpha(data)
    f.span_matched = sum(r.span_matched for r in rows)
    f.span_total = sum(r.span_total for r in rows)
    tables = [r.char_table for r in rows]
    f.char_table = tuple(sum(t[k] for t in tables) for k in range(4))  # type: ignore[assignment]
    return f


# -- text ------------------------------------------------------------------------------------------------------------
def number(value: float | None, decimals: int = 3) -> str:
    """A coefficient the Norwegian way (decimal comma); «–» when undefined."""
    if value is None:
        return "–"
    return f"{value:.{decimals}f}".replace(".", ",").replace("-", "−")


def percent(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.{decimals}f} %".replace(".", ",")


def table_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    """The report as a header and text rows (the CLI prints them, the TUI shows them)."""
    header = ["code", "units", *[f"{c}" for c in report.coders], "agree", "κ", "α", "spans", "chars", "chars κ"]
    rows = []
    for f in [*report.codes, report.overall]:
        rows.append(
            [
                f.label,
                str(f.units),
                *[str(f.coded.get(c, 0)) for c in report.coders],
                percent(f.percent),
                number(f.kappa),
                number(f.alpha),
                f"{percent(f.span_percent)} ({f.span_matched}/{f.span_total})" if f.span_total else "–",
                percent(f.char_percent),
                number(f.char_kappa),
            ]
        )
    return header, rows


def describe(report: Report) -> list[str]:
    """The lines under the table: what was compared and how."""
    unit = (
        "segments some compared coder coded with a compared code"
        if report.units == "coded"
        else "every segment of the sources compared"
    )
    lines = [
        f"coders: {', '.join(report.coders)} · {len(report.sources)} sources, {report.segments} segments · "
        f"units: {unit} ({report.overall.units // max(len(report.codes), 1)})",
        "agree = percent agreement; κ = Cohen's kappa (two coders); α = Krippendorff's alpha (nominal); spans = "
        f"codings matched by the same code on a span overlapping ≥ {percent(report.overlap, 0)} "
        "(intersection/union); chars = character-level agreement",
    ]
    if report.left_out:
        lines.append(
            f"left out (not coded by every coder): {', '.join(report.left_out[:6])}"
            + (" …" if len(report.left_out) > 6 else "")
            + " — --source NAME compares them anyway"
        )
    return lines
