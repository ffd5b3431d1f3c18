"""REFI-QDA on the command line: ``coder export qdpx|qdc``, ``coder import-qdpx``, ``coder import-qdc``."""

from __future__ import annotations

from pathlib import Path

import click

from coder.cli.codebook import load_file_into, write_qdc
from coder.cli.common import current_coder, export, main, open_project


@export.command("qdpx")
@click.argument("project")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The .qdpx file to write.")
@click.option("--crlf", is_flag=True, help="CRLF line ends in the texts (and in the positions): for MAXQDA.")
def export_qdpx_cmd(project: str, output: Path, crlf: bool) -> None:
    """The whole project as REFI-QDA (.qdpx) for NVivo, ATLAS.ti, MAXQDA or QualCoder.

    Sources, speaker turns (written as «IP: …» in the text), codes, codings, memos, cases and their
    attributes. Code keywords and examples, quote marks and report texts are not part of the standard."""
    from coder.exchange.service import export_qdpx

    with open_project(project) as proj:
        report = export_qdpx(proj, output, crlf)
    click.echo(
        f"wrote {output}: {report.sources} sources, {report.codes} codes, {report.codings} codings, "
        f"{report.cases} cases, {report.memos} memos" + ("; CRLF line ends" if crlf else "")
    )


@export.command("qdc")
@click.argument("project")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The .qdc file to write.")
def export_qdc_cmd(project: str, output: Path) -> None:
    """The codebook alone as REFI-QDA (.qdc): codes with hierarchy, colours and descriptions."""
    with open_project(project) as proj:
        write_qdc(proj, output)


@main.command("import-qdpx")
@click.argument("project")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--positions",
    type=click.Choice(["auto", "standard", "atlas", "nvivo"]),
    default="auto",
    show_default=True,
    help="How the file's program counted positions: standard (code points, CRLF two: MAXQDA, QualCoder), "
    "atlas (CRLF one), nvivo (UTF-16 units: an emoji two); auto reads the program from the file.",
)
@click.option("--coder", "coder_name", help="Who is importing (default: the OS user).")
def import_qdpx_cmd(project: str, file: Path, positions: str, coder_name: str | None) -> None:
    """Import a REFI-QDA project (.qdpx) into PROJECT, empty or not: sources, codes, codings, memos, cases.

    Sources whose text the project has already get the file's codings and memos added (none doubled)."""
    from coder.exchange.service import import_qdpx

    with open_project(project) as proj:
        report = import_qdpx(proj, file, current_coder(proj, coder_name), positions)
    click.echo(
        f"{file.name}: {len(report.sources_added)} sources added, {len(report.sources_matched)} already here; "
        f"{len(report.codes_added)} codes added, {report.codes_matched} matched; "
        f"{report.codings_added} codings added, {report.codings_present} already here; "
        f"{report.cases} cases; {report.memos} memos"
    )
    for note in report.notes:
        click.echo(f"note: {note}")


@main.command("import-qdc")
@click.argument("project")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--coder", "coder_name", help="Who is importing (default: the OS user).")
def import_qdc_cmd(project: str, file: Path, coder_name: str | None) -> None:
    """Load a REFI-QDA codebook (.qdc): new codes are added, known ones get its descriptions and colours."""
    with open_project(project) as proj:
        load_file_into(proj, file, current_coder(proj, coder_name))
