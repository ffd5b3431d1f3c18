"""``coder codebook``: load a codebook file into a project, write the project's codebook out, or show it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from coder.cli.common import current_coder, main, open_project
from coder.codebook.files import dump_codebook
from coder.codebook.service import load_into

if TYPE_CHECKING:
    from coder.store import Project


@main.command()
@click.argument("project")
@click.option("--load", "load_file", type=click.Path(path_type=Path), help="Add and update codes from a codebook file.")
@click.option("--export", "export_file", type=click.Path(path_type=Path), help="Write the codebook to .yaml/.json.")
def codebook(project: str, load_file: Path | None, export_file: Path | None) -> None:
    """Load, export or show the project's codebook (.yaml, .json, or REFI-QDA .qdc)."""
    if load_file and export_file:
        raise click.UsageError("use --load or --export, not both")
    with open_project(project) as proj:
        if load_file:
            load_file_into(proj, load_file, current_coder(proj))
        elif export_file and export_file.suffix.lower() == ".qdc":
            write_qdc(proj, export_file)
        elif export_file:
            book = proj.codebook()
            dump_codebook(book, export_file)
            click.echo(f"wrote {len(book.codes)} codes to {export_file}")
        else:
            _print_codebook(proj)


def load_file_into(proj: Project, path: Path, coder: str) -> None:
    """``coder codebook --load FILE`` and ``coder import-qdc FILE``: load it and say what changed."""
    report = load_into(proj, path, coder)
    click.echo(f"{path}: {len(report.added)} codes added, {len(report.updated)} updated, {report.unchanged} unchanged")
    if report.kept:
        click.echo(f"kept {len(report.kept)} codes that are not in the file: {', '.join(report.kept)}")


def write_qdc(proj: Project, output: Path) -> None:
    """``coder export qdc`` and ``coder codebook --export FILE.qdc``."""
    from coder.exchange.service import export_qdc

    n = export_qdc(proj, output)
    click.echo(f"wrote {n} codes to {output}")


def _print_codebook(proj: Project) -> None:
    book = proj.codebook()
    counts = proj.code_counts()
    if not book.codes:
        click.echo("no codes yet: load a codebook with --load FILE")
        return
    children: dict[str | None, list] = {}
    for code in book.codes:
        children.setdefault(code.parent, []).append(code)

    def walk(parent: str | None, depth: int) -> None:
        for code in children.get(parent, []):
            label = "  " * depth + code.label
            click.echo(f"{code.id:<26} {label:<40} {counts.get(code.id, 0):>5}  {code.description[:60]}")
            walk(code.id, depth + 1)

    click.echo(f"{book.name} (version {book.version}, {len(book.codes)} codes)")
    walk(None, 0)
