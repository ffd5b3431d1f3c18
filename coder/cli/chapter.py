"""``coder export chapter``: a report chapter in Word — per code a heading, a lead-in, the table and the chart by
an attribute, the quotes — and ``coder export chart``: the chart alone, as PNG or SVG."""

from __future__ import annotations

from pathlib import Path

import click

from coder.cli.codes import resolve_codes
from coder.cli.common import export, open_project
from coder.errors import CoderError, InputError


@export.command("chapter")
@click.argument("project")
@click.option("--code", "codes", multiple=True, metavar="CODE", help="Id or label; its sub-codes too (repeat).")
@click.option("--by", "attribute", metavar="ATTR", help="Table and chart of each code by this attribute.")
@click.option("--where", multiple=True, metavar="ATTR=VALUE", help="Only cases that match (tjenestetype=Kommunal).")
@click.option("--only-marked", is_flag=True, help="Only passages marked ★ as quotes.")
@click.option("--clean", is_flag=True, help="The cleanup proposal for quotes without a saved report text.")
@click.option("--chapters", type=click.Path(path_type=Path), help="YAML mapping codes to chapters (order, grouping).")
@click.option("--attribution", "template", metavar="TEMPLATE", help="E.g. \"({tjenestetype} {rolle|'PP-leder'})\".")
@click.option("--title", help="The chapter's heading (default: the codes' labels).")
@click.option("--no-trace", is_flag=True, help="Leave out the closing «Sporbarhet» table.")
@click.option("--strict", is_flag=True, help="Refuse (write nothing) when quotes hold unreviewed identifiers.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False), help="A .docx file.")
def export_chapter(
    project: str,
    codes: tuple[str, ...],
    attribute: str | None,
    where: tuple[str, ...],
    only_marked: bool,
    clean: bool,
    chapters: Path | None,
    template: str | None,
    title: str | None,
    no_trace: bool,
    strict: bool,
    output: Path,
) -> None:
    """A chapter for the report in Word (.docx).

    Per code (and sub-code) a heading, the code's description as a lead-in to replace, with --by the table and
    the bar chart of the code by the attribute («Tabell 1», «Figur 1»), then its quotes (★ first, attributed,
    cleaned with --clean); the trace table at the end.

    \b
    coder export chapter ppt.coder --code kapasitet --code samarbeid --by tjenestetype --clean -o kapittel.docx
    """
    from coder.cli.quotes import check_identifiers, report_identifiers
    from coder.export import service
    from coder.export.chapter import write_chapter
    from coder.export.chapters import check_codes, load_chapters
    from coder.export.passages import atomic_write

    if output.suffix.lower() != ".docx":
        raise InputError(output, "the chapter is a Word document: give a file name ending in .docx")
    with open_project(project) as proj:
        codes = tuple(resolve_codes(proj, codes))
        mapping = None
        if chapters is not None:
            mapping = load_chapters(chapters)
            check_codes(mapping, [c.id for c in proj.codebook().codes], chapters)
        try:
            chapter = service.export_chapter(
                proj, list(codes), by=attribute, where=list(where), only_marked=only_marked, chapters=mapping,
                template=template, title=title, clean=clean,
            )  # fmt: skip
        except ValueError as exc:  # a bad --attribution template
            raise CoderError(str(exc)) from None
        result = chapter.quotes
        result.trace = not no_trace
        if not result.quotes and not chapter.figures:
            raise CoderError(f"nothing to write: no quotes of {', '.join(codes) or 'any code'} pass the filters")
        flags = check_identifiers(proj, result.quotes)
    report_identifiers(flags, project, output, strict)
    atomic_write(output, lambda target: write_chapter(chapter, target))
    cleaned = sum(1 for q in result.quotes if q.cleaned)
    click.echo(
        f"wrote {output}: {len(result.quotes)} quote{'s' if len(result.quotes) != 1 else ''}"
        f" under {sum(1 for s in result.sections if s.code_id)} headings, {len(chapter.figures)} tables and "
        f"{sum(1 for f in chapter.figures.values() if f.chart_png)} charts"
        + (f"; {cleaned} quotes cleaned automatically" if clean else "")
    )


@export.command("chart")
@click.argument("project")
@click.option("--code", "codes", multiple=True, required=True, metavar="CODE", help="Id or label (repeat for more).")
@click.option("--by", "attribute", required=True, metavar="ATTR", help="The attribute whose groups are the bars.")
@click.option("--where", multiple=True, metavar="FILTER", help="Only the cases that match (tjenestetype=kommunal).")
@click.option("--segments", is_flag=True, help="The share of each group's segments instead of its cases.")
@click.option("--direct", is_flag=True, help="A code counts only its own codings, not its sub-codes'.")
@click.option("--total", is_flag=True, help="A bar for all groups together too.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False), help=".png or .svg")
def export_chart(
    project: str,
    codes: tuple[str, ...],
    attribute: str,
    where: tuple[str, ...],
    segments: bool,
    direct: bool,
    total: bool,
    output: Path,
) -> None:
    """A bar chart of codes by an attribute: the share of each group coded with each code, with n (PNG or SVG)."""
    from coder.analysis.charts import chart_data, render
    from coder.analysis.service import TableRequest, build_table, segment_shares
    from coder.export.passages import atomic_write

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(output, "a chart is written as .png or .svg")
    request = TableRequest("attribute", attribute, where=" ".join(where), subcodes=not direct)
    with open_project(project) as proj:
        book = {c.id: c for c in proj.codebook().codes}
        codes = tuple(resolve_codes(proj, codes))
        table = segment_shares(proj, request) if segments else build_table(proj, request)
    data = chart_data(
        table, list(codes), total=total, colours={c: b.colour for c, b in book.items()},
        measure="segmenter" if segments else "saker",
    )  # fmt: skip
    picture = render(data, fmt)  # type: ignore[arg-type]
    atomic_write(output, lambda target: target.write_bytes(picture))
    click.echo(f"wrote {output}: {len(data.categories)} codes × {len(data.groups)} groups of {attribute} ({fmt})")
