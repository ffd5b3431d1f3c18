"""Quote export speed: 5,000 quotes to DOCX and XLSX, and the report chapter with its tables and charts, beside
python-docx, openpyxl and matplotlib writing the same bare.

Run on demand:  python -m tests.bench.bench_export [--quotes N]

Builds a project of generated interviews (the words of tests/bench/bench_import.py) with one coding per
informant turn, spread over the PPT codebook's codes, a report text on every tenth. Then, in the same run:

- ``coder`` DOCX: :func:`coder.export.quotes.collect` (read, merge, attribute, group) and the DOCX writer
  (styles, headings, quote blocks with attributions, the trace table);
- bare python-docx: the same headings and quote paragraphs (text run + attribution run) and the same table,
  with everything already in memory;
- ``coder`` XLSX: collect and the XLSX writer; bare openpyxl: the same rows in a write-only workbook;
- ``coder`` chapter (``coder export chapter --by tjenestetype``): collect, the attribute table, a chart per code
  (coder/analysis/charts.py) and the chapter writer; bare: python-docx writing the same headings, lead-ins,
  tables, quotes and trace with a plain matplotlib bar chart of the same shares (Agg, PNG at 200 dpi) per code;
- one chart: coder's (grey, hatched, labelled, Norwegian numbers) beside matplotlib's plain grouped bars.

Prints seconds for each and coder's time as a multiple of the bare one.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from coder.analysis.charts import chart_data, render
from coder.codebook.files import load_codebook
from coder.export.chapter import write_chapter
from coder.export.passages import TRACE_HEADER, trace_row
from coder.export.quotes import collect, write
from coder.export.service import export_chapter
from coder.export.tabular import header, rows
from coder.model import Attribute, ImportedSource, Segment
from coder.store import Project
from tests.bench.bench_import import WORDS

REPO = Path(__file__).resolve().parents[2]
KINDS = ["Kommunal", "Interkommunal", "Fylkeskommunal"]


def build(path: Path, quotes: int, seed: int = 3) -> Project:
    rng = random.Random(seed)
    project = Project.create(path)
    book = load_codebook(REPO / "codebooks" / "ppt.yaml")
    codes = [c.id for c in book.codes]
    per_source = 100
    items = []
    for n in range((quotes + per_source - 1) // per_source):
        parts, segments, at = [], [], 0
        for turn in range(per_source * 2):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60)))
            text = words[0].upper() + words[1:] + "."
            segments.append(Segment(at, at + len(text), "I" if turn % 2 == 0 else "IP"))
            parts.append(text)
            at += len(text) + 2
        attrs = [Attribute("tjenestetype", KINDS[n % 3]), Attribute("rolle", "PP-leder")]
        items.append(ImportedSource("transcript", f"Intervju {n + 1:03d}", "\n\n".join(parts), segments,
                                    case=f"Intervju {n + 1:03d}", attributes=attrs))  # fmt: skip
    with project.transaction():
        project.merge_codebook(book)
        ids = project.add_sources(items)
    with project.transaction():
        made = 0
        for source_id in ids:
            for seg in project.segments(source_id)[1::2]:
                if made == quotes:
                    break
                coding = project.add_coding(source_id, seg.start, seg.end, codes[made % len(codes)], "AB")
                if made % 10 == 0:
                    project.set_report_text(coding, "Redigert: " + project.source_text(source_id)[seg.start : seg.end])
                made += 1
    return project


def bare_docx(export, path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading(export.title, level=1)
    for section in export.sections:
        doc.add_heading(section.title, level=min(section.level, 4))
        for q in section.quotes:
            paragraph = doc.add_paragraph()
            paragraph.add_run(q.printed)
            paragraph.add_run(" " + q.attribution)
    table = doc.add_table(rows=1, cols=len(TRACE_HEADER))
    for cell, title in zip(table.rows[0].cells, TRACE_HEADER, strict=True):
        cell.text = title
    for q in export.quotes:
        for cell, value in zip(table.add_row().cells, trace_row(export, q), strict=True):
            cell.text = value
    doc.save(str(path))


def bare_chart(categories: list[str], groups: list[str], values: list[list[float]]) -> bytes:
    """matplotlib's plain grouped horizontal bars of the same shares, as PNG at 200 dpi."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.3, 1 + 0.6 * len(categories) * len(groups) / 2), dpi=200)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    height = 0.8 / len(groups)
    for g, name in enumerate(groups):
        axes.barh([c + g * height for c in range(len(categories))], [row[g] for row in values], height, label=name)
    axes.set_yticks(range(len(categories)), categories)
    axes.legend()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=200)
    return out.getvalue()


def shares(figure) -> tuple[list[str], list[str], list[list[float]]]:
    table = figure.table
    cells = [[100 * c.count / c.n if c.n else 0 for c in row.cells[:-1]] for row in table.rows]
    return [r.label for r in table.rows], [c.title for c in table.columns[:-1]], cells


def bare_chapter(chapter, path: Path) -> None:
    import io

    from docx import Document
    from docx.shared import Cm

    export = chapter.quotes
    doc = Document()
    doc.add_heading(export.title, level=1)
    for section in export.sections:
        doc.add_heading(section.title, level=min(section.level, 4))
        if section.code_id in chapter.descriptions:
            doc.add_paragraph(chapter.descriptions[section.code_id])
        figure = chapter.figures.get(section.code_id or "")
        if figure is not None:
            doc.add_paragraph(figure.table_caption)
            header = figure.table.header()
            table = doc.add_table(rows=1, cols=len(header))
            for cell, title in zip(table.rows[0].cells, header, strict=True):
                cell.text = title
            for values in figure.table.text_rows():
                for cell, value in zip(table.add_row().cells, values, strict=True):
                    cell.text = value
            doc.add_picture(io.BytesIO(bare_chart(*shares(figure))), width=Cm(15))
            doc.add_paragraph(figure.chart_caption)
        for q in section.quotes:
            paragraph = doc.add_paragraph()
            paragraph.add_run(q.printed)
            paragraph.add_run(" " + q.attribution)
    table = doc.add_table(rows=1, cols=len(TRACE_HEADER))
    for cell, title in zip(table.rows[0].cells, TRACE_HEADER, strict=True):
        cell.text = title
    for q in export.quotes:
        for cell, value in zip(table.add_row().cells, trace_row(export, q), strict=True):
            cell.text = value
    doc.save(str(path))


def bare_xlsx(names, data, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sitater")
    sheet.append(names)
    for row in data:
        sheet.append(row)
    book.save(str(path))


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        project = build(folder / "bench.coder", args.quotes)
        print(f"built a project with {args.quotes:,} codings in {time.perf_counter() - t:.1f} s")
        holder = {}
        coder_docx = timed(lambda: write(holder.setdefault("d", collect(project)), folder / "coder.docx"))
        export = holder["d"]
        assert len(export.quotes) == args.quotes, len(export.quotes)
        bare_d = timed(lambda: bare_docx(export, folder / "bare.docx"))
        coder_xlsx = timed(lambda: write(collect(project), folder / "coder.xlsx"))
        names, data = header(export), rows(export)
        bare_x = timed(lambda: bare_xlsx(names, data, folder / "bare.xlsx"))

        def chapter() -> None:
            holder["c"] = export_chapter(project, by="tjenestetype")
            write_chapter(holder["c"], folder / "coder-kapittel.docx")

        coder_c = timed(chapter)
        bare_c = timed(lambda: bare_chapter(holder["c"], folder / "bare-kapittel.docx"))
        figure = next(f for f in holder["c"].figures.values() if len(f.table.rows) > 1)
        data_ = chart_data(figure.table)
        coder_f = timed(lambda: render(data_, "png"))
        bare_f = timed(lambda: bare_chart(*shares(figure)))
        project.close()
    n = len(holder["c"].figures)
    print(f"{'':30}{'coder':>9}{'bare':>9}{'ratio':>8}")
    for label, mine, bare in (
        (f"DOCX, {args.quotes:,} quotes", coder_docx, bare_d),
        (f"XLSX, {args.quotes:,} quotes", coder_xlsx, bare_x),
        (f"chapter, {n} tables+charts", coder_c, bare_c),
        ("one chart (PNG, 200 dpi)", coder_f, bare_f),
    ):
        print(f"{label:30}{mine:>8.2f}s{bare:>8.2f}s{mine / bare:>7.2f}×")
    print("coder = read + merge + attribute + group (+ count and draw) + write; bare = the same content written with")
    print("everything in memory (the chapter's tables and quotes taken from coder's)")


if __name__ == "__main__":
    main()
