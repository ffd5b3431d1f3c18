"""``coder tables``: the analysis tables of a project, printed or written as Markdown, CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

import click

from coder.analysis.formats import FORMATS, format_for, render, write
from coder.analysis.service import KINDS, TableRequest, build_table
from coder.cli.common import CalledAs, export, main, open_project
from coder.errors import InputError


@main.command("tables", cls=CalledAs)
@click.argument("project")
@click.argument("kind", type=click.Choice(KINDS), metavar="frequencies|attribute ATTR|cooccurrence")
@click.argument("attribute", required=False)
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Count in this source only (an id, the name or a part of it: q1_kapasitet); repeat for more.",
)
@click.option(
    "--where",
    multiple=True,
    metavar="FILTER",
    help="Only the cases that match: tjenestetype=kommunal, landsdel=nord,vest, årsverk!=1-5 (repeat: all must hold).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from -o's suffix, else md.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE (else print).")
@click.option(
    "--sep",
    default=",",
    show_default=True,
    type=click.Choice([",", ";", "tab"]),
    help="CSV separator; ';' also writes decimal commas, for Norwegian Excel.",
)
@click.option("--decimals", default=0, show_default=True, type=click.IntRange(0, 3), help="Decimals of percentages.")
@click.option(
    "--show",
    default="both",
    show_default=True,
    type=click.Choice(["both", "percent", "count"]),
    help="attribute: a cell as '46 % (55)', '46 %' or '55'.",
)
@click.option(
    "--subcodes",
    is_flag=True,
    help="attribute, cooccurrence: a code counts its sub-codes' codings too (frequencies always shows both).",
)
def tables(
    project: str,
    kind: str,
    attribute: str | None,
    sources: tuple[str, ...],
    where: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    sep: str,
    decimals: int,
    show: str,
    subcodes: bool,
) -> None:
    """Code frequencies, codes × an attribute (n per group, percent), or code co-occurrence.

    \b
    coder tables ppt frequencies
    coder tables ppt attribute tjenestetype --source q1_kapasitet
    coder tables ppt attribute landsdel --where tjenestetype=kommunal -o landsdel.xlsx
    coder tables ppt cooccurrence --format csv --sep ';' -o samforekomst.csv
    """
    if kind == "attribute" and not attribute:
        called = click.get_current_context().command_path
        raise click.UsageError(f"the attribute table needs an attribute: {called} PROJECT attribute tjenestetype")
    if kind != "attribute" and attribute:
        raise click.UsageError(f"only the attribute table takes an attribute ('{attribute}' given to {kind})")
    fmt = format_for(output, fmt) if output else (fmt or "md")
    if fmt == "xlsx" and output is None:
        raise click.UsageError("xlsx is written to a file: add -o FILE.xlsx")
    request = TableRequest(kind, attribute, sources, " ".join(where), subcodes)  # type: ignore[arg-type]
    with open_project(project) as proj:
        table = build_table(proj, request)
    separator = "\t" if sep == "tab" else sep
    if output is None:
        click.echo(render(table, fmt, separator, show, decimals), nl=False)  # type: ignore[arg-type]
        return
    if not output.parent.exists():
        raise InputError(output, f"the folder {output.parent} does not exist")
    try:
        write(table, output, fmt, separator, show, decimals)  # type: ignore[arg-type]
    except OSError as error:
        raise InputError(output, error.strerror or str(error)) from None
    click.echo(f"wrote {output}: {table.title}, {len(table.rows)} rows × {len(table.columns)} columns ({fmt})")


export.add_command(tables, "tables")
