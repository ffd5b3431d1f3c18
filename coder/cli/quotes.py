"""``coder export quotes``, ``coder export matrix`` and ``coder quote-style``: quotes and tables for the report."""

from __future__ import annotations

from pathlib import Path

import click

from coder.cli.codes import resolve_codes
from coder.cli.common import current_coder, export, main, open_project, warn
from coder.errors import CoderError
from coder.export.quotes import FORMATS


def _separator(value: str) -> str:
    value = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ","}.get(value, value)
    if len(value) != 1:
        raise click.BadParameter("one character: ';' ',' or 'tab'")
    return value


@export.command("quotes")
@click.argument("project")
@click.option("--code", "codes", multiple=True, metavar="CODE", help="Id or label; its sub-codes too (repeat).")
@click.option("--where", multiple=True, metavar="ATTR=VALUE", help="Only cases that match (tjenestetype=Kommunal).")
@click.option("--only-marked", is_flag=True, help="Only passages marked ★ as quotes.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the suffix of -o.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The file to write.")
@click.option("--inline", is_flag=True, help="«…» in running text instead of indented blocks.")
@click.option("--chapters", type=click.Path(path_type=Path), help="YAML mapping codes to chapters (this export).")
@click.option("--attribution", "template", metavar="TEMPLATE", help="E.g. \"({tjenestetype} {rolle|'PP-leder'})\".")
@click.option("--title", help="The heading above the quotes (default: Sitater: the codes).")
@click.option("--sep", default=";", show_default=True, callback=lambda c, p, v: _separator(v), help="CSV separator.")
@click.option("--comments", is_flag=True, help="DOCX: the trace of each quote in a Word comment too.")
@click.option("--no-trace", is_flag=True, help="Leave out the closing «Sporbarhet» table.")
@click.option("--no-subcodes", is_flag=True, help="Only the codes named, not their sub-codes.")
@click.option("--strict", is_flag=True, help="Refuse (write nothing) when quotes hold unreviewed identifiers.")
@click.option(
    "--clean",
    is_flag=True,
    help="Print the cleanup proposal (no fillers, […] mid-sentence) for quotes without a saved report text.",
)
def export_quotes(
    project: str,
    codes: tuple[str, ...],
    where: tuple[str, ...],
    only_marked: bool,
    fmt: str | None,
    output: Path,
    inline: bool,
    chapters: Path | None,
    template: str | None,
    title: str | None,
    sep: str,
    comments: bool,
    no_trace: bool,
    no_subcodes: bool,
    strict: bool,
    clean: bool,
) -> None:
    """Write the quotes of codes for a report: .docx, .md, .csv or .xlsx.

    Each quote prints its report text when it has one (edit it with t in the retrieval view), else its words
    as said; overlapping codings of one passage are one quote with all their codes. Quotes holding identifiers
    the anonymisation check lists and nobody has decided on are listed as a warning (--strict: refused).
    --clean prints the cleanup proposal (as t proposes it) for every quote without a saved report text; the
    trace table marks them, and the project keeps the words as said."""
    from coder.export.chapters import check_codes, load_chapters
    from coder.export.quotes import collect, format_of, write

    fmt = format_of(output, fmt)
    with open_project(project) as proj:
        mapping = None
        if chapters is not None:
            mapping = load_chapters(chapters)
            check_codes(mapping, [c.id for c in proj.codebook().codes], chapters)
        codes = tuple(resolve_codes(proj, codes))
        try:
            result = collect(
                proj,
                list(codes),
                where=list(where),
                only_marked=only_marked,
                with_subcodes=not no_subcodes,
                chapters=mapping,
                template=template,
                title=title,
                clean=clean,
            )
        except ValueError as exc:  # a bad --attribution template
            raise CoderError(str(exc)) from None
        result.inline, result.comments, result.trace = inline, comments, not no_trace
        if not result.quotes:
            what = ", ".join(codes) or "any code"
            raise CoderError(f"no quotes to export: nothing coded {what} passes the filters; nothing written")
        flags = check_identifiers(proj, result.quotes)
    report_identifiers(flags, project, output, strict)
    write(result, output, fmt, sep)
    cleaned = sum(1 for q in result.quotes if q.cleaned)
    edited = sum(1 for q in result.quotes if q.report_text) - cleaned
    headings = sum(1 for s in result.sections if s.code_id)
    click.echo(
        f"wrote {len(result.quotes)} quote{'s' if len(result.quotes) != 1 else ''} under {headings} "
        f"heading{'s' if headings != 1 else ''} to {output} ({fmt}; {edited} with an edited report text"
        + (f", {cleaned} cleaned automatically)" if clean else ")")
    )


def check_identifiers(proj, quotes: list) -> list:
    """The identifiers the anonymisation check lists in ``quotes`` and nobody has decided on."""
    from coder.anonymise import check as anon
    from coder.export import guard

    loaded = anon.load_nlp(proj)
    if loaded.origin == "blank":
        warn("names, places and organisations are not checked: " + (loaded.warning or "no NER"))
    return guard.unreviewed(proj, quotes, loaded.nlp)


def report_identifiers(flags: list, project: str, output: Path, strict: bool) -> None:
    """List them as a warning on stderr; with ``strict`` refuse (nothing is written)."""
    from coder.export import guard

    if not flags:
        return
    n = len({(f.kind, f.text) for f in flags})
    head = f"{n} identifier{'s' if n != 1 else ''} the anonymisation check lists, not yet reviewed, in "
    head += f"{len({f.quote for f in flags})} of the quotes:"
    click.echo(("error: " if strict else "warning: ") + head, err=True)
    for line in guard.describe(flags):
        click.echo(f"  {line}", err=True)
    hint = f"decide on them with 'coder check {project}' (or A in the coding screen)"
    if strict:
        raise CoderError(f"refused (--strict): nothing written to {output}; {hint}")
    click.echo(f"  {hint}", err=True)


@export.command("matrix")
@click.argument("project")
@click.option(
    "--source",
    "sources",
    multiple=True,
    help="A survey question (id, name or a unique part of it), or a survey file for all its questions; repeat."
    " Default: all.",
)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="A .csv or .xlsx file.")
@click.option("--sep", default=";", show_default=True, callback=lambda c, p, v: _separator(v), help="CSV separator.")
@click.option("--direct", is_flag=True, help="A code's column counts only itself, not its sub-codes.")
def export_matrix(project: str, sources: tuple[str, ...], output: Path, sep: str, direct: bool) -> None:
    """Respondent × code: one row per respondent, 0/1 per code, with the attributes (SPSS, Stata, R)."""
    from coder.export.matrix import build_matrix, write_matrix

    with open_project(project) as proj:
        matrix = build_matrix(proj, list(sources), direct=direct)
    fmt = write_matrix(matrix, output, sep)
    coded = sum(1 for row in matrix.rows if any(row[len(row) - len(matrix.code_columns()) :]))
    click.echo(
        f"wrote {len(matrix.rows)} respondents × {len(matrix.code_columns())} codes to {output} ({fmt}; "
        f"{coded} respondents with a coded answer, from {len(matrix.sources)} question"
        f"{'s' if len(matrix.sources) != 1 else ''})"
    )


@main.command("quote-style")
@click.argument("project")
@click.option("--attribution", "template", metavar="TEMPLATE", help="E.g. \"({tjenestetype} {rolle|'PP-leder'})\".")
@click.option("--chapters", type=click.Path(path_type=Path), help="A YAML file mapping codes to chapters.")
@click.option("--default", "reset", is_flag=True, help="Back to the default attribution and no chapters.")
@click.option("--coder", "coder_name", help="Who changes it (default: the OS user).")
def quote_style(project: str, template: str | None, chapters: Path | None, reset: bool, coder_name: str | None) -> None:
    """Show or set how quotes are attributed and which chapter each code's quotes go in."""
    from coder.export import attribution as attr
    from coder.export import service as quotes
    from coder.export.chapters import SETTING, check_codes, from_setting, load_chapters

    with open_project(project) as proj:
        if template is not None or chapters is not None or reset:
            mapping = None
            if chapters is not None:
                mapping = load_chapters(chapters)
                check_codes(mapping, [c.id for c in proj.codebook().codes], chapters)
            try:
                quotes.set_style(
                    proj,
                    current_coder(proj, coder_name),
                    attribution=template,
                    chapters=mapping,
                    clear_attribution=reset and template is None,
                    clear_chapters=reset and chapters is None,
                )
            except ValueError as exc:
                raise CoderError(str(exc)) from None
        current = proj.setting(attr.SETTING)
        mapped = from_setting(proj.setting(SETTING))
        labels = {c.id: c.label for c in proj.codebook().codes}
    click.echo(f"attribution  {current or attr.DEFAULT}{'' if current else '  (the default)'}")
    if not mapped:
        click.echo("chapters     none: a heading per code")
    for chapter in mapped:
        click.echo(f"chapter      {chapter.title}: {', '.join(labels.get(c, c) for c in chapter.codes)}")
